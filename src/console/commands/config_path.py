"""`incident-console config-path`: where the config file, data and cache live."""

from __future__ import annotations

import argparse

HELP = "print where the config file, incident timelines, cache and log live"
DESCRIPTION = "Print the paths the console reads and writes, one per line."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from console.config import cache_dir, config_path, data_dir, log_dir

    config = getattr(args, "config", None) or config_path()
    state = "exists" if config.exists() else "not created yet"
    print(f"config    {config} ({state})")
    print(f"data      {data_dir()}")
    print(f"cache     {cache_dir()}")
    print(f"log       {log_dir() / 'incident-console.log'}")
    return 0
