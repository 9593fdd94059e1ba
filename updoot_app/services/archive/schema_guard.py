"""Migrations that stop on failure, and processes that refuse a database of another
schema revision.

`updoot migrate` (and `updoot serve`, which migrates the single-VM default by
itself) goes through `migrate`: a database AHEAD of the code (migrated by a newer
release) is refused, never "upgraded"; on SQLite a database with data is backed up
beside its file first (named with its revision and the time, restorable with
`updoot restore`); a migration that fails raises MigrationFailed with the reason and
where the data stands. `updoot worker` never migrates: `require_current` refuses a
database behind or ahead of the code, naming both revisions and the command to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from updoot_app import db, migrations
from updoot_app.models.types import utcnow
from updoot_app.services.archive.backup import sqlite_path, write_backup
from updoot_app.services.platform.errors import DomainError

BACKUP_SUFFIX = ".backup.zip"


class SchemaMismatch(DomainError):
    """The database is not at the code's revision (and this process does not migrate)."""


class MigrationFailed(DomainError):
    """A migration failed; the message says why and where the data stands."""


@dataclass(frozen=True)
class MigrateResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None  # SQLite: the pre-migration backup

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def require_current(engine: Engine | None = None) -> None:
    """Refuse (SchemaMismatch) unless the database is at the code's head revision."""
    state = migrations.schema_state(engine)
    if state.status != "current":
        raise SchemaMismatch(state.message())


def pre_migration_backup_path(engine: Engine, revision: str) -> Path:
    target = sqlite_path(engine)
    return target.with_name(
        f"{target.name}.pre-migrate-{revision}-{utcnow():%Y%m%dT%H%M%SZ}{BACKUP_SUFFIX}")


def migrate(engine: Engine | None = None) -> MigrateResult:
    """Bring the database to the code's head, safely (see the module docstring)."""
    engine = engine or db.get_engine()
    state = migrations.schema_state(engine)
    if state.status == "ahead":
        raise SchemaMismatch(state.message())
    if state.status == "current":
        return MigrateResult(state.database, state.code, None)
    backup = None
    if db.is_sqlite(engine) and state.database is not None:
        backup = pre_migration_backup_path(engine, state.database)
        write_backup(backup, engine)
    try:
        migrations.upgrade(engine=engine)
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never swallowed
        raise MigrationFailed(_failure(engine, state, backup, exc)) from exc
    return MigrateResult(state.database, state.code, backup)


def _failure(engine: Engine, state: migrations.SchemaState, backup: Path | None,
             exc: Exception) -> str:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    try:
        now_at = migrations.schema_state(engine).database or "none"
    except Exception:  # noqa: BLE001 - the report must not hide the first failure
        now_at = "unknown (the database cannot be read)"
    text = (f"The migration from revision {state.database or 'none'} to {state.code} failed: "
            f"{reason}. The database is now at revision {now_at}")
    if db.is_sqlite(engine):
        if backup is not None:
            return (f"{text}. The database as it was before is saved in {backup}: "
                    f"`updoot restore {backup} --force` puts it back.")
        return f"{text}."
    return f"{text} (PostgreSQL rolled the whole migration back)."
