"""Issue 11 "done means": every demo scenario at 80x24, 120x40 and 200x50, read off the screen.

One app per scenario (the demo is built once and resized): alarm names differ where the alarms
differ, cost services by their short names (ECS and ELB, never `Amazon Elasti…` twice), no
negative age, `ACTIVATING` whole, and in stack-rollback the stack's root cause whole at 120x40.
"""

import re

import pytest

from console.demo import names as n
from console.names import service_short_name, without_prefix
from console.sanitize import clean

SIZES = ((80, 24), (120, 40), (200, 50))
COST_ROW = re.compile(r"\d[\d,]*\.\d\d +\d+% +(\S+(?: \S+)*)")
CUT_STACK_STATUS = re.compile(r"\b(?:CREATE|UPDATE|DELETE|ROLLBACK|IMPORT|REVIEW)[A-Z_]*…")
NEGATIVE_AGE = re.compile(r"(?<![\w.:-])-\d+(?:s|m|h|d)\b")


def pane_text(app, screen: str, probe: str) -> str:
    """The lines of one pane as shown (the screen cropped to the pane's region)."""
    region = app.dashboard.panes[probe].region
    lines = screen.splitlines()[region.y:region.y + region.height]
    return "\n".join(line[region.x:region.x + region.width] for line in lines)


def words(text: str) -> str:
    """Text with its wrapping and borders undone: words separated by single spaces."""
    return " ".join(text.replace("│", " ").split())


async def show(pilot, app, read_screen, number: int | None = None) -> str:
    if number is not None and app.dashboard.is_single:
        await pilot.press(str(number))
    await pilot.pause(0.2)
    return read_screen(app)


@pytest.mark.parametrize("name", n.SCENARIOS)
async def test_every_scenario_at_every_size(scenario, open_app, read_screen, until, complete,
                                            name):
    async with open_app(scenario(name), size=SIZES[1]) as (app, pilot):
        await until(pilot, lambda: complete(app), timeout=90)
        alarms = app.dashboard.panes["alarms"].data.alarms
        services = app.dashboard.panes["costs"].data.services
        tasks = app.dashboard.panes["ecs"].data.tasks
        stack = app.dashboard.panes["stack"].data
        assert len({a.name for a in alarms}) == len(alarms) > 1
        for size in SIZES:
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
            where = f"{name} at {size[0]}x{size[1]}"

            screen = await show(pilot, app, read_screen, 2)
            ecs = pane_text(app, screen, "ecs")
            assert not NEGATIVE_AGE.search(screen), where
            assert "Up -" not in screen
            if any(t.last_status == "ACTIVATING" for t in tasks):
                assert "ACTIVATING" in ecs and "ACTIVAT…" not in ecs, where

            screen = await show(pilot, app, read_screen, 1)
            shown = pane_text(app, screen, "stack")
            assert not CUT_STACK_STATUS.search(shown), (where, shown)  # statuses whole

            screen = await show(pilot, app, read_screen, 5)
            shown = pane_text(app, screen, "alarms")
            rows = [line for line in shown.splitlines() if re.search(r"\b(OK|ALARM)\b", line)]
            visible = alarms[:len(rows)]
            assert visible, where
            for alarm in visible:  # each alarm by the part of its name that differs
                assert without_prefix(alarm.name, n.STACK) in shown, (where, alarm.name)
            assert len(set(rows)) == len(rows), where

            screen = await show(pilot, app, read_screen, 6)
            shown = pane_text(app, screen, "costs")
            assert "Amazon Elasti" not in shown, where
            cost_rows = [m.group(1) for m in COST_ROW.finditer(shown)]
            top = [service_short_name(s.service) for s in services[:3]]
            assert cost_rows[:3] == top, (where, cost_rows)  # largest first, short names
            assert len(set(cost_rows)) == len(cost_rows), (where, cost_rows)
            assert {"ECS", "ELB"} <= {service_short_name(s.service) for s in services}

            if name == "cost-overrun" and size == (120, 40):  # the budget is the reason
                assert app.dashboard.query_one("#grid").has_class("-room-costs")
                assert app.dashboard.panes["costs"].region.width >= 58
            if name == "stack-rollback" and size == (120, 40):
                root = stack.root_causes[0]
                assert app.dashboard.query_one("#grid").has_class("-room-stack")
                shown = words(pane_text(app, screen, "stack"))
                assert f"✗ {root.logical_id} {root.status}: {words(clean(root.reason))}" \
                    in shown, shown
