"""Bad files, as a user meets them from the shell: every mistake in the config file is one
line naming the file, the key and what is expected, exit 2, never "unexpected error"; the
dashboard does not start on such a file."""

import stat

import pytest
from tests.cli.test_bad_input import run_cli

BAD_CONFIGS = {
    "tiny-interval": ("[env.prod.intervals]\nlogs = 0.0001\n",
                      ["env.prod.intervals.logs should be a number of seconds from 1 to 86400, "
                       "not 0.0001"]),
    "nan-and-inf": ("[env.prod]\nread_timeout = nan\ncost_cache_hours = inf\n"
                    "[env.prod.intervals]\necs = -3\n",
                    ["env.prod.read_timeout should be a number of seconds above 0, at most "
                     "600, not nan",
                     "env.prod.cost_cache_hours should be a number of hours above 0, at most "
                     "744, not inf",
                     "env.prod.intervals.ecs should be a number of seconds from 1 to 86400, "
                     "not -3"]),
    "theme-and-lines": ("[ui]\ntheme = 'nope'\nlog_lines = nan\n",
                        ["ui.theme should be one of Textual's themes (ansi-dark, ",
                         "ui.log_lines should be a whole number from 100 to 1000000, not nan"]),
    "keys": ("[keys]\nzoom = 'q'\nzom = 'x'\n",
             ["keys.zom: unknown binding id 'zom' (did you mean 'zoom'?)",
              "keys.zoom = 'q': q is already 'quit' (Quit); choose a free key or remap "
              "that one too"]),
    "deep": ("a = " + "[" * 5000 + "]" * 5000 + "\n",
             ["arrays or inline tables nested too deeply: not a config file"]),
}


@pytest.mark.parametrize("name", sorted(BAD_CONFIGS))
@pytest.mark.parametrize("command", ["status", "dashboard"])
def test_a_bad_config_is_one_line_per_mistake_and_exit_2(tmp_path, name, command):
    text, expected = BAD_CONFIGS[name]
    config = tmp_path / "config.toml"
    config.write_text(text)
    done = run_cli("--config", str(config), command,
                   env={"INCIDENT_CONSOLE_LOG_DIR": str(tmp_path / "log")})
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == len(expected), lines
    for line, wanted in zip(lines, expected, strict=True):
        assert line.startswith(f"incident-console: {config}: {wanted}"), line
    assert "unexpected error" not in done.stderr


def test_config_dev_zero_is_refused_after_one_megabyte(tmp_path):
    done = run_cli("--config", "/dev/zero", "status",
                   env={"INCIDENT_CONSOLE_LOG_DIR": str(tmp_path / "log")}, timeout=60)
    assert done.returncode == 2
    assert done.stderr == ("incident-console: /dev/zero: larger than 1 MB: not a config file "
                           "(check the path)\n")


def test_the_log_file_and_its_directory_are_private(tmp_path):
    log_dir = tmp_path / "new" / "log"
    config = tmp_path / "config.toml"
    config.write_text("[ui]\ntheme = 'nope'\n")
    done = run_cli("--config", str(config), "status",
                   env={"INCIDENT_CONSOLE_LOG_DIR": str(log_dir)})
    assert done.returncode == 2
    assert stat.S_IMODE((log_dir / "incident-console.log").stat().st_mode) == 0o600
    assert stat.S_IMODE(log_dir.stat().st_mode) == 0o700
