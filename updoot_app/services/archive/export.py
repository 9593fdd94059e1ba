"""CSV export of companies, contacts, deals, quotes and invoices (one
workspace, every row), one kind at a time or all of them in a zip.

CRM rows are read with core selects (no ORM objects), shaped with pandas, and
written by ``csvio.writing.frame_to_csv_bytes``: UTF-8 with BOM, and every text cell
that a spreadsheet could run as a formula (= + - @ tab CR) neutralised. Money
is written as plain decimal text ("1234.50"), never a float; quote and invoice
amounts go through ``money.money_text`` (the currency's minor unit, the same
rounding as the screen, the PDF and the API) and their status is the one the
screen shows (expired, overdue), from the services' own rules.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from updoot_app.models import Company, Contact, Deal, Invoice, Quote, Stage, User
from updoot_app.services.archive import journal
from updoot_app.services.billing import invoices, money, quotes
from updoot_app.services.csvio.writing import frame_to_csv_bytes
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError

KINDS = ("companies", "contacts", "deals", "quotes", "invoices")
# The zip of `updoot export`: every kind, and the accounting journal of every day.
ZIP_FILES = (*(f"{kind}.csv" for kind in KINDS), "journal.csv")
QUOTE_COLUMNS = ["number", "status", "company", "contact", "deal", "issue_date", "valid_until",
                 "currency", "subtotal", "discount", "tax", "total"]
INVOICE_COLUMNS = ["number", "status", "company", "contact", "deal", "quote_number",
                   "issue_date", "due_date", "currency", "subtotal", "discount", "tax", "total",
                   "paid", "balance"]


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


def _contact_name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def _parties(query, doc):
    """Join the document's company, contact and deal (each optional)."""
    return (query.join(Company, Company.id == doc.company_id, isouter=True)
            .join(Contact, Contact.id == doc.contact_id, isouter=True)
            .join(Deal, Deal.id == doc.deal_id, isouter=True))


def _amounts(doc) -> list[str]:
    cur = doc.currency
    return [money.money_text(doc.subtotal, cur), money.money_text(doc.discount_total, cur),
            money.money_text(doc.tax_total, cur), money.money_text(doc.total, cur)]


def quotes_frame(session: Session, workspace_id: int) -> pd.DataFrame:
    day = quotes.today()
    query = _parties(select(Quote, Company.name, Contact.first_name, Contact.last_name,
                            Deal.title), Quote)
    rows = session.execute(query.where(Quote.workspace_id == workspace_id)
                           .order_by(Quote.id)).all()
    return pd.DataFrame([
        [q.number, quotes.effective_status(q, day), company or "", _contact_name(first, last),
         deal or "", q.issue_date.isoformat(), q.valid_until.isoformat(), q.currency,
         *_amounts(q)]
        for q, company, first, last, deal in rows], columns=QUOTE_COLUMNS, dtype=object)


def invoices_frame(session: Session, workspace_id: int) -> pd.DataFrame:
    day = invoices.today()
    source = aliased(Quote)
    query = _parties(select(Invoice, Company.name, Contact.first_name, Contact.last_name,
                            Deal.title, source.number), Invoice)
    rows = session.execute(query.join(source, source.id == Invoice.quote_id, isouter=True)
                           .where(Invoice.workspace_id == workspace_id)
                           .order_by(Invoice.id)).all()
    return pd.DataFrame([
        [i.number or "", invoices.effective_status(i, day), company or "",
         _contact_name(first, last), deal or "", quote_number or "", i.issue_date.isoformat(),
         i.due_date.isoformat(), i.currency, *_amounts(i),
         money.money_text(i.amount_paid, i.currency),
         money.money_text(invoices.balance(i), i.currency)]
        for i, company, first, last, deal, quote_number in rows],
        columns=INVOICE_COLUMNS, dtype=object)


_FRAMES = {"companies": companies_frame, "contacts": contacts_frame, "deals": deals_frame,
           "quotes": quotes_frame, "invoices": invoices_frame}


def export_csv(session: Session, principal: Principal, kind: str) -> bytes:
    """The CSV bytes of every row of one kind in the caller's workspace."""
    principal.require("viewer")
    if kind not in _FRAMES:
        raise ValidationError("kind", f"Export must be one of {', '.join(KINDS)}.")
    return frame_to_csv_bytes(_FRAMES[kind](session, principal.workspace_id))


def export_filename(principal: Principal, kind: str) -> str:
    return f"{principal.workspace_slug}-{kind}.csv"


def export_zip(session: Session, principal: Principal) -> bytes:
    """Every kind as <kind>.csv, and journal.csv, in one zip (the `updoot export` command)."""
    principal.require("viewer")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in KINDS:
            archive.writestr(f"{kind}.csv", export_csv(session, principal, kind))
        archive.writestr("journal.csv", journal.journal_csv(session, principal))
    return out.getvalue()
