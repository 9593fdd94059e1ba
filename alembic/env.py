"""Alembic environment: Updoot's tables, Updoot's engine (DATABASE_URL)."""

from sqlmodel import SQLModel

import updoot_app.models  # noqa: F401 - registers every table
from alembic import context
from updoot_app import db

target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=str(db.get_engine().url), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with db.get_engine().connect() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
