"""CSV export of companies, contacts and deals (one workspace, every row).

Read in SQL with core selects (no ORM objects), shaped with pandas, written by
``csv_io.frame_to_csv_bytes``: UTF-8 with BOM, and every text cell that a
spreadsheet could run as a formula (= + - @ tab CR) neutralised. Money is
written as plain decimal text ("1234.50"), never a float.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from updoot_app.models import Company, Contact, Deal, Stage, User
from updoot_app.services import csv_io
from updoot_app.services.access import Principal

KINDS = ("companies", "contacts", "deals")


def _money(value: object) -> str:
    if value is None:
        return ""
    return format(Decimal(value).quantize(Decimal("0.01")), "f")


def _joined(value: object) -> str:
    return "; ".join(value) if isinstance(value, list) else ""


def companies_frame(session: Session, workspace_id: int) -> pd.DataFrame:
    c = Company.__table__.c
    rows = session.execute(
        select(c.id, c.name, c.domain, c.industry, c.employees, c.annual_revenue, c.country,
               c.tech_stack, c.triggers, c.tags, User.email, c.fit_score, c.fit_tier, c.notes,
               c.created_at)
        .select_from(Company.__table__)
        .join(User, User.id == c.owner_id, isouter=True)
        .where(c.workspace_id == workspace_id).order_by(c.id)
    ).all()
    frame = pd.DataFrame.from_records(rows, columns=[
        "id", "name", "domain", "industry", "employees", "annual_revenue", "country",
        "tech_stack", "triggers", "tags", "owner_email", "fit_score", "fit_tier", "notes",
        "created_at"])
    frame["employees"] = frame["employees"].astype("Int64")
    frame["fit_score"] = frame["fit_score"].astype("Int64")
    frame["annual_revenue"] = frame["annual_revenue"].map(_money)
    for key in ("tech_stack", "triggers", "tags"):
        frame[key] = frame[key].map(_joined)
    return frame


def contacts_frame(session: Session, workspace_id: int) -> pd.DataFrame:
    t = Contact.__table__.c
    rows = session.execute(
        select(t.id, t.first_name, t.last_name, t.title, t.email, t.phone, Company.name,
               Company.domain, t.persona_id, t.notes, t.created_at)
        .select_from(Contact.__table__)
        .join(Company, Company.id == t.company_id, isouter=True)
        .where(t.workspace_id == workspace_id).order_by(t.id)
    ).all()
    frame = pd.DataFrame.from_records(rows, columns=[
        "id", "first_name", "last_name", "title", "email", "phone", "company_name",
        "company_domain", "persona_id", "notes", "created_at"])
    frame["persona_id"] = frame["persona_id"].astype("Int64")
    return frame


def deals_frame(session: Session, workspace_id: int) -> pd.DataFrame:
    d = Deal.__table__.c
    rows = session.execute(
        select(d.id, d.title, Company.name, d.value, d.currency, Stage.name, Stage.kind,
               Stage.probability, User.email, Company.fit_tier, d.expected_close, d.created_at,
               d.closed_at, d.lost_reason)
        .select_from(Deal.__table__)
        .join(Company, Company.id == d.company_id)
        .join(Stage, Stage.id == d.stage_id)
        .join(User, User.id == d.owner_id, isouter=True)
        .where(d.workspace_id == workspace_id).order_by(d.id)
    ).all()
    frame = pd.DataFrame.from_records(rows, columns=[
        "id", "title", "company_name", "value", "currency", "stage", "stage_kind",
        "probability", "owner_email", "fit_tier", "expected_close", "created_at", "closed_at",
        "lost_reason"])
    frame["value"] = frame["value"].map(_money)
    return frame


_FRAMES = {"companies": companies_frame, "contacts": contacts_frame, "deals": deals_frame}


def export_csv(session: Session, principal: Principal, kind: str) -> bytes:
    """The CSV bytes of every row of one kind in the caller's workspace."""
    principal.require("viewer")
    if kind not in _FRAMES:
        from updoot_app.services.errors import ValidationError

        raise ValidationError("kind", f"Export must be one of {', '.join(KINDS)}.")
    return csv_io.frame_to_csv_bytes(_FRAMES[kind](session, principal.workspace_id))


def export_filename(principal: Principal, kind: str) -> str:
    return f"{principal.workspace_slug}-{kind}.csv"
