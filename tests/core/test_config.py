"""The config file: named environments, precedence, and one clear error per mistake."""

from pathlib import Path

import pytest

from console.config import ConfigError, Flags, load_file, resolve


def write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_defaults_are_the_guides_names_and_the_aws_environment(tmp_path):
    env = resolve(Flags(config=tmp_path / "absent.toml"),
                  env_vars={"AWS_PROFILE": "oncall", "AWS_REGION": "eu-central-1",
                            "AWS_ENDPOINT_URL": "http://localhost:4566"})
    assert env.stack == "children-drawing-prod"
    assert env.aws.profile == "oncall"
    assert env.aws.region == "eu-central-1"
    assert env.aws.endpoint_url == "http://localhost:4566"
    assert env.read_only


def test_default_region_is_eu_west_1_and_aws_default_region_is_honoured(tmp_path):
    absent = Flags(config=tmp_path / "absent.toml")
    assert resolve(absent, env_vars={}).aws.region == "eu-west-1"
    assert resolve(absent, env_vars={"AWS_DEFAULT_REGION": "us-west-2"}).aws.region == "us-west-2"


def test_flags_beat_the_file_which_beats_the_environment(tmp_path):
    path = write(tmp_path, """
default_env = "prod"
[env.prod]
profile = "prod-oncall"
region = "eu-west-1"
stack = "children-drawing-prod"
log_groups = ["/ecs/a", "/ecs/b"]
write = true
[env.prod.intervals]
ecs = 5
""")
    env = resolve(Flags(config=path), env_vars={"AWS_PROFILE": "ambient"})
    assert env.aws.profile == "prod-oncall"
    assert env.overrides.log_groups == ("/ecs/a", "/ecs/b")
    assert env.write and env.intervals == {"ecs": 5.0}
    flagged = resolve(Flags(config=path, profile="mine", write=False, stack="other"),
                      env_vars={})
    assert (flagged.aws.profile, flagged.write, flagged.stack) == ("mine", False, "other")


@pytest.mark.parametrize(("text", "message"), [
    ("[env.prod]\nregoin = 'eu-west-1'\n", "unknown key 'env.prod.regoin'"),
    ("[env.prod]\nwrite = 'yes'\n", "env.prod.write should be true or false, not 'yes'"),
    ("[env.prod]\nlog_groups = '/ecs/x'\n", "env.prod.log_groups should be a list of strings"),
    ("[env.prod.intervals]\necs = 0\n",
     "env.prod.intervals.ecs should be a number of seconds from 1 to 86400, not 0"),
    ("[env.prod.intervals]\nlogs = 0.0001\n", "env.prod.intervals.logs should be a number of "
     "seconds from 1 to 86400, not 0.0001"),
    ("[env.prod.intervals]\nlogs = nan\n", "intervals.logs should be a number of seconds"),
    ("[env.prod.intervals]\nlogs = inf\n", "not inf"),
    ("[env.prod.intervals]\nlogs = -5\n", "not -5"),
    ("[env.prod.intervals]\nlogs = true\n", "not True"),
    ("[env.prod]\nread_timeout = 0\n", "env.prod.read_timeout should be a number of seconds "
     "above 0, at most 600, not 0"),
    ("[env.prod]\nconnect_timeout = -inf\n", "env.prod.connect_timeout should be"),
    ("[env.prod]\ncost_cache_hours = nan\n", "env.prod.cost_cache_hours should be a number "
     "of hours above 0, at most 744, not nan"),
    ("[env.prod]\ncost_cache_hours = 0\n", "cost_cache_hours should be"),
    ("[ui]\nlog_lines = nan\n", "ui.log_lines should be a whole number from 100 to 1000000"),
    ("[ui]\nlog_lines = 0\n", "ui.log_lines should be a whole number"),
    ("[ui]\ntheme = 'solarised'\n", "ui.theme should be one of Textual's themes ("),
    ("[keys]\nzom = 'x'\n", "keys.zom: unknown binding id 'zom' (did you mean 'zoom'?)"),
    ("[keys]\nqwertyuiop = 'x'\n", "(binding ids: action.apply-s3-lifecycle,"),
    ("[keys]\nzoom = 'q'\n", "keys.zoom = 'q': q is already 'quit' (Quit)"),
    ("[keys]\nrefresh = 'z'\n", "keys.refresh = 'z': z is already 'zoom'"),
    ("[keys]\nzoom = 'ctrl+p'\n", "ctrl+p is the command palette"),
    ("[keys]\nzoom = 'zed'\n", "keys.zoom: 'zed' is not a key name"),
    ("[keys]\nzoom = 5\n", "keys.zoom should be a string of keys like"),
    ("a = " + "[" * 5000 + "]" * 5000 + "\n", "arrays or inline tables nested too deeply"),
    ("[env." + ".".join(["p"] * 5000) + "]\n", "keys nested 5001 levels deep (at most 32)"),
    ("[keys]\nzoom = " + "[" * 30 + "]" * 30 + "\n", "keys.zoom should be a string"),
    ("[env.prod.intervals]\nlambda = 5\n", "unknown probe 'env.prod.intervals.lambda'"),
    ("default_env = 'staging'\n[env.prod]\n", "default_env = 'staging' but there is no"),
    ("[env.prod\n", "not valid TOML"),
    ("colour = 'red'\n", "unknown key 'colour'"),
])
def test_each_mistake_is_one_message_naming_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_file(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_every_mistake_in_a_file_is_its_own_line(tmp_path):
    path = write(tmp_path, "[env.prod]\nread_timeout = nan\n[env.prod.intervals]\n"
                           "logs = 0.0001\n[ui]\ntheme = 'nope'\n")
    with pytest.raises(ConfigError) as caught:
        load_file(path)
    assert [line.split(": ", 1)[1].split(" should")[0] for line in caught.value.lines] == [
        "env.prod.read_timeout", "env.prod.intervals.logs", "ui.theme"]
    assert all(line.startswith(f"{path}: ") for line in caught.value.lines)


def test_a_good_file_with_keys_theme_and_fractional_intervals_loads(tmp_path):
    path = write(tmp_path, "[keys]\nzoom = 'Z'\nrefresh = 'f5,r'\n[ui]\ntheme = 'nord'\n"
                           "log_lines = 5000\n[env.prod]\nread_timeout = 2.5\n"
                           "cost_cache_hours = 0.5\n[env.prod.intervals]\nlogs = 1.5\n")
    file = load_file(path)
    assert (file.keys, file.theme, file.log_lines) == (
        {"zoom": "Z", "refresh": "f5,r"}, "nord", 5000)
    env = resolve(Flags(config=path, env="prod"), env_vars={})
    assert env.intervals == {"logs": 1.5} and env.cost_cache_ttl_s == 1800


def test_a_file_over_1_mb_is_refused_without_reading_it_all(tmp_path):
    path = write(tmp_path, "# " + "x" * (1024 * 1024) + "\n")
    with pytest.raises(ConfigError, match=r"larger than 1 MB: not a config file"):
        load_file(path)
    with pytest.raises(ConfigError, match=r"^/dev/zero: larger than 1 MB"):
        load_file(Path("/dev/zero"))


def test_unknown_environment_lists_the_known_ones(tmp_path):
    path = write(tmp_path, "[env.prod]\n[env.staging]\n")
    with pytest.raises(ConfigError, match=r"unknown environment 'dev'.*prod, staging"):
        resolve(Flags(config=path, env="dev"), env_vars={})


def test_endpoint_url_must_be_a_url(tmp_path):
    with pytest.raises(ConfigError, match="should start with http"):
        resolve(Flags(config=tmp_path / "none.toml", endpoint_url="localhost:4566"), env_vars={})
