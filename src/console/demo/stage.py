"""The toolkit scenarios are written with: tasks, service state, alarms, backups, costs.

A `Stage` is one scenario build in progress: the base deployment, the moment the scenario
happens (`now`), a seeded random source, and what the log producer will need afterwards (each
task's log stream and fate).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from console.demo import backend, billing, fleet, metric_history, specs, telemetry
from console.demo import names as n
from console.demo.deployment import BaseDeployment
from console.demo.fleet import LaunchedTask, TaskPlan
from console.demo.loglines import LogSource

_SQLITE_HEADER = b"SQLite format 3\x00" + b"\x10\x00\x01\x01\x00\x40\x20\x20"


@dataclass
class Stage:
    """One scenario build in progress; scenarios call its methods to set their state."""

    base: BaseDeployment
    now: datetime
    rng: random.Random
    log_sources: list[LogSource] = field(default_factory=list)
    # The stack's history so far (creation, routine updates), oldest first.
    stack_events: list[specs.StackEventSpec] = field(default_factory=list)
    _used_hosts: set[int] = field(default_factory=set)

    def ago(self, **delta: float) -> datetime:
        return self.now - timedelta(**delta)

    # -- ECS -------------------------------------------------------------------------------

    def launch(self, plans: Sequence[TaskPlan], deployment: str,
               task_definition: str | None = None) -> list[LaunchedTask]:
        """Start the service's tasks; their streams join the log producer's sources."""
        free = sorted(set(range(10, 250)) - self._used_hosts)
        hosts = self.rng.sample(free, len(plans))
        self._used_hosts.update(hosts)
        launched = fleet.launch_tasks(self.base, plans, deployment=deployment,
                                      task_definition=task_definition
                                      or self.base.task_definition_arn, hosts=hosts)
        self.log_sources.extend(t.log_source for t in launched)
        return launched

    def set_service(self, *, running: int, pending: int,
                    deployments: Sequence[specs.DeploymentSpec],
                    events: Sequence[specs.ServiceEventSpec]) -> None:
        ordered = sorted(events, key=lambda e: e.created_at, reverse=True)
        backend.set_service_state(n.CLUSTER, n.SERVICE, running=running, pending=pending,
                                  deployments=deployments, events=ordered,
                                  created_at=self.base.created_at + timedelta(minutes=6))

    def completed_deployment(self, deployment: str, started: datetime,
                             task_definition: str | None = None) -> specs.DeploymentSpec:
        return specs.DeploymentSpec(
            deployment, "PRIMARY", task_definition or self.base.task_definition_arn,
            desired=2, running=2, pending=0, failed_tasks=0, rollout_state="COMPLETED",
            rollout_reason=f"ECS deployment {deployment} completed.", created_at=started,
            updated_at=started + timedelta(minutes=4, seconds=11))

    def steady_fleet(self, *, deployed: datetime, task_definition: str | None = None,
                     health: str = "HEALTHY") -> list[LaunchedTask]:
        """Two healthy RUNNING tasks from one completed deployment, registered and serving."""
        deployment = fleet.deployment_id(self.rng)
        plans = [TaskPlan("serving", deployed + timedelta(seconds=5 + i), in_target_group=True,
                          health=health) for i in range(2)]
        tasks = self.launch(plans, deployment, task_definition)
        events = fleet.rollout_events(tasks, deployment, deployed, self.base.target_group_arn)
        events += fleet.steady_state_events(self.ago(minutes=self.rng.randrange(20, 300)),
                                            deployed + timedelta(hours=6))
        self.set_service(running=2, pending=0, events=events, deployments=[
            self.completed_deployment(deployment, deployed, task_definition)])
        return tasks

    # -- CloudWatch --------------------------------------------------------------------------

    def set_telemetry(self, levels: telemetry.MetricLevels,
                      firing: Mapping[str, timedelta] | None = None) -> None:
        """Metric data for `levels`; alarms named in `firing` are in ALARM since that long
        ago, the others OK (since a quiet moment days ago)."""
        firing = firing or {}
        unknown = set(firing) - set(telemetry.ALARMS_BY_NAME)
        if unknown:
            raise ValueError(f"unknown alarms: {sorted(unknown)}")
        load_balancer = self.base.load_balancer_arn.split(":loadbalancer/", 1)[1]
        target_group = self.base.target_group_arn.split(":", 5)[5]
        cloudwatch = self.base.api("cloudwatch")
        # 3 h of history with the scenario's signature (issue 13); the alarms quote it.
        batches, values = metric_history.metric_data(
            metric_history.levels_by_minute(levels, firing), self.now, load_balancer,
            target_group, self.rng)
        for namespace, data in batches.items():
            for start in range(0, len(data), 1000):
                cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start:start + 1000])
        for alarm in telemetry.ALARMS:
            is_firing = alarm.name in firing
            since = (self.now - firing[alarm.name] if is_firing
                     else self.ago(days=self.rng.randrange(2, 12), minutes=self.rng.randrange(600)))
            # The reason quotes the datapoints evaluated at the transition, not at build time.
            points = telemetry.evaluated_datapoints(alarm, values, levels, self.now, at=since)
            reason, data = telemetry.state_reason(alarm, points, is_firing, since)
            cloudwatch.set_alarm_state(AlarmName=alarm.name,
                                       StateValue="ALARM" if is_firing else "OK",
                                       StateReason=reason, StateReasonData=data)
            backend.set_alarm_state_since(alarm.name, since)

    # -- S3 ----------------------------------------------------------------------------------

    def put_backups(self, newest: datetime, count: int = 8) -> None:
        """`count` SQLite backups six hours apart, the newest written at `newest`."""
        s3 = self.base.api("s3")
        for index in range(count):
            written = newest - timedelta(hours=6 * index)
            slot = written.replace(minute=0, second=0, microsecond=0)
            key = f"backup-{slot:%Y-%m-%d-%H-%M}.db"
            body = _SQLITE_HEADER + self.rng.randbytes(4096 - len(_SQLITE_HEADER))
            s3.put_object(Bucket=n.BACKUPS_BUCKET, Key=key, Body=body,
                          ContentType="application/vnd.sqlite3",
                          ServerSideEncryption="AES256")
            backend.set_object_last_modified(n.BACKUPS_BUCKET, key, written)

    def put_drawings(self, count: int = 2) -> None:
        s3 = self.base.api("s3")
        for index in range(count):
            key = f"uploads/{self.rng.randrange(1000, 99999)}.png"
            s3.put_object(Bucket=n.DRAWINGS_BUCKET, Key=key, ContentType="image/png",
                          Body=b"\x89PNG\r\n\x1a\n" + self.rng.randbytes(2048))
            backend.set_object_last_modified(n.DRAWINGS_BUCKET, key,
                                             self.ago(minutes=17 * index + 3))

    # -- costs -------------------------------------------------------------------------------

    def seed_costs(self, profile: billing.CostProfile) -> billing.MonthToDate:
        mtd = billing.month_to_date(profile, self.now, self.rng)
        billing.seed_costs(self.base.endpoint_url, self.base.api("budgets"),
                           self.base.cost_topic_arn, mtd)
        return mtd
