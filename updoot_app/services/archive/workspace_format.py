"""The workspace archive's format: which tables it carries and in what order, how
each row refers to others, and how values become JSON and back.

An archive (`updoot export`) is a zip:

    manifest.json        format, format version, schema revision, workspace, row counts
    users.json           the people rows refer to: id, email, name (never a password)
    data/<table>.json    every row of the workspace's tables, with their ids
    logo.png|logo.jpg    the workspace's logo, when it has one
    <kind>.csv           the CSVs `updoot export` has always written (for people)

Left out on purpose (NOT_ARCHIVED says why, table by table): sessions, API tokens
and invites (credentials of one deployment), login attempts, the mail outbox and webhooks
(this deployment's endpoints and delivery record), and the quotes' public-link hash (a secret; an
imported quote is sent again for a new link).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, LargeBinary, Table
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import updoot_app.models  # noqa: F401 - registers every table in the metadata
from updoot_app.models.types import Money

FORMAT = "updoot-workspace-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
USERS = "users.json"
LOGO_NAMES = {"image/png": "logo.png", "image/jpeg": "logo.jpg"}

# Insert order: every table after those it refers to. Each holds `workspace_id` but
# the two line tables, which belong to their document.
TABLES = ("memberships", "billing_settings", "billing_logos", "document_counters", "icps",
          "icp_versions", "personas", "companies", "contacts", "stages", "deals",
          "deal_stage_changes", "interactions", "deal_contacts", "competitors",
          "deal_competitors", "products", "quotes", "quote_lines", "invoices",
          "invoice_lines", "credit_notes", "credit_note_lines", "payments", "goals",
          "mail_settings", "reminder_settings",
          "reminder_steps", "reminder_sends", "recurring_invoices", "recurring_runs",
          "follow_ups", "buying_signals", "trigger_windows", "today_digests", "activities")
# Tables without a workspace_id: a document's lines, found through their document.
LINE_PARENTS = {"quote_lines": ("quotes", "quote_id"), "invoice_lines": ("invoices", "invoice_id"),
                "credit_note_lines": ("credit_notes", "credit_note_id")}
# Every other table, and why it is not in data/ (a test fails on a table in neither).
NOT_ARCHIVED = {
    "workspaces": "the workspace itself: manifest.json",
    "users": "users.json (id, email, name: never a password)",
    "auth_sessions": "credentials of this deployment",
    "api_tokens": "credentials of this deployment",
    "invites": "credentials of this deployment",
    "login_attempts": "rate limiting of this deployment",
    "auth_epoch": "a cache version of this deployment",
    "outbox_messages": "this deployment's delivery record (importing it would send again)",
    "webhooks": "credentials/endpoints of this deployment",
    "webhook_deliveries": "this deployment's delivery record (importing it would send again)",
    "archive_exports": "this deployment's record of archives made (files on its disk)",
}
LEFT_OUT = {"quotes": ("public_token_hash",), "billing_logos": ("data",),
            # the outbox is not archived: which step or run was sent is kept, not the mail
            "reminder_sends": ("outbox_id",), "recurring_runs": ("outbox_id",)}
# References the schema does not declare as foreign keys: (table, column) -> table.
PLAIN_REFERENCES = {
    ("icps", "current_version_id"): "icp_versions",
    ("companies", "fit_icp_id"): "icps",
    ("deals", "company_fit_icp_id"): "icps",
    ("contacts", "persona_id"): "personas",
    ("interactions", "persona_id"): "personas",
    ("deal_stage_changes", "from_stage_id"): "stages",
    ("deal_stage_changes", "to_stage_id"): "stages",
    ("goals", "stage_id"): "stages",
    ("payments", "credit_note_id"): "credit_notes",   # a refund (no FK: see 0013)
}
# Set after the table it refers to is written (icps come before their versions).
DEFERRED = {("icps", "current_version_id")}
# activities.entity_id points at a row of the table its entity_type names.
ENTITY_TABLES = {"company": "companies", "contact": "contacts", "deal": "deals",
                 "icp": "icps", "persona": "personas", "stage": "stages",
                 "competitor": "competitors", "product": "products", "quote": "quotes",
                 "invoice": "invoices", "goal": "goals", "interaction": "interactions",
                 "membership": "memberships", "workspace": "workspaces", "user": "users"}


def table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def columns(name: str) -> list[str]:
    """The columns an archive carries for a table."""
    return [c.name for c in table(name).columns if c.name not in LEFT_OUT.get(name, ())]


def references(name: str) -> dict[str, str]:
    """column -> the table its value is an id of (users and workspaces included)."""
    refs = {fk.parent.name: fk.column.table.name for fk in table(name).foreign_keys}
    refs.update({col: target for (tbl, col), target in PLAIN_REFERENCES.items() if tbl == name})
    return refs


def primary_key(name: str) -> str | None:
    """The id column rows are remapped by; None for the one-row-per-workspace tables."""
    keys = [c.name for c in table(name).primary_key.columns]
    return "id" if keys == ["id"] else None


# --------------------------------------------------------------------------- values


def to_json(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class BadValue(ValueError):
    pass


def from_json(table_name: str, column: str, value: object) -> object:
    """The Python value of an archived cell, checked against the column's type."""
    col = table(table_name).columns[column]
    if value is None:
        if not col.nullable and not col.primary_key:
            raise BadValue("must not be empty")
        return None
    kind = col.type
    if isinstance(kind, Money):
        if not isinstance(value, str):
            raise BadValue("must be a decimal string")
        try:
            return Decimal(value)
        except InvalidOperation as exc:
            raise BadValue("must be a decimal string") from exc
    if isinstance(kind, TypeDecorator):  # UTCDateTime, AutoString: checked as what they store
        kind = kind.impl_instance
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise BadValue("must be true or false")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadValue("must be an integer")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadValue("must be a number")
        return float(value)
    if isinstance(kind, DateTime | Date):
        if not isinstance(value, str):
            raise BadValue("must be an ISO date")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise BadValue("must be an ISO date") from exc
        return parsed if isinstance(kind, DateTime) else parsed.date()
    if isinstance(kind, JSON):
        if not isinstance(value, list | dict):
            raise BadValue("must be a JSON list or object")
        return value
    if isinstance(kind, LargeBinary) or not isinstance(value, str):
        raise BadValue("must be text")
    return value
