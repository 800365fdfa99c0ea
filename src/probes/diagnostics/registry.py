"""Every diagnostic, in the order findings of equal severity are shown: from what users feel
(service, load balancer) to what only bites later (costs, recovery), manual steps last."""

from __future__ import annotations

from probes.diagnostics import (
    access,
    backups,
    certificates,
    costs,
    ecs_service,
    ecs_tasks,
    edge,
    logs,
    manual,
    memory,
    monitoring,
    network,
    performance,
    recovery,
    security,
    stack,
    targets,
)
from probes.diagnostics.model import Diagnostic

DIAGNOSTICS: tuple[Diagnostic, ...] = (
    *access.DIAGNOSTICS,
    *targets.DIAGNOSTICS,
    *ecs_service.DIAGNOSTICS,
    *ecs_tasks.DIAGNOSTICS,
    *memory.DIAGNOSTICS,
    *network.DIAGNOSTICS,
    *stack.DIAGNOSTICS,
    *edge.DIAGNOSTICS,
    *certificates.DIAGNOSTICS,
    *performance.DIAGNOSTICS,
    *monitoring.DIAGNOSTICS,
    *logs.DIAGNOSTICS,
    *backups.DIAGNOSTICS,
    *security.DIAGNOSTICS,
    *costs.DIAGNOSTICS,
    *recovery.DIAGNOSTICS,
    *manual.DIAGNOSTICS,
)

BY_ID = {d.id: d for d in DIAGNOSTICS}
# The probes whose snapshots the diagnostics read (never the log tail: it has its own state).
PROBES = tuple(dict.fromkeys(p for d in DIAGNOSTICS for p in d.probes))
