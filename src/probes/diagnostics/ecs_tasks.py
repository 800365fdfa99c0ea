"""Tasks that keep stopping, grouped by why: image pull, start failure, health checks, crashes.

Out-of-memory kills are the memory diagnostic's (it adds the memory metric and the log lines).
For CannotPullContainerError the repository is checked in ECR, as the guide does with
`aws ecr describe-images`: a missing repository, a missing tag and a present image (then the
execution role or the network is to blame) are three different fixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from botocore.exceptions import ClientError

from probes.diagnostics import guide
from probes.diagnostics.inputs import DiagnosticInputs
from probes.diagnostics.model import Diagnostic, Finding, Severity, args, evidence
from probes.ecs import EcsTask, ServiceSnapshot
from probes.task_ids import short_task_id
from probes.task_stops import TaskStop

RECENT = timedelta(hours=3)
OOM, IMAGE_PULL, START_FAILED, HEALTH_CHECK, CRASHED, OTHER = (
    "oom", "image-pull", "start-failed", "health-check", "crashed", "other")
_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"(?P<repo>[^:@]+)(?::(?P<tag>[^@]+))?(?:@(?P<digest>.+))?$")


def stop_cause(task: EcsTask) -> str | None:
    """Why a stopped task failed (None when it did not: replaced by a deployment, scaled in,
    stopped by a user or by AWS). The class is `probes.task_stops`'; only the image pull is
    told apart here, for its ECR check."""
    stop = task.stop
    if stop is None or not stop.failure:
        return None
    if stop is TaskStop.FAILED_TO_START:
        text = " ".join([task.stopped_reason, *(c.reason for c in task.containers)]).lower()
        return IMAGE_PULL if "cannotpullcontainer" in text or "pull image" in text \
            else START_FAILED
    return {TaskStop.HEALTH_CHECK: HEALTH_CHECK, TaskStop.OUT_OF_MEMORY: OOM,
            TaskStop.CRASHED: CRASHED}.get(stop, OTHER)


def recent_failures(service: ServiceSnapshot, now: datetime) -> dict[str, list[EcsTask]]:
    """Failed tasks stopped within `RECENT`, by cause."""
    by_cause: dict[str, list[EcsTask]] = {}
    for task in service.stopped_tasks:
        when = task.stopped_at or task.started_at
        if when is not None and now - when > RECENT:
            continue
        cause = stop_cause(task)
        if cause is not None:
            by_cause.setdefault(cause, []).append(task)
    return by_cause


def task_lines(tasks: list[EcsTask], limit: int = 3) -> tuple[tuple[str, str], ...]:
    lines = []
    for task in tasks[:limit]:
        when = (task.stopped_at.strftime("%H:%M:%S") if task.stopped_at
                else "(time not reported)")
        codes = ",".join(str(c) for c in task.exit_codes) or "-"
        lines.append((f"task {short_task_id(task.task_id)}",
                      f"stopped {when}, exit {codes}: {task.stopped_reason or 'no reason'}"))
    return tuple(lines)


@dataclass(frozen=True)
class ImageCheck:
    """What ECR says about an image: "present", "tag missing", "repository missing",
    "not in ECR" (another registry) or "unknown" (the check itself failed)."""

    image: str
    state: str
    detail: str = ""


def parse_ecr_image(image: str) -> dict[str, str] | None:
    match = _ECR_IMAGE.match(image)
    return match.groupdict() if match else None


async def check_image(inputs: DiagnosticInputs, image: str) -> ImageCheck:
    parts = parse_ecr_image(image)
    if parts is None:
        return ImageCheck(image, "not in ECR")
    ecr = await inputs.ctx.client("ecr", region=parts["region"])
    image_id = ({"imageDigest": parts["digest"]} if parts.get("digest")
                else {"imageTag": parts.get("tag") or "latest"})
    try:
        await ecr.describe_images(repositoryName=parts["repo"], registryId=parts["account"],
                                  imageIds=[image_id])
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "RepositoryNotFoundException":
            return ImageCheck(image, "repository missing", parts["repo"])
        if code == "ImageNotFoundException":
            return ImageCheck(image, "tag missing", next(iter(image_id.values())))
        error = inputs.classify(exc, "ecr:DescribeImages")
        inputs.note(error)
        return ImageCheck(image, "unknown", error.summary())
    return ImageCheck(image, "present")


_PULL_CAUSES = {
    "repository missing": "The ECR repository does not exist: the image was never pushed "
                          "to this account and region.",
    "tag missing": "The repository exists but this tag is not in it: the push failed or the "
                   "tag was deleted (lifecycle policy).",
    "present": "The image is in ECR, so the execution role cannot pull it (ecr:BatchGetImage, "
               "ecr:GetAuthorizationToken) or the tasks have no route to ECR (public IP, NAT "
               "or VPC endpoints).",
    "not in ECR": "The image is in another registry, which refused or could not be reached.",
    "unknown": "The image could not be pulled; ECR could not be asked why.",
}


def evaluate_tasks(service: ServiceSnapshot, now: datetime,
                   images: dict[str, ImageCheck]) -> list[Finding]:
    """One finding per cause of recent failures (out-of-memory excepted)."""
    by_cause = recent_failures(service, now)
    down = service.desired > 0 and service.running == 0
    severity = Severity.CRITICAL if down else Severity.WARNING
    runbooks = (guide.P0_SERVICE_DOWN,) if down else (guide.P1_DEGRADED,)
    refs = args(cluster=service.cluster, service=service.service,
                task_definition=service.task_definition)
    findings = []
    for cause, tasks in by_cause.items():
        if cause == OOM:
            continue
        seen = evidence(("stopped tasks", len(tasks)),
                        ("task definition", tasks[0].revision)) + task_lines(tasks)
        common = {"severity": severity, "runbooks": runbooks, "action_args": refs}
        if cause == IMAGE_PULL:
            image = next((c.image for t in tasks for c in t.containers if c.image), "")
            check = images.get(image, ImageCheck(image, "unknown"))
            findings.append(Finding(
                id="ecs.image-pull-failed", guide=guide.TASKS_STOPPING,
                title=f"{len(tasks)} task(s) could not pull their image",
                cause=_PULL_CAUSES[check.state],
                fix="Push the image (docker push) or roll back to the previous task "
                    "definition; check with aws ecr describe-images --repository-name REPO.",
                evidence=seen + evidence(("image", image or None), ("in ECR", check.state),
                                         ("ECR detail", check.detail or None)),
                actions=(guide.ROLLBACK_TASK_DEFINITION,), **common))
        elif cause == START_FAILED:
            findings.append(Finding(
                id="ecs.tasks-failed-to-start", guide=guide.TASKS_STOPPING,
                title=f"{len(tasks)} task(s) failed to start",
                cause="ECS could not prepare the task: the execution role cannot read a "
                      "secret, create the log stream or pull the image, or there is no "
                      "network path to those services.",
                fix="Read the reason; check the execution role's policies and the subnets' "
                    "route to the internet (public IP or NAT).",
                evidence=seen, actions=(guide.ROLLBACK_TASK_DEFINITION,), **common))
        elif cause == HEALTH_CHECK:
            findings.append(Finding(
                id="ecs.health-check-kills", guide=guide.HEALTH_CHECKS,
                title=f"{len(tasks)} task(s) were stopped for failing health checks",
                cause="The app does not answer its health check (GET /health on port 8000) "
                      "with 200 in time: it is failing, too slow to start, or the security "
                      "group keeps the load balancer out.",
                fix="Read the app's logs (aws logs tail /ecs/STACK); curl -f "
                    "http://ALB-DNS/health; check the security-group finding.",
                evidence=seen, actions=(guide.FORCE_NEW_DEPLOYMENT,), **common))
        else:
            findings.append(Finding(
                id="ecs.tasks-crashing" if cause == CRASHED else "ecs.tasks-stopping",
                guide=guide.TASKS_STOPPING,
                title=f"{len(tasks)} task(s) stopped unexpectedly",
                cause="The app's process exited with an error." if cause == CRASHED else
                      "Tasks stopped for the reason shown.",
                fix="Read the app's last log lines before the stop: aws logs tail "
                    "/ecs/STACK --since 1h. If a new revision crashes, roll it back.",
                evidence=seen, actions=(guide.ROLLBACK_TASK_DEFINITION,), **common))
    return findings


async def check_tasks(inputs: DiagnosticInputs) -> list[Finding]:
    service: ServiceSnapshot = inputs.snapshot("ecs")
    failing = recent_failures(service, inputs.now).get(IMAGE_PULL, [])
    images = {c.image for t in failing for c in t.containers if c.image}
    checks = {image: await check_image(inputs, image) for image in sorted(images)[:3]}
    return evaluate_tasks(service, inputs.now, checks)


DIAGNOSTICS = (
    Diagnostic("ecs.tasks", "Stopped ECS tasks", (guide.TASKS_STOPPING, guide.HEALTH_CHECKS),
               check_tasks, probes=("ecs",)),
)
