"""Migrations build the schema from an empty database and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from updoot_app import db, migrations


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
