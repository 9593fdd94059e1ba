"""What quotes and invoices share: billing settings, gapless numbering, header
and line validation, party (company/contact/deal) checks, stored lines and
totals, the list query, and the dicts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from sqlalchemy import and_, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, select

from updoot_app.models import BillingSettings, Company, Contact, Deal, DocumentCounter, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.billing import money, parties
from updoot_app.services.billing.products import get_product
from updoot_app.services.crm.companies import get_company
from updoot_app.services.crm.contacts import get_contact
from updoot_app.services.crm.deal_reads import get_deal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.sql import like_pattern
from updoot_app.services.platform.validation import (
    clean_currency,
    clean_long_text,
    clean_paging,
    clean_ref,
    clean_search,
    clean_text,
    reject_unknown,
)

MAX_LINES = 200
LINE_FIELDS = ("product_id", "description", "unit", "quantity", "unit_price", "discount_pct",
               "tax_rate", "tax_reason")
PREFIX_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/")
# The header dates a document may carry, in the order they are checked.
DATE_FIELDS = (("issue_date", "Issue date"), ("valid_until", "Valid until"),
               ("due_date", "Due date"))


def today() -> date:
    """The day quotes expire and invoices fall due by: today in UTC."""
    return utcnow().date()


# --- settings -------------------------------------------------------------------------

def get_settings(session: Session, workspace_id: int) -> BillingSettings:
    found = session.get(BillingSettings, workspace_id)
    return found if found is not None else BillingSettings(workspace_id=workspace_id)


def clean_prefix(raw: object, field: str) -> str:
    value = clean_text(raw, field, "Prefix", max_len=12).upper()
    if not set(value) <= PREFIX_CHARS:
        raise ValidationError(field, "A prefix uses letters, digits, - _ or / only.")
    return value


def update_settings(session: Session, principal, data: Mapping[str, Any]) -> BillingSettings:
    principal.require("admin")
    allowed = {"quote_prefix", "invoice_prefix", "credit_note_prefix", "win_deal_on_accept",
               "payment_terms_days", "address", "locale", *parties.SELLER_FIELDS}
    reject_unknown(data, allowed)
    row = session.get(BillingSettings, principal.workspace_id) or BillingSettings(
        workspace_id=principal.workspace_id)
    for key in ("quote_prefix", "invoice_prefix", "credit_note_prefix"):
        if key in data:
            setattr(row, key, clean_prefix(data[key], key))
    for key, value in parties.clean_seller(data).items():
        setattr(row, key, value)
    if "win_deal_on_accept" in data:
        if not isinstance(data["win_deal_on_accept"], bool):
            raise ValidationError("win_deal_on_accept", "Must be true or false.")
        row.win_deal_on_accept = data["win_deal_on_accept"]
    if "payment_terms_days" in data:
        row.payment_terms_days = clean_days(data["payment_terms_days"])
    if "address" in data:
        row.address = clean_long_text(data["address"], "address", "Address", 500)
    if "locale" in data:
        text = clean_text(data["locale"], "locale", "Locale", max_len=12)
        try:
            Locale.parse(text)
        except (ValueError, UnknownLocaleError):
            raise ValidationError("locale", "Unknown locale (try en_US, de_DE, fr_FR).") from None
        row.locale = text
    session.add(row)
    session.flush()
    return row


def clean_days(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValidationError("payment_terms_days", "Payment terms are a number of days.")
    try:
        days = int(str(raw).strip())
    except ValueError:
        raise ValidationError("payment_terms_days",
                              "Payment terms are a number of days.") from None
    if not 0 <= days <= 365:
        raise ValidationError("payment_terms_days", "Payment terms are 0 to 365 days.")
    return days


# --- numbering --------------------------------------------------------------------------

def take_number(session: Session, workspace_id: int, kind: str, year: int) -> int:
    """The next number of `kind` in this workspace and year, in the caller's
    transaction: an atomic UPDATE … RETURNING on the counter row (a row lock on
    PostgreSQL; on SQLite call inside `db.write_scope()` which holds the write
    lock). Rolled back with the caller, so a number is never lost or reused."""
    bind = session.get_bind()
    dialect = postgresql if bind.dialect.name == "postgresql" else sqlite
    session.exec(
        dialect.insert(DocumentCounter)
        .values(workspace_id=workspace_id, kind=kind, year=year, next_number=1)
        .on_conflict_do_nothing(index_elements=["workspace_id", "kind", "year"])
    )
    taken = session.exec(
        update(DocumentCounter)
        .where(DocumentCounter.workspace_id == workspace_id, DocumentCounter.kind == kind,
               DocumentCounter.year == year)
        .values(next_number=DocumentCounter.next_number + 1)
        .returning(DocumentCounter.next_number)
    ).scalar_one()
    return int(taken) - 1


def format_number(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:04d}"


# --- fields -----------------------------------------------------------------------------

def clean_date(raw: object, field: str, label: str) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and raw.strip():
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            pass
        else:
            if 2000 <= value.year <= 2200:
                return value
    raise ValidationError(field, f"{label} must be a date like 2026-03-31.")


def clean_party(session: Session, workspace_id: int, data: Mapping[str, Any],
                current: Mapping[str, int | None] | None = None) -> dict:
    """company_id / contact_id / deal_id: each optional, each in this workspace;
    a deal or contact fills in the company when it is not given, and must be
    the document's company's when it is (a contact without a company is refused
    on a document with one: the addressee works at the client)."""
    out: dict[str, int | None] = {}
    for key, getter in (("company_id", get_company), ("contact_id", get_contact),
                        ("deal_id", get_deal)):
        if key not in data:
            continue
        raw = data[key]
        if raw in (None, ""):
            out[key] = None
            continue
        out[key] = getter(session, workspace_id, raw).id
    merged = dict(current or {})
    merged.update(out)
    company_id = merged.get("company_id")
    for key, model in (("deal_id", Deal), ("contact_id", Contact)):
        ref = merged.get(key)
        if ref is None:
            continue
        row_company = session.get(model, ref).company_id
        if company_id is None and row_company is not None:
            company_id = row_company
            out["company_id"] = row_company
        elif row_company != company_id:
            if key == "deal_id":
                raise ValidationError(key, "That deal belongs to another company.")
            raise ValidationError(key, "That contact is not one of this company's contacts.")
    return out


def clean_header(session: Session, workspace_id: int, data: Mapping[str, Any],
                 allowed: tuple[str, ...], document=None) -> dict:
    """The checked fields of a quote's or invoice's change (`document` is None for
    a new one). `allowed` names the fields the document has: a quote has a
    valid-until date, an invoice a due date and payment terms; the rest (party,
    currency, issue date, discount, notes, terms, lines) both share."""
    reject_unknown(data, allowed)
    current = None if document is None else {"company_id": document.company_id,
                                              "contact_id": document.contact_id,
                                              "deal_id": document.deal_id}
    out: dict[str, Any] = clean_party(session, workspace_id, data, current)
    if "currency" in data:
        out["currency"] = clean_currency(data["currency"])
    for key, label in DATE_FIELDS:
        if data.get(key) not in (None, ""):
            out[key] = clean_date(data[key], key, label)
    if data.get("payment_terms_days") not in (None, ""):
        out["payment_terms_days"] = clean_days(data["payment_terms_days"])
    if "prices_include_tax" in data:
        if not isinstance(data["prices_include_tax"], bool):
            raise ValidationError("prices_include_tax", "Must be true or false.")
        out["prices_include_tax"] = data["prices_include_tax"]
    out.update(parties.clean_buyer(data))
    if "discount_pct" in data:
        out["discount_pct"] = money.clean_percent(data["discount_pct"], "discount_pct",
                                                  "Document discount", default=Decimal(0))
    if "notes" in data:
        out["notes"] = clean_long_text(data["notes"], "notes", "Notes", 5000)
    if "terms" in data:
        out["terms"] = clean_long_text(data["terms"], "terms", "Terms", 5000)
    if "lines" in data:
        out["lines"] = clean_lines(session, workspace_id, data["lines"])
    return out


def default_currency(session: Session, workspace_id: int, party: Mapping[str, Any]) -> str:
    deal_id = party.get("deal_id")
    if deal_id:
        return session.get(Deal, deal_id).currency
    return session.get(Workspace, workspace_id).currency


def clean_lines(session: Session, workspace_id: int, raw: object) -> list[dict]:
    """Validated lines. A line with a product_id takes the product's name,
    unit, price and tax rate unless it gives its own; free-text lines need a
    description and a unit price."""
    if not isinstance(raw, list | tuple):
        raise ValidationError("lines", "Lines must be a list.")
    if len(raw) > MAX_LINES:
        raise ValidationError("lines", f"At most {MAX_LINES} lines per document.")
    lines = []
    for i, item in enumerate(raw):
        where = f"lines.{i}"
        if not isinstance(item, Mapping):
            raise ValidationError(where, f"Line {i + 1} must be an object.")
        unknown = set(item) - set(LINE_FIELDS) - {"id", "position"}
        if unknown:
            name = sorted(unknown)[0]
            raise ValidationError(f"{where}.{name}", f"Line {i + 1}: unknown field {name}.")
        product = None
        if item.get("product_id") not in (None, ""):
            product = get_product(session, workspace_id, item["product_id"])
        desc = item.get("description")
        if (desc is None or (isinstance(desc, str) and not desc.strip())) and product:
            desc = product.name
        try:
            line = {
                "product_id": product.id if product else None,
                "description": clean_long_text(desc, "description", "Description", 2000),
                "unit": clean_text(item.get("unit", product.unit if product else ""), "unit",
                                   "Unit", max_len=30, required=False),
                "quantity": money.clean_quantity(item.get("quantity", "1")),
                "unit_price": money.clean_price(
                    item["unit_price"] if item.get("unit_price") not in (None, "") or not product
                    else product.unit_price),
                "discount_pct": money.clean_percent(item.get("discount_pct"), "discount_pct",
                                                    "Discount", default=Decimal(0)),
                "tax_rate": money.clean_percent(
                    item.get("tax_rate"), "tax_rate", "Tax rate",
                    default=product.tax_rate if product else Decimal(0)),
                "tax_reason": clean_text(item.get("tax_reason"), "tax_reason", "Tax reason",
                                         max_len=200, required=False),
            }
        except ValidationError as exc:
            raise ValidationError(f"{where}.{exc.field}", f"Line {i + 1}: {exc.message}") from None
        if not line["description"]:
            raise ValidationError(f"{where}.description", f"Line {i + 1}: enter a description.")
        if line["tax_reason"] and line["tax_rate"]:
            raise ValidationError(f"{where}.tax_reason", f"Line {i + 1}: a tax reason goes on a "
                                  "zero-rated line (tax rate 0 %) only.")
        lines.append(line)
    return lines


# --- stored lines and totals ------------------------------------------------------------

def lines_of(session: Session, line_model: type[SQLModel], owner_column, owner_id: int) -> list:
    """A document's stored lines (QuoteLine or InvoiceLine rows), in their order."""
    return list(session.exec(select(line_model).where(owner_column == owner_id)
                             .order_by(line_model.position, line_model.id)).all())


def line_values(lines: list) -> list[dict]:
    """Stored lines as the cleaned dicts they were made from (to store them again)."""
    return [{key: getattr(line, key) for key in LINE_FIELDS} for line in lines]


def replace_lines(session: Session, old_lines: list, new_lines: list) -> None:
    """Swap a document's stored lines; the old ones go first (positions are unique)."""
    for old in old_lines:
        session.delete(old)
    session.flush()
    session.add_all(new_lines)
    session.flush()


def totals_for(document, lines) -> money.Totals:
    """A quote's or invoice's totals from its lines (stored rows or cleaned dicts),
    priced the way the document is: with or without tax in its prices."""
    return money.document_totals(lines, document.currency, document.discount_pct,
                                 prices_include_tax=bool(document.prices_include_tax))


def store_totals(document, totals: money.Totals) -> None:
    """Keep the computed totals on the document row (lists, CSV and revenue read them)."""
    document.subtotal = totals.subtotal
    document.discount_total = totals.discount_total
    document.tax_total = totals.tax_total
    document.total = totals.total


# --- lists ---------------------------------------------------------------------------------

def page_of_documents(session: Session, model: type[SQLModel], workspace_id: int, status_where,
                      day: date, *, status: object, search: object, company_id: object,
                      deal_id: object, page: object,
                      page_size: object) -> tuple[list[tuple[Any, str | None]], int]:
    """One page of quotes or invoices, newest first, each with its company's name,
    and the number of all that match. `status_where(status, day)` turns the
    status filter into conditions: each document computes a status of its own
    on `day` (a quote expires, an invoice falls overdue)."""
    page_n, size = clean_paging(page, page_size)
    query = (select(model, Company.name)
             .join(Company, Company.id == model.company_id, isouter=True)
             .where(model.workspace_id == workspace_id))
    if status not in (None, ""):
        query = query.where(*status_where(status, day))
    if company_id not in (None, ""):
        query = query.where(model.company_id == clean_ref(company_id, "company_id", "Company"))
    if deal_id not in (None, ""):
        query = query.where(model.deal_id == clean_ref(deal_id, "deal_id", "Deal"))
    term = clean_search(search)
    if term:
        pattern = like_pattern(term.lower())
        query = query.where(or_(func.lower(model.number).like(pattern, escape="\\"),
                                and_(Company.name.is_not(None),
                                     func.lower(Company.name).like(pattern, escape="\\"))))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(model.id.desc()).offset((page_n - 1) * size)
                        .limit(size)).all()
    return list(rows), total


# --- dicts ---------------------------------------------------------------------------------

def status_label(status: str) -> str:
    """A document status as people read it: "partially_paid" is "Partially paid"."""
    return status.replace("_", " ").capitalize()


def line_dicts(lines, currency: str, totals: money.Totals) -> list[dict]:
    out = []
    for line, amounts in zip(lines, totals.lines, strict=True):
        out.append({
            "id": line.id, "position": line.position, "product_id": line.product_id,
            "description": line.description, "unit": line.unit,
            "quantity": format(line.quantity.normalize(), "f"),
            "unit_price": format(line.unit_price.normalize(), "f"), "discount_pct": format(
                line.discount_pct.normalize(), "f"),
            "tax_rate": format(line.tax_rate.normalize(), "f"), "tax_reason": line.tax_reason,
            "net": amounts.net, "tax": amounts.tax, "total": amounts.total,
        })
    return out


def totals_dict(totals: money.Totals) -> dict:
    return {
        "subtotal": totals.subtotal, "discount_total": totals.discount_total,
        "net_total": totals.net_total, "tax_total": totals.tax_total, "total": totals.total,
        "taxes": [{"rate": money.percent_text(t.rate), "base": t.base, "tax": t.tax}
                  for t in totals.taxes],
    }


def party_names(session: Session, doc) -> dict:
    company = session.get(Company, doc.company_id) if doc.company_id else None
    contact = session.get(Contact, doc.contact_id) if doc.contact_id else None
    deal = session.get(Deal, doc.deal_id) if doc.deal_id else None
    return {
        "company_name": company.name if company else "",
        "contact_name": f"{contact.first_name} {contact.last_name}".strip() if contact else "",
        "contact_email": (contact.email or "") if contact else "",
        "deal_title": deal.title if deal else "",
    }
