"""A task's log streams that do not exist yet (a task that never started, a sidecar not yet
logging): AWS's FilterLogEvents rejects the whole request when any name in logStreamNames is
missing, so tailing the task must leave those names out, not fail. The emulator is made as
strict as AWS for these tests (`backend.strict_log_stream_names`)."""

from __future__ import annotations

import io

import pytest
from botocore.exceptions import ClientError
from tests.tail.conftest import now_ms

from console.demo import backend
from console.tail.runner import TailOptions, run_tail
from probes.log_sources import TailTarget


@pytest.fixture
def strict_logs():
    backend.strict_log_stream_names(True)
    yield
    backend.strict_log_stream_names(False)


def test_the_strict_emulator_rejects_unknown_stream_names_as_aws_does(log_groups, strict_logs):
    group = log_groups.create(["ecs/app/t1"])
    with pytest.raises(ClientError) as caught:
        log_groups.client.filter_log_events(logGroupName=group,
                                            logStreamNames=["ecs/app/t1", "ecs/sidecar/t1"])
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    backend.strict_log_stream_names(False)
    assert log_groups.client.filter_log_events(
        logGroupName=group, logStreamNames=["ecs/sidecar/t1"])["events"] == []


async def test_tailing_a_task_with_a_stream_not_yet_created(log_groups, aws, strict_logs):
    """`tail --task` follows the task's streams named from its task definition: the app's
    exists, the sidecar's does not. The app's lines are printed; the sidecar's appear once
    it starts logging."""
    group = log_groups.create(["ecs/app/t1"])
    base = now_ms() - 5_000
    log_groups.put(group, "ecs/app/t1", [(base + i, f"app line {i}") for i in range(3)])
    target = TailTarget((group,), ("ecs/app/t1", "ecs/sidecar/t1"), "task t1")
    out, err = io.StringIO(), io.StringIO()
    code = await run_tail(aws, target, TailOptions(since_ms=base - 1), out=out, err=err)
    assert code == 0 and err.getvalue() == ""
    assert [line.split()[-1] for line in out.getvalue().splitlines()] == ["0", "1", "2"]
    assert all("app line" in line for line in out.getvalue().splitlines())


async def test_a_task_with_no_stream_yet_prints_nothing_and_does_not_fail(log_groups, aws,
                                                                         strict_logs):
    group = log_groups.create(["ecs/other/t9"])
    log_groups.put(group, "ecs/other/t9", [(now_ms() - 1_000, "not this task's")])
    target = TailTarget((group,), ("ecs/app/t2",), "task t2")
    out, err = io.StringIO(), io.StringIO()
    code = await run_tail(aws, target, TailOptions(since_ms=now_ms() - 60_000), out=out,
                          err=err)
    assert (code, out.getvalue(), err.getvalue()) == (0, "", "")



def test_the_moto_internals_the_strict_switch_relies_on():
    """Fails loudly when a moto upgrade moves what `strict_log_stream_names` patches."""
    import inspect

    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.models import LogGroup

    backend.strict_log_stream_names(False)
    params = list(inspect.signature(LogGroup.filter_log_events).parameters)
    assert params[:3] == ["self", "log_group_name", "log_stream_names"], params
    assert "streams" in inspect.getsource(LogGroup.__init__)
    assert ResourceNotFoundException("x").code == 400
