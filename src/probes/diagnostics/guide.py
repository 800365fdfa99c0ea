"""The troubleshooting guide's entries, and the ids of the actions and runbooks findings point to.

Kept as constants so a typo is an ImportError, not a finding that points nowhere. The entry
titles are the guide's own "Issue:" headings (tests check that every heading is covered).
"""

from __future__ import annotations

# -- guide entries ("#### Issue: ..." headings) --------------------------------------------
CREDENTIALS = "AWS CLI not configured or invalid credentials"
PERMISSIONS = "Insufficient permissions"
TEMPLATE_VALIDATION = "Template validation errors"
PARAMETER_VALIDATION = "Parameter validation errors"
RESOURCE_EXISTS = "Stack creation failed - Resource already exists"
STACK_ROLLBACK = "Stack rollback due to resource creation failure"
IAM_ROLE_FAILED = "IAM role creation failed"
TASKS_STOPPING = "ECS service fails to start tasks"
HEALTH_CHECKS = "Tasks fail health checks"
ALB_503 = "ALB returns 503 Service Unavailable"
SSL = "SSL certificate issues"
RESPONSE_TIME = "High response times"
OUT_OF_MEMORY = "Out of memory errors"
S3_ACCESS = "S3 access denied errors"
BACKUPS = "Database backup failures"
CLOUDFRONT = "CloudFront distribution not serving content"
DNS = "DNS resolution problems"
METRICS = "Metrics not appearing in CloudWatch"
ALARMS = "Alarms not triggering"
LOGS = "Logs not appearing in CloudWatch Logs"
COSTS = "AWS bill higher than expected"
BUDGETS = "Budget alerts not working"
ADMIN = "Unable to access admin features"
S3_BUCKET_ACCESS = "S3 bucket access denied"
STACK_REBUILD = "Entire stack needs to be rebuilt"
DATABASE_RECOVERY = "Database corruption or data loss"
# Not "Issue:" entries, but sections the diagnostics also serve.
HEALTH_CHECK_SCRIPT = "Regular Health Checks"
ESCALATION = "Emergency Contacts and Escalation"

ISSUES = (
    CREDENTIALS, PERMISSIONS, TEMPLATE_VALIDATION, PARAMETER_VALIDATION, RESOURCE_EXISTS,
    STACK_ROLLBACK, IAM_ROLE_FAILED, TASKS_STOPPING, HEALTH_CHECKS, ALB_503, SSL, RESPONSE_TIME,
    OUT_OF_MEMORY, S3_ACCESS, BACKUPS, CLOUDFRONT, DNS, METRICS, ALARMS, LOGS, COSTS, BUDGETS,
    ADMIN, S3_BUCKET_ACCESS, STACK_REBUILD, DATABASE_RECOVERY,
)

# -- actions (issue 5) ----------------------------------------------------------------------
FORCE_NEW_DEPLOYMENT = "force-new-deployment"
SET_DESIRED_COUNT = "set-desired-count"
SCALE_TASK_SIZE = "scale-task-size"
ROLLBACK_TASK_DEFINITION = "rollback-task-definition"
STOP_TASK = "stop-task"
INVALIDATE_CLOUDFRONT = "invalidate-cloudfront"
ROTATE_ADMIN_SECRET = "rotate-admin-secret"
PUBLISH_TEST_NOTIFICATION = "publish-test-notification"
PUBLISH_TEST_METRIC = "publish-test-metric"
SET_ALARM_STATE = "set-alarm-state"
APPLY_S3_LIFECYCLE = "apply-s3-lifecycle"
BACKUP_BUCKETS = "backup-buckets"
RESTORE_DATABASE = "restore-database"
DELETE_NAT_GATEWAY = "delete-nat-gateway"
REBUILD_STACK = "rebuild-stack"
PREPARE_SUPPORT_CASE = "prepare-support-case"

# -- runbooks (issue 5) ---------------------------------------------------------------------
P0_SERVICE_DOWN = "p0-service-down"
P1_DEGRADED = "p1-degraded-performance"
P0_SECURITY = "p0-security-breach"
P2_COST = "p2-cost-exceeded"
STACK_RECOVERY = "complete-stack-recovery"
STACK_UPDATE_ROLLBACK = "stack-update-rollback"
DATABASE_RECOVERY_RUNBOOK = "database-recovery"
WEEKLY_HEALTH_CHECK = "weekly-health-check"

# The guide's names that are conventions rather than discoverable resources.
METRICS_NAMESPACE = "ChildrenDrawing/Application"
