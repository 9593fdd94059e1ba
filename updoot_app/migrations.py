"""Run Alembic migrations programmatically (CLI `updoot migrate`, tests, serve), and
tell where a database stands against the code's migrations.

On PostgreSQL the whole upgrade runs in the one transaction of `upgrade` (Alembic's
`transaction_per_migration` is off, see alembic/env.py): a migration that fails rolls
back every step of that run, DDL included. On SQLite the steps run in the same
transaction too, but some DDL (batch table copies) is not always undone, so
`updoot migrate` takes a backup first (services/archive/schema_guard.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from alembic import command
from updoot_app import db
from updoot_app.settings import PROJECT_ROOT

MIGRATE_COMMAND = "updoot migrate"


def alembic_config() -> Config:
    return Config(str(PROJECT_ROOT / "alembic.ini"))


def upgrade(revision: str = "head", engine: Engine | None = None) -> None:
    """Bring the configured database (db.get_engine(), or `engine`) to `revision`."""
    cfg = alembic_config()
    with (engine or db.get_engine()).begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(revision: str) -> None:
    cfg = alembic_config()
    with db.get_engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


# --------------------------------------------------------------------------- revisions


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The revision this code expects (the single head of alembic/versions)."""
    return _scripts().get_current_head()


def known_revisions() -> list[str]:
    """Every revision of this code, oldest first."""
    return [s.revision for s in reversed(list(_scripts().walk_revisions()))]


def current_revision(connection: Connection) -> str | None:
    """The database's revision; None for a database never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands against the code: `status` is "current", "behind"
    (older known revision, or never migrated: `updoot migrate` brings it up) or
    "ahead" (a revision this code does not know: written by a newer release)."""

    database: str | None
    code: str
    status: str
    has_tables: bool

    def message(self) -> str:
        db_rev = self.database or "none (never migrated)"
        if self.status == "ahead":
            return (f"The database is at revision {db_rev}, which this release of Updoot "
                    f"does not know (its newest is {self.code}): it was migrated by a newer "
                    "release. Run that release, or restore a backup taken before the "
                    "upgrade; a downgrade of the code does not downgrade the data.")
        if self.status == "behind":
            return (f"The database is at revision {db_rev}, the code expects {self.code}: "
                    f"run `{MIGRATE_COMMAND}` first.")
        return f"The database is at revision {db_rev}, as the code expects."


def schema_state(engine: Engine | None = None) -> SchemaState:
    head = head_revision()
    with (engine or db.get_engine()).connect() as conn:
        current = current_revision(conn)
        has_tables = bool(set(inspect(conn).get_table_names()) - {"alembic_version"})
    if current == head:
        status = "current"
    elif current is None or current in known_revisions():
        status = "behind"
    else:
        status = "ahead"
    return SchemaState(current, head, status, has_tables)
