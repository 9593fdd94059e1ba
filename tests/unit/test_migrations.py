"""Migrations build the schema from an empty database and match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import MetaData, inspect, text
from sqlmodel import SQLModel

from tests.unit.archive_helpers import seed_full_workspace
from updoot_app import db, migrations
from updoot_app.cli import main
from updoot_app.services.archive import backup, schema_guard


def test_migrations_from_empty_match_the_models(database):
    # `database` was built by running every migration on an empty database.
    with db.get_engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                SQLModel.metadata)
    assert diff == []


def test_downgrade_to_empty_and_back(database):
    migrations.downgrade("base")
    assert set(inspect(db.get_engine()).get_table_names()) <= {"alembic_version"}
    migrations.upgrade()
    tables = set(inspect(db.get_engine()).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


# --------------------------------------------------------------------------- guards


def _set_revision(revision: str) -> None:
    with db.get_engine().begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


@pytest.fixture
def at_revision(database):
    """Pretend the database is at another revision (the guard reads only the
    alembic_version row); put back afterwards."""
    head = migrations.head_revision()
    yield _set_revision
    _set_revision(head)


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_the_guard_names_both_revisions_and_the_command(at_revision):
    schema_guard.require_current()  # at head: no complaint
    head = migrations.head_revision()
    at_revision("0009_deal_fit")
    with pytest.raises(schema_guard.SchemaMismatch) as behind:
        schema_guard.require_current()
    assert "0009_deal_fit" in str(behind.value) and head in str(behind.value)
    assert "`updoot migrate`" in str(behind.value)
    at_revision("0099_from_the_future")
    with pytest.raises(schema_guard.SchemaMismatch, match="does not know") as ahead:
        schema_guard.require_current()
    assert "0099_from_the_future" in str(ahead.value) and head in str(ahead.value)


@pytest.mark.parametrize("revision", ["0009_deal_fit", "0099_from_the_future"])
def test_workers_refuse_a_database_behind_or_ahead(at_revision, revision):
    at_revision(revision)
    code, out = run("worker", "--port", "59999")
    assert code == 2 and revision in out and "Workers never migrate" in out
    code, out = run("jobs")
    assert code == 2 and revision in out and "job worker never migrates" in out


def test_migrate_and_serve_refuse_a_database_ahead_and_change_nothing(at_revision):
    at_revision("0099_from_the_future")
    for command in (["migrate"], ["serve", "--port", "59998"]):
        code, out = run(*command)
        assert code == 2 and "newer release" in out
    assert migrations.schema_state().database == "0099_from_the_future"


@pytest.fixture
def failing_migration(database):
    """The database at 0009 with a table in the way of 0010's: that migration fails."""
    migrations.downgrade("0009_deal_fit")
    with db.get_engine().begin() as conn:
        conn.execute(text("CREATE TABLE auth_epoch (id INTEGER PRIMARY KEY, planted TEXT)"))
        conn.execute(text("INSERT INTO auth_epoch (id, planted) VALUES (7, 'x')"))
    yield
    with db.get_engine().begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS auth_epoch"))
    migrations.upgrade()


@pytest.mark.parametrize("command", ["migrate", "serve"])
def test_a_failing_migration_stops_with_the_reason_and_rolls_back(failing_migration, command):
    code, out = run(command, "--port", "59997") if command == "serve" else run(command)
    assert code == 2 and f"0009_deal_fit to {migrations.head_revision()} failed" in out
    assert "auth_epoch" in out  # the reason, from the database
    assert migrations.schema_state().database == "0009_deal_fit"
    with db.get_engine().connect() as conn:  # rolled back: 0010's triggers are not there
        assert conn.execute(text("SELECT planted FROM auth_epoch")).scalar_one() == "x"
    if db.is_sqlite():
        path = Path(db.get_engine().url.database)
        backups = list(path.parent.glob(f"{path.name}.pre-migrate-0009_deal_fit-*.backup.zip"))
        assert len(backups) == 1 and str(backups[0]) in out
        assert backup.read_manifest(backups[0]).revision == "0009_deal_fit"
        backups[0].unlink()
    else:
        assert "rolled the whole migration back" in out


def test_migrate_backs_sqlite_up_first_only_when_there_is_something_to_migrate(tmp_path):
    path = tmp_path / "m.db"
    db.configure(f"sqlite:///{path}")
    assert schema_guard.migrate().backup is None  # a new database: nothing to keep
    assert schema_guard.migrate().changed is False
    migrations.downgrade("0008_kpi")
    result = schema_guard.migrate()
    assert result.from_revision == "0008_kpi" and result.backup is not None
    assert result.backup.parent == tmp_path and "0008_kpi" in result.backup.name
    db.get_engine().dispose()


# --------------------------------------------------------------------------- data survives


def _read_raw() -> dict[str, tuple[list[str], list[tuple]]]:
    with db.get_engine().connect() as conn:
        meta = MetaData()
        meta.reflect(conn)
        return {name: ([c.name for c in table.columns],
                       [tuple(r) for r in conn.execute(table.select().order_by(
                           *table.primary_key.columns))])
                for name, table in meta.tables.items() if name != "alembic_version"}


@pytest.fixture(scope="module")
def filled_at_head(tmp_path_factory):
    """A SQLite database seeded at head with a row in nearly every table (the demo
    plus billing), read back raw: {table: (columns, rows)}."""
    path = tmp_path_factory.mktemp("filled") / "head.db"
    db.configure(f"sqlite:///{path}")
    migrations.upgrade()
    seed_full_workspace()
    data = _read_raw()
    db.get_engine().dispose()
    return data


def _invoices(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(
        "SELECT number, total, amount_paid, status FROM invoices ORDER BY id"))]


def fill_migrate_and_check(filled: dict, revision: str) -> None:
    """How the old database is filled, honestly: the rows seeded at head, projected
    onto the tables and columns that exist at `revision` (no downgrade of the data;
    columns added later are left to the migrations that add them). Then
    `updoot migrate`'s path to head, and the data is all there."""
    engine = db.get_engine()
    migrations.upgrade(revision)
    with engine.begin() as conn:
        old = MetaData()
        old.reflect(conn)
        for table in old.sorted_tables:
            if table.name in ("alembic_version", "auth_epoch") or table.name not in filled:
                continue
            columns, rows = filled[table.name]
            if not rows:
                continue
            keep = [i for i, c in enumerate(columns) if c in table.columns]
            conn.execute(table.insert(), [{columns[i]: row[i] for i in keep} for row in rows])
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in old.tables if t in filled}
        invoices_before = _invoices(conn) if "invoices" in old.tables else []
    assert counts["companies"] == len(filled["companies"][1]) > 0
    result = schema_guard.migrate()
    assert (result.from_revision, result.to_revision) == (revision, migrations.head_revision())
    assert (result.backup is not None and result.backup.exists()) == db.is_sqlite()
    with engine.connect() as conn:
        for table, count in counts.items():
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == count, table
        if invoices_before:
            assert _invoices(conn) == invoices_before
            assert [r[0] for r in invoices_before] == ["FAC-2026-0001", "FAC-2026-0002", None,
                                                       "FAC-2026-0003"]  # by a schedule
            assert invoices_before[0][1] == 734500  # 73.45 in ten-thousandths
        # the deal's copy of its company's fit (0009) is filled from the companies
        fits = conn.execute(text(
            "SELECT count(*) FROM deals d JOIN companies c ON c.id = d.company_id WHERE NOT "
            "(d.company_fit_tier = c.fit_tier OR (d.company_fit_tier IS NULL AND "
            "c.fit_tier IS NULL))")).scalar_one()
        assert fits == 0
        if db.is_sqlite():
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    engine.dispose()


@pytest.mark.parametrize("revision", migrations.known_revisions()[:-1])
def test_data_filled_at_an_earlier_revision_survives_the_upgrade(filled_at_head, tmp_path,
                                                                  revision):
    db.configure(f"sqlite:///{tmp_path / 'old.db'}")
    fill_migrate_and_check(filled_at_head, revision)


PG_REVISIONS = (migrations.known_revisions()[0], "0008_kpi")


def test_data_filled_at_earlier_revisions_survives_the_upgrade_on_postgres(database):
    """The same on PostgreSQL, from the first revision (every migration runs) and
    from 0008 (its own paths: 0009's UPDATE ... FROM backfill, 0010's plpgsql
    triggers); every revision on PostgreSQL took ~50 s, too long for CI. It runs in
    the session's database (emptied, and left at head as it was)."""
    if db.is_sqlite():
        pytest.skip("PostgreSQL only (the SQLite case is the parametrized test above)")
    seed_full_workspace()
    filled = _read_raw()
    try:
        for revision in PG_REVISIONS:
            with db.get_engine().begin() as conn:  # an empty database again
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            fill_migrate_and_check(filled, revision)
    finally:
        db.configure(database)
        if migrations.schema_state().status != "current":
            with db.get_engine().begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            migrations.upgrade()
