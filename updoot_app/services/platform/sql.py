"""SQL building blocks shared by the list and filter reads of every context."""

from __future__ import annotations

from sqlalchemy import exists, func
from sqlalchemy import select as sa_select
from sqlmodel import Session


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with %, _ and \\ escaped (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def json_list_contains(session: Session, column, value: str):
    """SQL condition: the JSON list in `column` has an element equal to `value`
    (case-insensitive). Uses the database's own JSON functions: json_each on
    SQLite, json_array_elements_text on PostgreSQL (the column type is `json`)."""
    if session.get_bind().dialect.name == "postgresql":
        elements = func.json_array_elements_text(column).table_valued("value")
    else:
        elements = func.json_each(column).table_valued("value")
    return exists(
        sa_select(1).select_from(elements)
        .where(func.lower(elements.c.value) == value.lower())
    )
