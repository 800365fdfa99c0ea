"""The incident store, model, export and `incident` command never load textual or rich, so
`incident-console incident ...` stays light and usable without a terminal UI."""

import subprocess
import sys


def test_incident_core_and_command_do_not_import_textual_or_rich(data_dir):
    code = ("import console.incidents, console.incidents.export, console.commands.incident\n"
            "import console.cli\n"
            "console.cli.main(['incident', 'list'])\n"
            "import sys\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'rich'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"INCIDENT_CONSOLE_DATA_DIR": str(data_dir),
                                          "PATH": "/usr/bin:/bin"}).stdout
    assert out.splitlines()[-1] == "[]"
