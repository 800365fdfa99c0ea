"""Issue 11 points 6 and 7: the raw JSON view (`v`), one key language (help shows keys as
printed, the palette shows each command's key, a refusal reads the same from a key and from
the palette, prompts are labelled, footers list only what applies)."""

import base64
import json
import urllib.request

from textual.command import CommandPalette

from console.screens.help import HelpScreen
from console.screens.log_view import LogViewScreen
from console.screens.raw_json import RawJsonScreen


def said(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _recorder(endpoint: str, path: str) -> bytes:
    method = "GET" if path == "download-recording" else "POST"
    return urllib.request.urlopen(urllib.request.Request(
        f"{endpoint}/moto-api/recorder/{path}", method=method)).read()


def received(endpoint: str) -> list[tuple[str, dict]]:
    """(operation, JSON body) of every JSON-protocol request moto recorded."""
    out = []
    for line in _recorder(endpoint, "download-recording").decode().splitlines():
        entry = json.loads(line) if line.strip() else {}
        headers = {k.lower(): v for k, v in entry.get("headers", {}).items()}
        target = headers.get("x-amz-target", "")
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = base64.b64decode(body).decode()
        out.append((target.rsplit(".", 1)[-1] or entry.get("path", ""),
                    json.loads(body) if target and body else {}))
    return out


async def test_v_shows_the_highlighted_task_as_aws_describes_it_searchable_and_copyable(
        scenario, open_app, until, complete, read_screen):
    demo = scenario("p0-outage")
    async with open_app(demo, size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: complete(app))
        ecs = app.dashboard.panes["ecs"]
        failed = ecs.data.failed_tasks[0]
        await pilot.press("2")
        ecs.body.move_cursor(row=[t.task_arn for t in ecs.data.tasks].index(failed.task_arn))
        _recorder(demo.endpoint_url, "reset-recording")
        _recorder(demo.endpoint_url, "start-recording")
        try:
            await pilot.press("v")
            await until(pilot, lambda: isinstance(app.screen, RawJsonScreen))
            await until(pilot, lambda: "lines, from ecs:DescribeTasks" in read_screen(app))
            sent = received(demo.endpoint_url)
        finally:
            _recorder(demo.endpoint_url, "stop-recording")
        text = read_screen(app)
        assert '"attachments": [' in text
        assert f"ECS task {failed.task_id}" in text
        # One read, of this task; nothing that could carry a secret's value.
        describes = [body for op, body in sent if op == "DescribeTasks"]
        assert describes == [{"cluster": "children-drawing-prod-cluster",
                              "tasks": [failed.task_arn]}]
        assert not any(op in ("GetSecretValue", "DescribeTaskDefinition") for op, _ in sent)
        # Search: the match is selected and scrolled into view, the status counts matches.
        await pilot.press("slash", *"stoppedReason", "enter")
        await pilot.pause()
        text = read_screen(app)
        assert "/stoppedReason: match 1/" in text
        assert '"stoppedReason": ' in text
        area = app.screen.query_one("TextArea")
        assert area.selected_text == "stoppedReason"
        # Copy: the whole JSON, and the screen says so.
        await pilot.press("c")
        copied = json.loads(app.clipboard)
        assert copied["taskArn"] == failed.task_arn
        assert any(m.startswith("Copied the JSON (") for m in said(app))
        await pilot.press("escape")
        assert not isinstance(app.screen, RawJsonScreen)


async def test_a_refusal_reads_the_same_from_the_key_and_from_the_palette(
        scenario, open_app, until, complete):
    async with open_app(scenario("p0-outage"), size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: complete(app))
        # Read-only F: said, not silently ignored (the "F does nothing").
        await pilot.press("2", "F")
        await until(pilot, lambda: len(said(app)) == 1)
        from_key = said(app)[0]
        assert from_key.startswith("Force a new deployment: refused, the console is read-only")
        app.clear_notifications()
        app.start_action("force-new-deployment")  # what the palette's entry calls
        await until(pilot, lambda: len(said(app)) == 1)
        assert said(app) == [from_key]
        # Nothing to show: the Logs pane has no resource row.
        app.clear_notifications()
        await pilot.press("4", "v")
        await until(pilot, lambda: len(said(app)) == 1)
        from_key = said(app)[0]
        assert from_key.startswith("Raw JSON: the Logs pane holds text lines")
        app.clear_notifications()
        app.dashboard.action_raw_json()  # the palette's "Raw JSON of the highlighted row"
        await until(pilot, lambda: len(said(app)) == 1)
        assert said(app) == [from_key]


async def test_the_palette_shows_each_commands_key(scenario, open_app, until, complete,
                                                   read_screen):
    async with open_app(scenario("healthy"), size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"force new")
        await until(pilot, lambda: "(F in pane 2, refused: read-only)" in read_screen(app),
                    timeout=10)
        for _ in "force new":
            await pilot.press("backspace")
        await pilot.press(*"service events")
        await until(pilot, lambda: "Service events  (e)" in read_screen(app), timeout=10)
        for _ in "service events":
            await pilot.press("backspace")
        await pilot.press(*"command switch")
        await until(pilot, lambda: "cluster or service  (:)" in read_screen(app), timeout=10)


async def test_help_shows_keys_as_printed_and_the_log_prompt_is_labelled(
        scenario, open_app, until, complete, read_screen):
    async with open_app(scenario("healthy"), size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogViewScreen))
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = [line.split(" ", 1)[0] for line in app.screen.plain.splitlines()]
        assert "!" in keys and "exclamation_mark" not in app.screen.plain
        assert "pageup" not in app.screen.plain and "question_mark" not in app.screen.plain
        await pilot.press("escape")
        # The context prompt says what its 0 is, and its footer offers only Esc.
        await pilot.press("c")
        await pilot.pause()
        lines = read_screen(app).splitlines()
        assert "lines of context around each match (0-50)" in "\n".join(lines[-4:])
        footer = lines[-1]
        assert "esc Back" in footer and "Filter" not in footer and "Context" not in footer


async def test_raw_json_of_thousands_of_lines_searches_and_cycles_every_match(
        scenario, open_app, until, read_screen):
    """Long run: a record of 2,000 items (about 10,000 lines of JSON); `/` finds 100 matches
    and `n` walks all of them and wraps, `N` walks back; the status says where it is."""
    from console.raw_json import RawRequest

    record = {"items": [{"id": f"item-{i:04d}", "state": "needle" if i % 20 == 0 else "hay",
                         "nested": {"value": i}} for i in range(2_000)]}
    async with open_app(scenario("healthy"), size=(120, 40), start_probes=False) as (
            app, pilot):
        app.push_screen(RawJsonScreen(RawRequest("A large record", record=record)))
        await until(pilot, lambda: "lines, from the console's record" in read_screen(app))
        screen = app.screen
        lines = screen.text.count("\n") + 1
        assert lines > 10_000
        assert f"A large record  {lines} lines" in read_screen(app)
        await pilot.press("slash", *"needle", "enter")
        await pilot.pause()
        assert "/needle: match 1/100" in read_screen(app)
        area = screen.query_one("TextArea")
        for _ in range(2, 101):
            await pilot.press("n")
            assert area.selected_text == "needle"
        await pilot.pause()
        assert "/needle: match 100/100" in read_screen(app)
        row = area.selection.end[0]
        assert '"state": "needle"' in read_screen(app)  # scrolled to the match
        assert screen.text.split("\n")[row].strip() == '"state": "needle",'
        await pilot.press("n")
        await pilot.pause()
        assert "/needle: match 1/100" in read_screen(app)
        await pilot.press("N")
        await pilot.pause()
        assert "/needle: match 100/100" in read_screen(app)
