"""Configuration read from the environment (a public contract: docs/architecture.md,
"Configuration").

Plain Python, no Reflex: services, the CLI, the API and rxconfig.py all read
the same values from here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_DATA_DIR / 'updoot.db'}"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the user wrote."""
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None
    secret_key: str
    public_url: str
    session_days: int
    demo_max_age_hours: int
    login_max_failures: int
    login_window_minutes: int
    # Read and validated at start-up (a public configuration variable); no service
    # enforces it yet, and removing it would break deployments that set it.
    free_tier_max_companies: int
    # Outgoing mail (services/mail/): unset means sending is refused, with a message.
    smtp_url: str | None = None
    mail_from: str | None = None
    # The job queue's SQLite file when REDIS_URL is unset (default: beside the database).
    jobs_db_path: str | None = None
    # The job queue's daily backup (services/archive/rotation.py): off when unset.
    backup_dir: str | None = None
    backup_keep: int = 14
    # Workspace archives prepared from Settings (services/archive/archive_jobs.py):
    # default beside the SQLite database; a folder every host shares when several.
    exports_dir: str | None = None
    # Webhook URLs to loopback, link-local and private addresses are refused unless
    # this is set (UPDOOT_WEBHOOKS_ALLOW_PRIVATE=1: tests, a receiver on the LAN).
    webhooks_allow_private: bool = False

    @property
    def cors_origins(self) -> list[str]:
        return [self.public_url.rstrip("/")]

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")


def beside_database(settings: Settings, suffix: str) -> Path | None:
    """`<database><suffix>` beside a SQLite database file (where the deployment
    keeps its data), or None on PostgreSQL or an in-memory database."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db_file = Path(url.database)
        return db_file.with_name(f"{db_file.stem}{suffix}")
    return None


DEV_SECRET = "dev-insecure-secret"
SECRET_ENV = "UPDOOT_SECRET_KEY"


def load_settings() -> Settings:
    return Settings(
        database_url=normalise_database_url(
            os.environ.get("DATABASE_URL", "").strip() or default_database_url()
        ),
        redis_url=os.environ.get("REDIS_URL", "").strip() or None,
        secret_key=os.environ.get(SECRET_ENV, "").strip() or DEV_SECRET,
        public_url=os.environ.get("UPDOOT_PUBLIC_URL", "").strip() or "http://localhost:3000",
        session_days=_int("UPDOOT_SESSION_DAYS", 14),
        demo_max_age_hours=_int("UPDOOT_DEMO_MAX_AGE_HOURS", 24),
        login_max_failures=_int("UPDOOT_LOGIN_MAX_FAILURES", 5),
        login_window_minutes=_int("UPDOOT_LOGIN_WINDOW_MINUTES", 15),
        free_tier_max_companies=_int("UPDOOT_FREE_TIER_MAX_COMPANIES", 100_000),
        smtp_url=os.environ.get("UPDOOT_SMTP_URL", "").strip() or None,
        mail_from=os.environ.get("UPDOOT_MAIL_FROM", "").strip() or None,
        jobs_db_path=os.environ.get("UPDOOT_JOBS_DB", "").strip() or None,
        backup_dir=os.environ.get("UPDOOT_BACKUP_DIR", "").strip() or None,
        backup_keep=_int("UPDOOT_BACKUP_KEEP", 14),
        exports_dir=os.environ.get("UPDOOT_EXPORTS_DIR", "").strip() or None,
        webhooks_allow_private=os.environ.get("UPDOOT_WEBHOOKS_ALLOW_PRIVATE", "").strip()
        in ("1", "true", "yes"),
    )
