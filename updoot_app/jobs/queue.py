"""The one huey instance: Redis storage with REDIS_URL (the scaled setup, where
`updoot jobs` consumes), else a SQLite file beside the database (the single-VM
default, where `updoot serve` consumes in its own process).

Why huey: a well-kept queue with both storages (so the default needs no server),
delays and retries, and a periodic scheduler of its own, so reminders and
recurring invoices are crontab entries, not a sleep loop of ours.
"""

from __future__ import annotations

from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey

from updoot_app.settings import DEFAULT_DATA_DIR, Settings, beside_database, load_settings


def jobs_db_path(settings: Settings) -> Path:
    """The SQLite queue file: UPDOOT_JOBS_DB, or `<database>-jobs.db` beside a
    SQLite database, or data/updoot-jobs.db."""
    if settings.jobs_db_path:
        return Path(settings.jobs_db_path)
    return beside_database(settings, "-jobs.db") or DEFAULT_DATA_DIR / "updoot-jobs.db"


def make_huey(settings: Settings) -> Huey:
    if settings.redis_url:
        # blocking: workers wait on BRPOP, so a job starts as soon as it is queued.
        return RedisHuey("updoot", url=settings.redis_url, blocking=True, results=False,
                         utc=True)
    path = jobs_db_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("updoot", filename=str(path), results=False, utc=True)


huey = make_huey(load_settings())
