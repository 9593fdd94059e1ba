"""Run Alembic migrations programmatically (CLI `updoot migrate`, tests, serve)."""

from __future__ import annotations

from alembic.config import Config

from alembic import command
from updoot_app import db
from updoot_app.settings import PROJECT_ROOT


def alembic_config() -> Config:
    return Config(str(PROJECT_ROOT / "alembic.ini"))


def upgrade(revision: str = "head") -> None:
    """Bring the configured database (db.get_engine()) to `revision`."""
    cfg = alembic_config()
    with db.get_engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(revision: str) -> None:
    cfg = alembic_config()
    with db.get_engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)
