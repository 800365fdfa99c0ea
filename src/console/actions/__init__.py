"""Every action the console can take, by id. Ids are stable: diagnostics, runbooks and key
bindings refer to them."""

from __future__ import annotations

from console.actions.backup import BackupBucketsAction
from console.actions.base import Action
from console.actions.cloudfront import InvalidateCloudFrontAction
from console.actions.ecs import (
    ForceNewDeploymentAction,
    RollbackTaskDefinitionAction,
    ScaleTaskSizeAction,
    SetDesiredCountAction,
    StopTaskAction,
)
from console.actions.ecs_scaling import ScaleOutAction
from console.actions.monitoring import (
    PublishTestMetricAction,
    PublishTestNotificationAction,
    SetAlarmStateAction,
)
from console.actions.network import DeleteNatGatewayAction
from console.actions.restore import RestoreDatabaseAction
from console.actions.secrets import RotateAdminSecretAction
from console.actions.stack_rebuild import RebuildStackAction
from console.actions.storage import ApplyS3LifecycleAction
from console.actions.support import DraftSupportCaseAction, PrepareSupportCaseAction

ACTION_CLASSES: tuple[type[Action], ...] = (
    ForceNewDeploymentAction,
    SetDesiredCountAction,
    ScaleOutAction,
    ScaleTaskSizeAction,
    RollbackTaskDefinitionAction,
    StopTaskAction,
    # issue 5: the rest of the guide's state changes (actions/<area>.py)
    InvalidateCloudFrontAction,
    RotateAdminSecretAction,
    PublishTestNotificationAction,
    PublishTestMetricAction,
    SetAlarmStateAction,
    ApplyS3LifecycleAction,
    BackupBucketsAction,
    RestoreDatabaseAction,
    DeleteNatGatewayAction,
    RebuildStackAction,
    DraftSupportCaseAction,
    PrepareSupportCaseAction,
)
ACTIONS: dict[str, type[Action]] = {cls.id: cls for cls in ACTION_CLASSES}


def actions_for_pane(pane: str) -> tuple[type[Action], ...]:
    return tuple(cls for cls in ACTION_CLASSES if cls.pane == pane and cls.key)
