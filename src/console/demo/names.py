"""The emulated deployment's names, exactly as the troubleshooting guide spells them.

Kept apart from the code that builds the deployment so that the CLI, the tests and the log
producer can name things without importing boto3 or moto.
"""

from __future__ import annotations

ACCOUNT_ID = "123456789012"  # moto's default account
REGION = "eu-west-1"
CREDENTIALS = ("testing", "testing")

STACK = "children-drawing-prod"
CLUSTER = f"{STACK}-cluster"
SERVICE = f"{STACK}-service"
TASK_FAMILY = f"{STACK}-task"
CONTAINER = "app"
CONTAINER_PORT = 8000
IMAGE = f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com/children-drawing-app"
TARGET_GROUP = f"{STACK}-tg"
LOAD_BALANCER = f"{STACK}-alb"
HEALTH_CHECK_PATH = "/health"
LOG_GROUP = f"/ecs/{STACK}"
LOG_STREAM_PREFIX = "ecs"
DRAWINGS_BUCKET = f"children-drawing-production-drawings-{ACCOUNT_ID}"
BACKUPS_BUCKET = f"children-drawing-production-backups-{ACCOUNT_ID}"
SECRET = f"{STACK}-admin-password"
COST_TOPIC = f"{STACK}-cost-alerts"
ALERTS_TOPIC = f"{STACK}-alerts"
ALERT_EMAIL = "oncall@children-drawing.example.com"
BUDGET = f"{STACK}-monthly"
BUDGET_LIMIT_USD = 200.0
TASK_ROLE = f"{STACK}-ecs-task-role"
EXECUTION_ROLE = f"{STACK}-ecs-execution-role"
DOMAIN = "children-drawing.example.com"
METRICS_NAMESPACE = "ChildrenDrawing/Application"

ALARM_CPU = f"{STACK}-ecs-cpu-high"
ALARM_MEMORY = f"{STACK}-ecs-memory-high"
ALARM_5XX = f"{STACK}-alb-5xx-high"
ALARM_RESPONSE_TIME = f"{STACK}-alb-response-time-high"
ALARM_UNHEALTHY_HOSTS = f"{STACK}-unhealthy-hosts"

# The guide's backup service accepts sqlite:///abs/path, sqlite://rel/path and sqlite://:memory:.
DATABASE_URL = "sqlite:////data/app.db"
# What the backup-failure scenario deploys: a one-slash typo the backup service rejects.
BROKEN_DATABASE_URL = "sqlite:/data/app.db"

VPC_CIDR = "10.0.0.0/16"
PUBLIC_SUBNET_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
AVAILABILITY_ZONES = (f"{REGION}a", f"{REGION}b")


def log_stream_for(task_id: str) -> str:
    """The stream the awslogs driver writes a task's `app` container to."""
    return f"{LOG_STREAM_PREFIX}/{CONTAINER}/{task_id}"

SCENARIOS: tuple[str, ...] = (
    "healthy", "p0-outage", "p1-degraded", "stack-rollback", "cost-overrun", "backup-failure",
    "rolling-deploy", "fail-open",
)
