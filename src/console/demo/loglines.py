"""What the app writes to CloudWatch Logs: one deterministic script of events per log stream.

Each task's stream (``ecs/app/<task-id>``) gets a `StreamScript`: from a seed, the scenario and
the task's fate it yields the same sequence of events every time, spaced by seeded random gaps.
Only the anchor (when the script starts) comes from the clock. Lines look like a Python web
app's: access lines (client ip, method, path, status, bytes, latency), app lines with levels and
an occasional traceback (one multi-line event: the task definition's awslogs multiline pattern
starts an event at a date or a JSON object), and JSON lines.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from console.demo import names as n
from console.demo.logtexts import (
    ACCESS_PATHS,
    CLIENT_IPS,
    SCANNER_PATHS,
    USER_AGENTS,
    backup_failure_traceback,
    memory_error_traceback,
    pil_error_traceback,
    slow_query,
)

Event = tuple[datetime, str]


@dataclass(frozen=True)
class LogSource:
    """One task's log stream and what happens to the task (see fleet.TaskPlan.fate)."""

    stream: str
    task_id: str
    private_ip: str
    fate: str
    started_at: datetime
    stopped_at: datetime | None = None


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S,") + f"{at.microsecond // 1000:03d}"


class LineWriter:
    """Builds single lines; holds the seeded random source shared by one stream's script."""

    def __init__(self, rng: random.Random, source: LogSource):
        self.rng = rng
        self.source = source

    def request_id(self) -> str:
        return f"{self.rng.getrandbits(64):016x}"

    def app(self, at: datetime, level: str, logger: str, message: str) -> Event:
        return at, f"{_stamp(at)} {level} {logger}: {message}"

    def json(self, at: datetime, level: str, logger: str, message: str, **fields: object) -> Event:
        record = {"time": at.astimezone(UTC).isoformat(timespec="milliseconds"),
                  "level": level, "logger": logger, "message": message,
                  "request_id": self.request_id(), "task_id": self.source.task_id, **fields}
        return at, json.dumps(record)

    def access(self, at: datetime, status: int | None = None, latency: float | None = None,
               path: str | None = None, size: int | None = None, method: str = "GET") -> Event:
        rng = self.rng
        if path is None:
            method, path, ok_status, size_range = rng.choice(ACCESS_PATHS)
        else:
            ok_status, size_range = 200, (512, 4096)
        path = path.format(id=rng.randrange(1000, 99999), page=rng.randrange(1, 12))
        status = status or ok_status
        size = size if size is not None else rng.randrange(*size_range)
        latency = latency if latency is not None else rng.lognormvariate(-2.9, 0.7)
        ip = rng.choice(CLIENT_IPS)
        agent = rng.choice(USER_AGENTS)
        return at, (f'{_stamp(at)} INFO access: {ip} "{method} {path} HTTP/1.1" {status} {size} '
                    f'{latency:.3f}s rid={self.request_id()} ua="{agent}"')


Burst = Callable[[LineWriter, datetime], list[Event]]


def _healthy_request(w: LineWriter, at: datetime) -> list[Event]:
    return [w.access(at)]


def _health_check(w: LineWriter, at: datetime) -> list[Event]:
    return [(at, f'{_stamp(at)} INFO access: 10.0.1.7 "GET /health HTTP/1.1" 200 15 0.003s '
                 f'rid={w.request_id()} ua="ELB-HealthChecker/2.0"')]


def _analysis(w: LineWriter, at: datetime) -> list[Event]:
    drawing, score = w.rng.randrange(1000, 99999), w.rng.random() * 0.4
    return [w.json(at, "info", "app.services.analysis", "drawing analysed",
                   drawing_id=drawing, anomaly_score=round(score, 3),
                   duration_ms=w.rng.randrange(420, 1400))]


def _upload(w: LineWriter, at: datetime) -> list[Event]:
    drawing = w.rng.randrange(1000, 99999)
    return [w.access(at, status=201, path="/api/v1/drawings", size=w.rng.randrange(300, 900),
                     method="POST"),
            w.app(at + timedelta(milliseconds=40), "INFO", "app.storage",
                  f"stored s3://{n.DRAWINGS_BUCKET}/uploads/{drawing}.png")]


def _scanner(w: LineWriter, at: datetime) -> list[Event]:
    return [w.access(at, status=404, path=w.rng.choice(SCANNER_PATHS), size=22,
                     latency=0.002)]


def _corrupt_upload(w: LineWriter, at: datetime) -> list[Event]:
    return [w.app(at, "ERROR", "app.api.drawings", pil_error_traceback(w.rng)),
            w.access(at + timedelta(milliseconds=5), status=422, path="/api/v1/drawings",
                     size=96, method="POST")]


def _slow_request(w: LineWriter, at: datetime) -> list[Event]:
    latency = w.rng.uniform(2.0, 8.0)
    return [w.app(at, "WARNING", "app.db", slow_query(w.rng, latency * 0.8)),
            w.access(at + timedelta(seconds=latency), latency=latency),
            w.json(at + timedelta(seconds=latency), "warning", "app.middleware",
                   "slow request", duration_ms=int(latency * 1000), threshold_ms=1000)]


def _upstream_error(w: LineWriter, at: datetime) -> list[Event]:
    status = w.rng.choice((502, 503, 503))
    message = ("model worker unavailable" if status == 502 else
               "no worker available to handle request")
    return [w.access(at, status=status, latency=w.rng.uniform(0.001, 0.05), size=96),
            w.json(at, "error", "app.api", f"{status} {message}", status=status)]


def _oom_kill(w: LineWriter, at: datetime) -> list[Event]:
    pid = w.rng.randrange(20, 400)
    used = w.rng.randrange(470, 511)
    return [
        w.app(at, "WARNING", "app.memory", f"memory usage {used} MiB of 512 MiB "
                                           f"({used * 100 // 512}%)"),
        w.app(at + timedelta(seconds=1), "ERROR", "app.services.analysis",
              memory_error_traceback(w.rng)),
        w.app(at + timedelta(seconds=2), "ERROR", "gunicorn.error",
              f"Worker (pid:{pid}) was sent SIGKILL! Perhaps out of memory?"),
        w.json(at + timedelta(seconds=2), "error", "app.supervisor",
               "OutOfMemoryError: Container killed due to memory limit",
               rss_mib=used, limit_mib=512),
        w.app(at + timedelta(seconds=3), "INFO", "gunicorn.error",
              f"Booting worker with pid: {pid + 1}"),
    ]


def _backup_failure(w: LineWriter, at: datetime) -> list[Event]:
    return [w.app(at, "INFO", "backup", f"starting SQLite backup to s3://{n.BACKUPS_BUCKET}/"),
            w.app(at + timedelta(milliseconds=12), "ERROR", "backup",
                  backup_failure_traceback(n.BROKEN_DATABASE_URL)),
            w.json(at + timedelta(milliseconds=13), "error", "backup",
                   "SQLite backup to S3 failed", database_url=n.BROKEN_DATABASE_URL,
                   next_attempt_s=300)]


def _export_download(w: LineWriter, at: datetime) -> list[Event]:
    size = w.rng.randrange(40, 180) * 1024 * 1024
    return [w.access(at, path="/api/v1/drawings/export?format=zip&page={page}", size=size,
                     latency=w.rng.uniform(9.0, 28.0)),
            w.app(at, "INFO", "app.storage", f"streamed {size / 1048576:.1f} MiB from "
                                             f"s3://{n.DRAWINGS_BUCKET}/uploads/")]


# Burst kinds and weights per (scenario, fate); "serving" fates share the scenario's mix.
_MIXES: dict[str, list[tuple[Burst, float]]] = {
    "healthy": [(_healthy_request, 70), (_health_check, 8), (_analysis, 9), (_upload, 6),
                (_scanner, 3), (_corrupt_upload, 0.6)],
    "p1-degraded": [(_healthy_request, 40), (_slow_request, 35), (_health_check, 6),
                    (_analysis, 8), (_upload, 4)],
    "p0-outage": [(_upstream_error, 45), (_oom_kill, 12), (_healthy_request, 6)],
    "backup-failure": [(_healthy_request, 66), (_health_check, 8), (_analysis, 8), (_upload, 5),
                       (_backup_failure, 1.5), (_scanner, 2)],
    "cost-overrun": [(_healthy_request, 55), (_export_download, 22), (_health_check, 8),
                     (_analysis, 8), (_upload, 5)],
}


def mix_for(scenario: str) -> list[tuple[Burst, float]]:
    return _MIXES.get(scenario, _MIXES["healthy"])


def startup(w: LineWriter, at: datetime) -> list[Event]:
    """What a task's first seconds look like."""
    lines = [
        "Starting gunicorn 22.0.0",
        f"Listening at: http://0.0.0.0:{n.CONTAINER_PORT} (1)",
        "Using worker: uvicorn.workers.UvicornWorker",
        "Booting worker with pid: 7",
        "Booting worker with pid: 8",
    ]
    events = [w.app(at + timedelta(milliseconds=30 * i), "INFO", "gunicorn.error", line)
              for i, line in enumerate(lines)]
    events.append(w.app(at + timedelta(seconds=3), "INFO", "app.main",
                        "loaded anomaly model vit-b16 (312 MiB) in 2.71s"))
    events.append(w.app(at + timedelta(seconds=3, milliseconds=5), "INFO", "app.main",
                        "Application startup complete."))
    return events


def ending(w: LineWriter, source: LogSource, at: datetime) -> list[Event]:
    """A stopped task's last lines, by why it stopped."""
    if source.fate == "oom":
        return [*_oom_kill(w, at)[:2],
                w.json(at + timedelta(seconds=2), "critical", "app.supervisor",
                       "OutOfMemoryError: Container killed due to memory limit",
                       rss_mib=511, limit_mib=512)]
    if source.fate in ("container_health", "elb_health"):
        return [w.app(at, "WARNING", "app.health", "health check failed: database is locked "
                                                   "(waited 5.0s)"),
                w.app(at + timedelta(seconds=20), "INFO", "gunicorn.error",
                      "Handling signal: term"),
                w.app(at + timedelta(seconds=21), "INFO", "gunicorn.error",
                      "Shutting down: Master")]
    return [w.app(at, "INFO", "gunicorn.error", "Handling signal: term"),
            w.app(at + timedelta(seconds=1), "INFO", "gunicorn.error", "Shutting down: Master")]
