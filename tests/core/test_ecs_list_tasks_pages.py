"""ListTasks read to the last page (issue 12 point 3).

moto answers ListTasks in one page; AWS pages at 100 and may return a short page with a
nextToken. The answers here are the documented ListTasks shape ({"taskArns": [...],
"nextToken": ...}) given to the real client (its paginator and parser run), for tasks the
emulator holds, so DescribeTasks is answered by the emulator. The strict emulator pages as AWS
does, with stopped tasks past a page.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from aiobotocore.awsrequest import AioAWSResponse

from console.demo import names as n
from probes.context import AwsContext
from probes.ecs import EcsProbe

sys.path.insert(0, str(Path(__file__).parent))

from ecs_fleet import crash, launch

T0 = datetime(2026, 11, 28, 19, 0, tzinfo=UTC)


class _Body:
    def __init__(self, body: bytes):
        self.body = body

    async def read(self) -> bytes:
        return self.body


def documented_pages(running: list[str], stopped: list[str], sent: list[dict]):
    """A `before-send.ecs.ListTasks` handler: RUNNING in pages of 100, 37 (a short page that
    still has a nextToken) and the rest; STOPPED in pages of 100 and the rest."""
    pages = {"RUNNING": [running[:100], running[100:137], running[137:]],
             "STOPPED": [stopped[:100], stopped[100:]]}

    def answer(request, **_):
        body = json.loads(request.body)
        sent.append(body)
        status = body.get("desiredStatus", "RUNNING")
        index = int(body.get("nextToken", f"{status}-0").rsplit("-", 1)[1])
        page = {"taskArns": pages[status][index]}
        if index + 1 < len(pages[status]):
            page["nextToken"] = f"{status}-{index + 1}"
        return AioAWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.1"},
                              _Body(json.dumps(page).encode()))

    return answer


async def test_every_page_of_running_and_stopped_tasks_is_read(scenario):
    handle = scenario("healthy")
    arns = launch(handle.built.base, 300, T0)
    stopped, running = arns[:120], arns[120:]
    crash(stopped, T0)
    sent: list[dict] = []
    async with AwsContext(handle.settings()) as ctx:
        ecs = await ctx.client("ecs")
        ecs.meta.events.register("before-send.ecs.ListTasks",
                                 documented_pages(running, stopped, sent))
        snapshot = await EcsProbe(ctx, n.CLUSTER, n.SERVICE, keep_stopped=20).collect()

    tokens = sorted(b.get("nextToken", "") for b in sent)
    assert tokens == ["", "", "RUNNING-1", "RUNNING-2", "STOPPED-1"]
    assert {t.task_arn for t in snapshot.running_tasks} == set(running)
    # the newest stops are on the second page: crash() stops them a second apart, in order
    assert [t.task_arn for t in snapshot.stopped_tasks] == stopped[::-1][:20]


async def test_strict_emulator_pages_of_stopped_tasks(strict_emulator):
    handle = strict_emulator("healthy")
    arns = launch(handle.built.base, 240, T0)
    crash(arns[:130], T0)
    async with AwsContext(handle.settings()) as ctx:
        snapshot = await EcsProbe(ctx, n.CLUSTER, n.SERVICE, keep_stopped=20).collect()
    assert set(arns[130:]) <= {t.task_arn for t in snapshot.running_tasks}
    assert [t.task_arn for t in snapshot.stopped_tasks] == arns[:130][::-1][:20]
