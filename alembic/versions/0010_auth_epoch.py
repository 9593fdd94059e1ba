"""The auth epoch: one row whose version changes with anything a session resolves to

A browser session resolves, on every event, to its user, membership and workspace.
Triggers give ``auth_epoch.version`` a new random value in the same transaction as
any UPDATE or DELETE of ``auth_sessions``, ``users``, ``memberships`` or
``workspaces`` (on PostgreSQL also TRUNCATE), whoever writes it: the app, the CLI,
another worker, an operator's SQL. A worker may then reuse a session it resolved
at that version after reading the version alone (services/session_cache.py).

Random rather than counted, from the first row on: a table emptied and written
again (tests, a restore), or another database, does not come back to a version a
worker has seen. No row means nothing is reused; the next change writes it.

On SQLite a later migration that rebuilds one of these tables (batch "move and
copy") drops its triggers: it must create them again (``sqlite_triggers``).

Revision ID: 0010_auth_epoch
Revises: 0009_deal_fit
Create Date: 2026-12-05 20:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_auth_epoch'
down_revision: str | None = '0009_deal_fit'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("auth_sessions", "users", "memberships", "workspaces")
_SQLITE_EVENTS = ("UPDATE", "DELETE")
RANDOM = {"sqlite": "random()",
          "postgresql": "(random() * 9007199254740991)::bigint - 4503599627370496"}


def _sqlite_trigger(table: str, event: str) -> str:
    return f"trg_auth_epoch_{table}_{event.lower()}"


def sqlite_triggers(table: str) -> list[str]:
    return [f"""CREATE TRIGGER {_sqlite_trigger(table, event)} AFTER {event} ON {table}
    BEGIN INSERT OR REPLACE INTO auth_epoch (id, version) VALUES (1, {RANDOM['sqlite']}); END"""
            for event in _SQLITE_EVENTS]


POSTGRES_FUNCTION = f"""CREATE FUNCTION auth_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO auth_epoch (id, version) VALUES (1, {RANDOM['postgresql']})
        ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
      RETURN NULL;
    END $$"""


def postgres_triggers(table: str) -> list[str]:
    # Per row, so that a statement that changes nothing (a purge of expired sessions
    # that finds none) leaves the version alone. Deferred to COMMIT: the version row
    # is then locked last, so a transaction holding it never waits for another's row
    # (two transactions writing the same rows in another order cannot deadlock on
    # it). TRUNCATE has only statement triggers.
    return [f"""CREATE CONSTRAINT TRIGGER trg_auth_epoch AFTER UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION auth_epoch_bump()""",
            f"""CREATE TRIGGER trg_auth_epoch_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION auth_epoch_bump()"""]


def upgrade() -> None:
    op.create_table(
        'auth_epoch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    dialect = op.get_bind().dialect.name
    op.execute(f"INSERT INTO auth_epoch (id, version) VALUES (1, {RANDOM[dialect]})")
    if dialect == "sqlite":
        for table in TABLES:
            for ddl in sqlite_triggers(table):
                op.execute(ddl)
        return
    op.execute(POSTGRES_FUNCTION)
    for table in TABLES:
        for ddl in postgres_triggers(table):
            op.execute(ddl)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in _SQLITE_EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS {_sqlite_trigger(table, event)}")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS trg_auth_epoch ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS trg_auth_epoch_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS auth_epoch_bump()")
    op.drop_table('auth_epoch')
