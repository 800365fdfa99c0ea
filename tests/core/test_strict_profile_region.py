"""14.8: with AWS_PROFILE set and no --region, the profile's `region` is used (as the AWS CLI
does), not eu-west-1; an explicit region (flag, config, AWS_REGION) still wins."""

from __future__ import annotations

from console.config import Flags, resolve
from probes.context import AwsContext

AWS_CONFIG = """\
[default]
region = us-east-2

[profile prod-oncall]
region = eu-central-1
output = json

[profile no-region]
output = json
"""


def environment(tmp_path, **env_vars):
    config = tmp_path / "aws-config"
    config.write_text(AWS_CONFIG)
    return {"AWS_CONFIG_FILE": str(config), **env_vars}


async def test_the_profiles_region_is_where_the_clients_go(tmp_path, monkeypatch):
    env_vars = environment(tmp_path, AWS_PROFILE="prod-oncall")
    for name, value in env_vars.items():  # the session reads the same file
        monkeypatch.setenv(name, value)
    env = resolve(Flags(config=tmp_path / "absent.toml"), env_vars=env_vars)
    assert env.aws.region == "eu-central-1"
    async with AwsContext(env.aws) as ctx:
        assert (await ctx.client("ecs")).meta.region_name == "eu-central-1"


def test_profile_from_the_flag_and_the_default_profile(tmp_path):
    absent = tmp_path / "absent.toml"
    assert resolve(Flags(config=absent, profile="prod-oncall"),
                   env_vars=environment(tmp_path)).aws.region == "eu-central-1"
    assert resolve(Flags(config=absent), env_vars=environment(tmp_path)).aws.region == "us-east-2"
    assert resolve(Flags(config=absent, profile="no-region"),
                   env_vars=environment(tmp_path)).aws.region == "eu-west-1"


def test_an_explicit_region_wins_over_the_profiles(tmp_path):
    absent = tmp_path / "absent.toml"
    env_vars = environment(tmp_path, AWS_PROFILE="prod-oncall")
    assert resolve(Flags(config=absent, region="ap-southeast-2"),
                   env_vars=env_vars).aws.region == "ap-southeast-2"
    assert resolve(Flags(config=absent), env_vars={**env_vars, "AWS_REGION": "us-west-2"}
                   ).aws.region == "us-west-2"


def test_an_unreadable_config_file_falls_back_to_the_default_region(tmp_path):
    broken = tmp_path / "aws-config"
    broken.write_text("[profile prod-oncall\nregion = eu-central-1\n")
    env = resolve(Flags(config=tmp_path / "absent.toml"),
                  env_vars={"AWS_CONFIG_FILE": str(broken), "AWS_PROFILE": "prod-oncall"})
    assert env.aws.region == "eu-west-1"
