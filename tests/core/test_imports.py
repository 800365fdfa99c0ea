"""The probes are the UI-free core: importing them must not load textual or rich, and neither
`import probes` nor `incident-console --help` may load moto or anything slow."""

import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        check=True, capture_output=True, text=True,
    ).stdout
    return set(out.split())


def test_probes_never_import_textual_or_rich():
    modules = _modules_after(
        "import probes, probes.suite, probes.verdict, probes.serialize, probes.scheduler")
    assert not {m for m in modules if m.split(".")[0] in ("textual", "rich")}, (
        "src/probes imported textual or rich")
    assert "moto" not in {m.split(".")[0] for m in modules}


def test_cli_help_is_light():
    modules = _modules_after(
        "import console.cli\ntry:\n    console.cli.main(['--help'])\nexcept SystemExit:\n    pass")
    roots = {m.split(".")[0] for m in modules}
    assert "moto" not in roots
    assert "textual" not in roots
    assert "aiobotocore" not in roots
