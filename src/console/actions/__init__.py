"""Every action the console can take, by id. Ids are stable: diagnostics, runbooks and key
bindings refer to them."""

from __future__ import annotations

from console.actions.base import Action
from console.actions.ecs import (
    ForceNewDeploymentAction,
    RollbackTaskDefinitionAction,
    ScaleTaskSizeAction,
    SetDesiredCountAction,
    StopTaskAction,
)

ACTION_CLASSES: tuple[type[Action], ...] = (
    ForceNewDeploymentAction,
    SetDesiredCountAction,
    ScaleTaskSizeAction,
    RollbackTaskDefinitionAction,
    StopTaskAction,
)
ACTIONS: dict[str, type[Action]] = {cls.id: cls for cls in ACTION_CLASSES}


def actions_for_pane(pane: str) -> tuple[type[Action], ...]:
    return tuple(cls for cls in ACTION_CLASSES if cls.pane == pane and cls.key)
