"""The one short form of an ECS task id, everywhere the console prints one.

The first 8 characters of the id (the part after the last ``/`` of the task ARN): what the ECS
pane, the log pane, the log view, `status`, `check` and the diagnostics show, and what
`tail --task` accepts.
"""

SHORT_TASK_ID = 8


def short_task_id(task_id: str) -> str:
    return task_id.rsplit("/", 1)[-1][:SHORT_TASK_ID]
