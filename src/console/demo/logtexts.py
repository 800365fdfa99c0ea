"""Text the demo app's log lines are made of: request paths, clients, tracebacks, queries.

Client addresses come from the documentation ranges (RFC 5737), so no real host is named.
"""

from __future__ import annotations

import random

# (method, path template, usual status, (min, max) response bytes)
ACCESS_PATHS: list[tuple[str, str, int, tuple[int, int]]] = [
    ("GET", "/", 200, (5200, 5600)),
    ("GET", "/api/v1/drawings?page={page}", 200, (8000, 42000)),
    ("GET", "/api/v1/drawings/{id}", 200, (900, 2400)),
    ("GET", "/api/v1/drawings/{id}/analysis", 200, (600, 1800)),
    ("GET", "/api/v1/drawings/{id}/image", 200, (48000, 640000)),
    ("GET", "/static/js/main.4f1c2a.js", 304, (0, 1)),
    ("GET", "/static/css/app.93be1d.css", 304, (0, 1)),
    ("POST", "/api/v1/auth/login", 200, (300, 420)),
    ("GET", "/api/v1/stats/anomalies?days=7", 200, (1200, 3800)),
    ("DELETE", "/api/v1/drawings/{id}", 204, (0, 1)),
]
SCANNER_PATHS = ["/.env", "/wp-login.php", "/.git/config", "/phpmyadmin/", "/admin/config.php",
                 "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php"]
CLIENT_IPS = [f"203.0.113.{i}" for i in (7, 19, 23, 44, 58, 91, 120, 177, 203, 241)] + [
    f"198.51.100.{i}" for i in (3, 12, 36, 77, 145, 199)] + [
    f"192.0.2.{i}" for i in (5, 64, 128)]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "python-requests/2.32.3",
]

_QUERIES = [
    "SELECT drawings.id, drawings.child_age, drawings.s3_key, analyses.score FROM drawings "
    "LEFT OUTER JOIN analyses ON analyses.drawing_id = drawings.id ORDER BY drawings.created_at "
    "DESC LIMIT 20 OFFSET {offset}",
    "SELECT count(*) AS count_1 FROM analyses WHERE analyses.score > 0.7 AND "
    "analyses.created_at > '{day}'",
    "UPDATE drawings SET analysed_at=CURRENT_TIMESTAMP WHERE drawings.id = {id}",
]


def slow_query(rng: random.Random, seconds: float) -> str:
    query = rng.choice(_QUERIES).format(offset=rng.randrange(0, 400, 20),
                                        day="2026-11-21", id=rng.randrange(1000, 99999))
    return f"slow query took {seconds:.2f}s: {query}"


def memory_error_traceback(rng: random.Random) -> str:
    drawing = rng.randrange(1000, 99999)
    return (
        f"Unhandled exception while analysing drawing {drawing}\n"
        "Traceback (most recent call last):\n"
        '  File "/app/app/api/drawings.py", line 142, in analyse_drawing\n'
        "    result = await analyser.score(image)\n"
        '  File "/app/app/services/analysis.py", line 88, in score\n'
        "    tensor = self._preprocess(image)\n"
        '  File "/app/app/services/analysis.py", line 61, in _preprocess\n'
        '    return np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0\n'
        "numpy.core._exceptions._ArrayMemoryError: Unable to allocate 96.0 MiB for an array "
        "with shape (2048, 4096, 3) and data type float32"
    )


def pil_error_traceback(rng: random.Random) -> str:
    upload = f"{rng.getrandbits(48):012x}"
    return (
        f"could not read uploaded drawing upload-{upload}.png\n"
        "Traceback (most recent call last):\n"
        '  File "/app/app/api/drawings.py", line 97, in upload_drawing\n'
        "    image = Image.open(io.BytesIO(payload))\n"
        '  File "/usr/local/lib/python3.11/site-packages/PIL/Image.py", line 3498, in open\n'
        '    raise UnidentifiedImageError(msg)\n'
        "PIL.UnidentifiedImageError: cannot identify image file <_io.BytesIO object at "
        f"0x7f{rng.getrandbits(40):010x}>"
    )


def backup_failure_traceback(database_url: str) -> str:
    return (
        f"SQLite backup to S3 failed: unsupported DATABASE_URL {database_url!r} "
        "(expected sqlite:///absolute/path, sqlite://relative/path or sqlite://:memory:)\n"
        "Traceback (most recent call last):\n"
        '  File "/app/app/services/backup.py", line 74, in run_backup\n'
        "    db_path = resolve_sqlite_path(settings.database_url)\n"
        '  File "/app/app/services/backup.py", line 38, in resolve_sqlite_path\n'
        '    raise BackupConfigError(f"unsupported DATABASE_URL {url!r}")\n'
        f"app.services.backup.BackupConfigError: unsupported DATABASE_URL {database_url!r}"
    )
