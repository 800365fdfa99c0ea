"""In the log view, `g` lists the groups under /ecs/ and follows several at once."""

import time

import boto3

from console.screens.log_groups import LogGroupPickerScreen
from console.screens.log_view import LogViewScreen


async def test_pick_a_second_group_and_follow_both(scenario, open_app, until, complete,
                                                   read_screen):
    demo = scenario("healthy")
    logs = boto3.client("logs", endpoint_url=demo.endpoint_url, region_name="eu-west-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")
    logs.create_log_group(logGroupName="/ecs/children-drawing-worker")
    logs.create_log_stream(logGroupName="/ecs/children-drawing-worker", logStreamName="ecs/w/1")
    logs.put_log_events(logGroupName="/ecs/children-drawing-worker", logStreamName="ecs/w/1",
                        logEvents=[{"timestamp": int(time.time() * 1000) - 1000,
                                    "message": "worker says hello"}])
    async with open_app(demo, size=(120, 40)) as (app, pilot):
        await until(pilot, lambda: complete(app))
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LogViewScreen))
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, LogGroupPickerScreen))
        picker = app.screen
        await until(pilot, lambda: "group(s) under /ecs/" in read_screen(app))
        options = picker.query_one("#groups-list")
        names = [options.get_option_at_index(i).value for i in range(options.option_count)]
        assert names == ["/ecs/children-drawing-prod", "/ecs/children-drawing-worker"]
        assert options.selected == ["/ecs/children-drawing-prod"]
        options.highlighted = 1
        await pilot.press("space", "enter")
        await until(pilot, lambda: isinstance(app.screen, LogViewScreen)
                    and len(app.screen.target.groups) == 2)
        await until(pilot, lambda: "worker says hello" in read_screen(app))
