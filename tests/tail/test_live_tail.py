"""Live Tail where the account allows it, polling where not, each event once across switches.

The stream is served in AWS's event-stream encoding with the shapes of botocore's model
(`live_wire`), parsed by the real client; stored events and FilterLogEvents are the emulator's.
As on AWS, an event goes to the live stream only if it was ingested while a session was open:
what was ingested between the last live update and the switch back to polling reaches the
reader only through the polling re-read of the overlap.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from tests.tail.conftest import now_ms
from tests.tail.live_wire import LiveTailWire, result

from probes import live_session, live_tail
from probes.live_tail import LiveTailFollower

ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:{}"


class Rig:
    """A group on the emulator, a follower on it, the wire, and what AWS received."""

    def __init__(self, log_groups, logs, group: str, follower: LiveTailFollower) -> None:
        self.log_groups = log_groups
        self.group = group
        self.arn = ARN.format(group)
        self.follower = follower
        self.wire = LiveTailWire()
        self.wire.install(logs)
        self.calls: Counter[str] = Counter()
        logs.meta.events.register("before-call.cloudwatch-logs",
                                  lambda model=None, **_: self.calls.update([model.name]))
        self.sent: Counter[tuple[str, int, str]] = Counter()
        self.shown: Counter[tuple[str, int, str]] = Counter()
        self.modes: list[str] = []
        self._n = 0

    def put(self, count: int, live: bool, duplicate: bool = False) -> None:
        """`count` events over three streams (the last two identical, same millisecond, when
        `duplicate`); pushed to the live stream too when a session is open (`live`)."""
        ts = now_ms()
        by_stream: dict[str, list[tuple[int, str]]] = {}
        for i in range(count):
            self._n += 1
            stream = f"s{i % 3}"
            message = f"line {self._n}"
            if duplicate and i >= count - 2:
                stream, message = "s0", "repeated line"
            by_stream.setdefault(stream, []).append((ts + i // 3, message))
        results = []
        for stream, lines in by_stream.items():
            self.log_groups.put(self.group, stream, lines)
            ingested = now_ms()
            for t, m in lines:
                self.sent[(stream, t, m)] += 1
                results.append(result(self.arn, stream, t, m, ingested))
        if live:
            self.wire.update(results)

    async def poll(self) -> None:
        for _ in range(20):  # what a caller's interval does: the session's reader runs
            await asyncio.sleep(0)
        for event in await self.follower.poll():
            self.shown[(event.stream, event.timestamp, event.message)] += 1
        self.modes.append(self.follower.state)

    async def settle(self, polls: int = 30) -> None:
        for _ in range(polls):
            await self.poll()
            if self.shown == self.sent and not self.follower.behind:
                return

    def check_exactly_once(self) -> None:
        missing = self.sent - self.shown
        twice = self.shown - self.sent
        assert not missing, f"{sum(missing.values())} of {sum(self.sent.values())} never shown"
        assert not twice, f"shown more often than sent: {list(twice.items())[:5]}"


@pytest.fixture
async def rig(log_groups, aws, monkeypatch):
    """Handover ends at the first poll after the session started: the emulator's events are
    searchable at once (AWS: within `SEARCH_LAG_MS`); ended sessions are retried at once."""
    monkeypatch.setattr(live_tail, "SEARCH_LAG_MS", 0)
    monkeypatch.setattr(live_session, "RETRY_ENDED_MS", 0)
    group = log_groups.create(["s0", "s1", "s2"], prefix="/ecs/live")
    logs = await aws.client("logs")
    follower = LiveTailFollower(aws, [group], start_ms=now_ms() - 1_000, overlap_ms=10_000)
    made = Rig(log_groups, logs, group, follower)
    yield made
    await follower.close()


async def open_live(rig: Rig) -> None:
    """Poll until the follower asked for a session, start it, poll into live tail."""
    for _ in range(200):  # the request travels through the client (no sleep: a yield)
        if rig.wire.pending:
            break
        await rig.poll()
    assert rig.wire.pending, rig.follower.why_polling
    rig.wire.start([rig.arn])
    for _ in range(200):
        await rig.poll()
        if rig.follower.state == "live":
            return
    raise AssertionError(f"never went live: {rig.follower.state} {rig.follower.why_polling}")


async def test_live_updates_are_shown_once_and_no_filter_calls_are_made_while_live(rig):
    rig.put(30, live=False)  # before the session: polling reads these
    await open_live(rig)
    assert rig.wire.requests[-1] == {"logGroupIdentifiers": [rig.arn]}
    assert rig.follower.mode_text(2) == "live tail"
    before = rig.calls["FilterLogEvents"]
    for _ in range(5):
        rig.put(40, live=True, duplicate=True)
        await rig.poll()
    await rig.settle(5)
    assert rig.calls["FilterLogEvents"] == before  # live tail replaced polling
    rig.check_exactly_once()


@pytest.mark.parametrize("ending", ["SessionTimeoutException", "SessionStreamingException",
                                    "closed", "dropped"])
async def test_a_session_ending_falls_back_to_polling_without_a_gap(rig, ending):
    """Events ingested after the last live update never reach the stream: the polling
    re-read of the overlap finds them, and the live ones are not shown again."""
    await open_live(rig)
    rig.put(50, live=True, duplicate=True)
    await rig.poll()
    rig.put(25, live=False)  # ingested as the session ends: never sent live
    if ending == "closed":
        rig.wire.close()
    elif ending == "dropped":
        rig.wire.drop()
    else:
        rig.wire.fail(ending, "Session timed out after 3 hours" if "Timeout" in ending
                      else "Internal failure")
    for _ in range(200):
        await rig.poll()
        if rig.follower.state != "live":
            break
    assert rig.follower.mode == "polling"
    if ending == "SessionTimeoutException":
        assert rig.follower.why_polling == ("SessionTimeoutException: Session timed out "
                                            "after 3 hours")
    await rig.settle()
    rig.check_exactly_once()


async def test_a_hundred_and_fifty_cycles_with_a_switch_every_fifteen_show_each_event_once(
        rig):
    """Long run: 150 poll cycles, 30 events a cycle, sessions ending every 15 cycles in each
    documented way (and one LimitExceeded refusal), events ingested between the last update
    and each ending; every event shown exactly once, live and polling both used."""
    endings = ["SessionTimeoutException", "closed", "SessionStreamingException", "dropped"]
    switches = 0
    cycle = 0
    refused = False
    while cycle < 150:
        if rig.follower.state in ("polling", "starting"):
            if switches == 2 and not refused:  # the account is at its 15 sessions, once
                refused = True
                rig.wire.refuse = (400, "LimitExceededException",
                                   "Maximum number of concurrent Live Tail sessions reached")
            await open_live_or_refused(rig)
            rig.wire.refuse = None
        rig.put(30, live=rig.follower.state == "live", duplicate=cycle % 7 == 0)
        await rig.poll()
        cycle += 1
        if cycle % 15 == 0 and rig.follower.state == "live":
            rig.put(10, live=False)
            ending = endings[switches % len(endings)]
            {"closed": rig.wire.close, "dropped": rig.wire.drop}.get(
                ending, lambda e=ending: rig.wire.fail(e, "ended"))()
            switches += 1
            for _ in range(200):
                await rig.poll()
                if rig.follower.state == "polling":
                    break
    await rig.settle()
    rig.check_exactly_once()
    assert sum(rig.sent.values()) >= 4_500
    assert switches >= 8 and {"live", "polling"} <= set(rig.modes)
    assert rig.calls["StartLiveTail"] == len(rig.wire.sessions) + 1  # + the refused one


async def open_live_or_refused(rig: Rig) -> None:
    if rig.wire.refuse is None:
        await open_live(rig)
        return
    for _ in range(200):
        await rig.poll()
        if rig.follower.why_polling.startswith("LimitExceededException"):
            break
    assert rig.follower.why_polling == ("LimitExceededException: Maximum number of "
                                        "concurrent Live Tail sessions reached")
    assert rig.follower.mode_text(2).startswith("polling every 2s (live tail: LimitExceeded")
    # Asked again in 5 minutes, not at once: the test moves that moment to now.
    assert rig.follower.retry_at - now_ms() > 250_000
    rig.follower.retry_at = 0


async def test_a_sampled_update_is_shown_as_possible_loss(rig):
    await open_live(rig)
    rig.wire.update([result(rig.arn, "s0", now_ms(), "one of many", now_ms())], sampled=True)
    for _ in range(200):
        await rig.poll()
        if rig.follower.sampled_updates:
            break
    assert "sampled" in rig.follower.loss_risk and "500" in rig.follower.loss_risk


async def test_new_groups_while_live_end_the_session_and_nothing_is_shown_twice(rig):
    """Rediscovery after a stack update points the follower at another set of groups (as
    `probes.rediscovery.retarget` does): the session named the old ones, so polling takes
    over, re-reading the kept group's overlap; a session for the new set is asked for."""
    from probes.log_cursor import GroupCursor

    await open_live(rig)
    rig.put(60, live=True, duplicate=True)
    await rig.poll()
    rig.put(20, live=False)  # ingested as the groups change: never sent live
    extra = rig.log_groups.create(["x"], prefix="/ecs/live-added")
    rig.log_groups.put(extra, "x", [(now_ms(), "in the new group")])
    sessions = len(rig.wire.sessions)
    rig.follower.cursors = [*rig.follower.cursors, GroupCursor(extra, now_ms() - 60_000)]
    assert rig.follower.mode == "polling"
    await rig.settle()
    shown_new = [k for k in rig.shown if k[2] == "in the new group"]  # not in rig.sent
    assert len(shown_new) == 1 and rig.shown.pop(shown_new[0]) == 1
    rig.check_exactly_once()
    assert len(rig.wire.sessions) == sessions + 1  # asked again, for both groups
    assert len(rig.wire.requests[-1]["logGroupIdentifiers"]) == 2
