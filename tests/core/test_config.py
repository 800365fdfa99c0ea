"""The config file: named environments, precedence, and one clear error per mistake."""

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
    ("[env.prod.intervals]\necs = 0\n", "env.prod.intervals.ecs must be above 0"),
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


def test_unknown_environment_lists_the_known_ones(tmp_path):
    path = write(tmp_path, "[env.prod]\n[env.staging]\n")
    with pytest.raises(ConfigError, match=r"unknown environment 'dev'.*prod, staging"):
        resolve(Flags(config=path, env="dev"), env_vars={})


def test_endpoint_url_must_be_a_url(tmp_path):
    with pytest.raises(ConfigError, match="should start with http"):
        resolve(Flags(config=tmp_path / "none.toml", endpoint_url="localhost:4566"), env_vars={})
