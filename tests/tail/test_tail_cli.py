"""`incident-console tail` on the emulator: hostile lines never reach stdout raw (terminal or
pipe), JSON is exact and inert, filters and context, history end with exit 0, group listing,
one task's stream from its task definition, and a quiet end on a broken pipe."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from tests.tail.conftest import HOSTILE, forbidden_in, now_ms
from tests.tail.test_follow_exactly_once import tail_env

from console.tail.runner import TailOptions, run_tail
from probes.log_sources import TailTarget, task_streams


class TtyBuffer(io.StringIO):
    def isatty(self) -> bool:
        return True


async def tail_lines(aws, group, *, tty=False, **options) -> list[str]:
    out = TtyBuffer() if tty else io.StringIO()
    code = await run_tail(aws, TailTarget((group,)),
                          TailOptions(since_ms=now_ms() - 60_000, **options), out=out,
                          err=io.StringIO())
    assert code == 0
    return out.getvalue().splitlines()


async def test_hostile_lines_are_inert_on_a_terminal_and_in_a_pipe(log_groups, aws):
    group = log_groups.create(["ecs/app/t1"])
    base = now_ms() - 5_000
    messages = [*HOSTILE.values(), "x" * 1_000_000]
    log_groups.put(group, "ecs/app/t1", [(base + i, m) for i, m in enumerate(messages)])
    for tty in (True, False):
        lines = await tail_lines(aws, group, tty=tty)
        assert len(lines) == len(messages)  # nothing split a line in two
        for line in lines:
            assert not forbidden_in(line), (tty, line[:200])
        assert "[bold red]not bold[/]" in lines[0]  # markup shown literally
        assert "␛[2J" in lines[1] and "␍" in lines[5] and "<9B>" in lines[4]
        big = lines[-1]
        if tty:
            assert len(big) < 30_000 and "chars]" in big  # cut, with a marker
        else:
            assert big.count("x") == 1_000_000  # whole, when piped


async def test_json_output_is_exact_and_ascii(log_groups, aws):
    group = log_groups.create(["ecs/app/t1"])
    base = now_ms() - 5_000
    log_groups.put(group, "ecs/app/t1", [(base + i, m) for i, m in enumerate(HOSTILE.values())])
    lines = await tail_lines(aws, group, as_json=True)
    assert all(line.isascii() and not forbidden_in(line) for line in lines)
    decoded = [json.loads(line) for line in lines]
    assert [d["message"] for d in decoded] == list(HOSTILE.values())
    assert {"group", "stream", "timestamp", "ingestion_time", "event_id"} <= decoded[0].keys()
    assert decoded[0]["timestamp"].endswith("Z")


async def test_grep_invert_and_context(log_groups, aws):
    group = log_groups.create(["ecs/app/t1"])
    base = now_ms() - 5_000
    words = ["a", "b", "ERROR one", "c", "d", "e", "f", "error two", "g"]
    log_groups.put(group, "ecs/app/t1", [(base + i, w) for i, w in enumerate(words)])
    tail = [line.rsplit(" ", 1)[-1] if " " in line else line
            for line in await tail_lines(aws, group, grep="error", context=1)]
    assert tail == ["b", "one", "c", "--", "f", "two", "g"]
    inverted = await tail_lines(aws, group, grep="/err(or)?/", invert=True)
    assert len(inverted) == 7 and not any("rror" in line for line in inverted)


async def test_several_groups_are_labelled_and_interleaved(log_groups, aws):
    first, second = log_groups.create(["s"], "/ecs/api"), log_groups.create(["s"], "/ecs/wrk")
    base = now_ms() - 5_000
    log_groups.put(first, "s", [(base, "one"), (base + 2, "three")])
    log_groups.put(second, "s", [(base + 1, "two")])
    out = io.StringIO()
    await run_tail(aws, TailTarget((first, second)), TailOptions(since_ms=base - 1), out=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[-1] for line in lines] == ["one", "two", "three"]
    assert lines[0].split()[1] != lines[1].split()[1]  # each group has its label


def test_cli_lists_groups_ends_history_and_quits_on_a_broken_pipe(log_groups, tmp_path):
    group = log_groups.create(["ecs/app/t1"], "/ecs/listed")
    base = now_ms() - 5_000
    log_groups.put(group, "ecs/app/t1", [(base + i, f"line {i}") for i in range(3_000)])
    env = tail_env(log_groups.endpoint_url, tmp_path)
    cli = [sys.executable, "-m", "console", "tail"]
    listed = subprocess.run([*cli, "--list-groups", "/ecs/listed"], capture_output=True,
                            text=True, env=env, timeout=60)
    assert listed.returncode == 0 and group in listed.stdout
    history = subprocess.run([*cli, "--log-group", group, "--since", "1m"], capture_output=True,
                             text=True, env=env, timeout=60)
    assert history.returncode == 0 and len(history.stdout.splitlines()) == 3_000
    piped = subprocess.run(f"{sys.executable} -m console tail --log-group {group} --since 1m "
                           "--follow | head -n 2", shell=True, capture_output=True, text=True,
                           env=env, timeout=60)
    assert piped.stdout.count("\n") == 2 and "Traceback" not in piped.stderr
    missing = subprocess.run([*cli, "--log-group", "/ecs/no-such-group", "--since", "1m"],
                             capture_output=True, text=True, env=env, timeout=60)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_a_task_maps_to_its_own_stream():
    definition = {"containerDefinitions": [
        {"name": "app", "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": "/ecs/prod", "awslogs-stream-prefix": "ecs"}}},
        {"name": "sidecar", "logConfiguration": {"logDriver": "json-file"}}]}
    assert task_streams(definition, "abc123") == [("/ecs/prod", "ecs/app/abc123")]


def test_the_overlap_window_comes_from_the_config(log_groups, tmp_path):
    """`logs_overlap_s` in the environment's config section is tail's default --overlap. The
    config file is checked whole, so a bad value is refused even when the flag is given; a
    bad flag is refused too, naming the flag."""
    config = tmp_path / "config.toml"
    env = {**tail_env(log_groups.endpoint_url, tmp_path), "INCIDENT_CONSOLE_CONFIG": str(config)}
    group = log_groups.create(["s"])
    cli = [sys.executable, "-m", "console", "tail", "--log-group", group, "--since", "1m"]
    config.write_text('[env.default]\nlogs_overlap_s = 1\n')
    for extra in ([], ["--overlap", "60"]):
        refused = subprocess.run([*cli, *extra], capture_output=True, text=True, env=env,
                                 timeout=60)
        assert refused.returncode == 2 and "logs_overlap_s" in refused.stderr, refused.stderr
    config.write_text('[env.default]\nlogs_overlap_s = 5\n')
    taken = subprocess.run(cli, capture_output=True, text=True, env=env, timeout=60)
    assert taken.returncode == 0, taken.stderr
    flagged = subprocess.run([*cli, "--overlap", "1"], capture_output=True, text=True,
                             env=env, timeout=60)
    assert flagged.returncode == 2 and "--overlap" in flagged.stderr, flagged.stderr
