"""Companies: the target account list (firmographics, trigger signals, tags).

Concurrency note: domain uniqueness per workspace is checked here, in the
service (the schema has an index, not a unique constraint, on
(workspace_id, domain)); two simultaneous creates of the same domain could
both pass. That is acceptable for a CRM list and keeps the migration as is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from updoot_app.models import Company, Deal, Stage, User
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.identity.membership import check_member
from updoot_app.services.platform import activity, geo
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.sql import json_list_contains, like_pattern
from updoot_app.services.platform.validation import (
    LIST_ITEM_MAX_LEN,
    clean_count,
    clean_direction,
    clean_long_text,
    clean_money,
    clean_optional_text,
    clean_paging,
    clean_ref,
    clean_search,
    clean_string_list,
    clean_text,
    reject_unknown,
)
from updoot_app.services.platform.workspace_rows import get_in_workspace
from updoot_app.services.profiles import fit
from updoot_app.services.profiles.tiers import clean_fit_tiers, fit_tier_condition

# --- domain and country ----------------------------------------------------------

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def clean_domain(raw: object) -> str | None:
    """`https://www.Acme.io/about` -> `acme.io`; empty -> None."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValidationError("domain", "Domain must be text.")
    value = raw.strip().lower()
    if not value:
        return None
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = re.split(r"[/?#]", value, maxsplit=1)[0]
    value = value.rsplit("@", 1)[-1]  # user@ or user:pass@
    value = re.sub(r":\d*$", "", value).rstrip(".")
    if value.startswith("www."):
        value = value[4:]
    try:
        value = value.encode("idna").decode("ascii") if not value.isascii() else value
    except UnicodeError:
        raise ValidationError("domain", "That domain is not valid.") from None
    labels = value.split(".")
    if (len(value) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels)
            or labels[-1].isdigit()):
        raise ValidationError("domain", f"\"{raw.strip()[:80]}\" is not a valid domain (e.g. acme.io).")
    return value


def clean_country(raw: object) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    code = geo.normalise_country(raw) if isinstance(raw, str) else None
    if code is None:
        raise ValidationError(
            "country", "Country must be an ISO 3166 code (e.g. US, DE) or a country name.")
    return code


# --- fit -----------------------------------------------------------------------------

def fit_builder(session: Session, workspace_id: int):
    """A function company -> fit dict, loading the workspace's ICPs once (for lists)."""
    specs = fit.specs_by_id(session, workspace_id)
    return lambda company: fit.fit_of(company, specs)


def fit_dict(session: Session, company: Company) -> dict:
    """The company's fit (score, tier, ICP, coverage, explanation) from its stored columns."""
    return fit.fit_of(company, fit.specs_by_id(session, company.workspace_id))


# --- CRUD ---------------------------------------------------------------------------

FIELDS = ("name", "domain", "industry", "employees", "annual_revenue", "country", "tech_stack",
          "triggers", "tags", "owner_id", "notes", "tax_id", "billing_address")
_TAX_ID = re.compile(r"[A-Z0-9][A-Z0-9.\-/]{1,39}")


def clean_tax_id(raw: object, field: str = "tax_id") -> str:
    """A VAT/GST number as written ("DE 123 456 789" -> "DE123456789"); "" for none."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(field, "A tax ID is text, such as DE123456789.")
    value = re.sub(r"\s+", "", raw).upper()
    if value and not _TAX_ID.fullmatch(value):
        raise ValidationError(field, "A tax ID uses letters, digits, . - or / (2 to 40 "
                                     "characters), such as DE123456789.")
    return value


def _clean_fields(session: Session, workspace_id: int, data: Mapping[str, Any],
                  company_id: int | None) -> dict:
    reject_unknown(data, FIELDS)
    out: dict[str, Any] = {}
    if "name" in data or company_id is None:
        out["name"] = clean_text(data.get("name"), "name", "Name", max_len=200)
    if "domain" in data:
        out["domain"] = clean_domain(data["domain"])
        if out["domain"]:
            clash = session.exec(
                select(Company.id).where(Company.workspace_id == workspace_id,
                                         Company.domain == out["domain"],
                                         Company.id != (company_id or 0))
            ).first()
            if clash is not None:
                raise ValidationError(
                    "domain", f"Another company already has the domain {out['domain']}.")
    if "industry" in data:
        out["industry"] = clean_optional_text(data["industry"], "industry", "Industry", 100)
    if "employees" in data:
        out["employees"] = clean_count(data["employees"], "employees", "Employees")
    if "annual_revenue" in data:
        out["annual_revenue"] = clean_money(data["annual_revenue"], "annual_revenue",
                                            "Annual revenue")
    if "country" in data:
        out["country"] = clean_country(data["country"])
    for key, label in (("tech_stack", "Tech stack"), ("triggers", "Triggers"), ("tags", "Tags")):
        if key in data:
            out[key] = clean_string_list(data[key], key, label)
    if "owner_id" in data:
        out["owner_id"] = check_member(session, workspace_id, data["owner_id"])
    if "notes" in data:
        out["notes"] = clean_long_text(data["notes"], "notes", "Notes", 5000)
    if "tax_id" in data:
        out["tax_id"] = clean_tax_id(data["tax_id"]) or None
    if "billing_address" in data:
        out["billing_address"] = clean_long_text(data["billing_address"], "billing_address",
                                                 "Billing address", 500)
    return out


def get_company(session: Session, workspace_id: int, company_id: object) -> Company:
    return get_in_workspace(session, Company, workspace_id, company_id, "Company", "company_id")


def create_company(session: Session, principal: Principal, data: Mapping[str, Any]) -> Company:
    principal.require("member")
    fields = _clean_fields(session, principal.workspace_id, data, None)
    company = Company(workspace_id=principal.workspace_id, **fields)
    session.add(company)
    session.flush()
    fit.score_one(session, company)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="company.create", entity_type="company", entity_id=company.id,
                 summary=f"Added company {company.name}")
    return company


def update_company(session: Session, principal: Principal, company_id: object,
                   data: Mapping[str, Any]) -> Company:
    """Partial update: only the keys present in `data` change."""
    principal.require("member")
    company = get_company(session, principal.workspace_id, company_id)
    fields = _clean_fields(session, principal.workspace_id, data, company.id)
    changes = {}
    for key, value in fields.items():
        old = getattr(company, key)
        if old != value:
            changes[key] = [_loggable(old), _loggable(value)]
            setattr(company, key, value)
    if changes:
        company.updated_at = utcnow()
        session.add(company)
        session.flush()
        fit.score_one(session, company)
        activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                     action="company.update", entity_type="company", entity_id=company.id,
                     summary=f"Updated company {company.name}", detail=changes)
    return company


def _loggable(value):
    return str(value) if isinstance(value, Decimal) else value


def delete_company(session: Session, principal: Principal, company_id: object) -> None:
    """Real delete; the database cascades to its deals and interactions and
    detaches its contacts (ON DELETE SET NULL)."""
    principal.require("member")
    company = get_company(session, principal.workspace_id, company_id)
    name, cid = company.name, company.id
    session.delete(company)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="company.delete", entity_type="company", entity_id=cid,
                 summary=f"Deleted company {name}")


def company_dict(session: Session, company: Company, owner_email: str | None = None,
                 *, fit: dict | None = None, fetch_owner: bool = True) -> dict:
    if fetch_owner and owner_email is None and company.owner_id is not None:
        owner_email = session.exec(select(User.email).where(User.id == company.owner_id)).first()
    return {
        "id": company.id,
        "name": company.name,
        "domain": company.domain,
        "industry": company.industry,
        "employees": company.employees,
        "annual_revenue": company.annual_revenue,
        "country": company.country,
        "tech_stack": list(company.tech_stack or []),
        "triggers": list(company.triggers or []),
        "tags": list(company.tags or []),
        "owner_id": company.owner_id,
        "owner_email": owner_email,
        "notes": company.notes,
        "tax_id": company.tax_id,
        "billing_address": company.billing_address,
        "fit": fit if fit is not None else fit_dict(session, company),
        "created_at": company.created_at,
        "updated_at": company.updated_at,
    }


# --- list ---------------------------------------------------------------------------

SORT_COLUMNS = {
    "name": Company.name,
    "fit_score": Company.fit_score,
    "employees": Company.employees,
    "annual_revenue": Company.annual_revenue,
    "country": Company.country,
    "industry": Company.industry,
    "created_at": Company.created_at,
}


def list_companies(session: Session, workspace_id: int, *, search: object = None,
                   fit_tier: object = None, industry: object = None, country: object = None,
                   owner_id: object = None, tag: object = None,
                   has_open_deal: bool | None = None, sort: object = "name",
                   direction: object = "asc", page: object = 1,
                   page_size: object = 25,
                   count_limit: int | None = None) -> tuple[list[dict], int]:
    """One page of companies, filtered, sorted and paged in SQL; (rows, total).

    With ``count_limit`` the count stops after that many rows (counting is a scan
    of every matching row): a total above ``count_limit`` means "more than"."""
    page, page_size = clean_paging(page, page_size)
    sort = sort or "name"
    if sort not in SORT_COLUMNS:
        raise ValidationError("sort", f"Sort must be one of {', '.join(SORT_COLUMNS)}.")
    direction = clean_direction(direction)
    conds = [Company.workspace_id == workspace_id]
    search = clean_search(search)
    if search:
        pattern = like_pattern(search)
        conds.append(or_(Company.name.ilike(pattern, escape="\\"),
                         Company.domain.ilike(pattern, escape="\\")))
    tiers = clean_fit_tiers(fit_tier)
    if tiers:
        conds.append(fit_tier_condition(Company.fit_tier, tiers))
    if industry not in (None, ""):
        industry = clean_text(industry, "industry", "Industry", max_len=100)
        conds.append(func.lower(Company.industry) == industry.lower())
    if country not in (None, ""):
        conds.append(Company.country == clean_country(country))
    if owner_id not in (None, ""):
        conds.append(Company.owner_id == clean_ref(owner_id, "owner_id", "Owner"))
    if tag not in (None, ""):
        tag = clean_text(tag, "tag", "Tag", max_len=LIST_ITEM_MAX_LEN)
        conds.append(json_list_contains(session, Company.tags, tag))
    if has_open_deal is not None:
        open_deal = exists(
            sa_select(1).select_from(Deal).join(Stage, Stage.id == Deal.stage_id)
            .where(Deal.company_id == Company.id, Stage.kind == "open")
        )
        conds.append(open_deal if has_open_deal else ~open_deal)

    if count_limit is None:
        total = session.exec(select(func.count()).select_from(Company).where(*conds)).one()
    else:
        capped = sa_select(Company.id).where(*conds).limit(count_limit + 1).subquery()
        total = session.exec(select(func.count()).select_from(capped)).one()
    column = SORT_COLUMNS[sort]
    order = column.asc() if direction == "asc" else column.desc()
    rows = session.exec(
        select(Company, User.email)
        .join(User, User.id == Company.owner_id, isouter=True)
        .where(*conds)
        .order_by(order.nulls_last(), Company.id.asc() if direction == "asc"
                  else Company.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    fit_of_company = fit_builder(session, workspace_id)
    return [company_dict(session, c, email, fit=fit_of_company(c), fetch_owner=False)
            for c, email in rows], total
