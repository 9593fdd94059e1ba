"""Import of validated CSV records into the contacts table: the contacts' half of
company_import.py (same batches, same reasons for opening its own transactions).

Each contact is matched to a company by domain (of the company column or of the
email) or by name; duplicates are found by email.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import func, insert, select, update

from updoot_app import db
from updoot_app.models import Company, Contact
from updoot_app.models.types import utcnow
from updoot_app.services.crm.company_import import (
    BATCH_SIZE,
    ImportResult,
    Progress,
    clean_mode,
    non_empty,
    tightened,
)
from updoot_app.services.csvio.fields import CONTACT_FIELDS
from updoot_app.services.csvio.row_validation import ValidationResult, validate_rows
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity

IMPORT_CONTACT_FIELDS = tightened(CONTACT_FIELDS, {
    "first_name": 100, "last_name": 100, "title": 150, "notes": 5000, "company_name": 200})
_CONTACT_COLUMNS = ("first_name", "last_name", "title", "email", "phone", "notes")
_companies = Company.__table__


def validate_contacts(frame: pd.DataFrame, mapping: dict[str, str | None]
                      ) -> ValidationResult:
    return validate_rows(frame, mapping, IMPORT_CONTACT_FIELDS)


def import_contacts(principal: Principal, records: Sequence[dict], *, invalid_rows: int = 0,
                    on_duplicate: str = "skip", progress: Progress | None = None,
                    batch_size: int = BATCH_SIZE) -> ImportResult:
    """Write validated contact records; the company is matched by domain (of the
    company column or of the email) or by name. Duplicates by email."""
    principal.require("member")
    mode = clean_mode(on_duplicate)
    ws = principal.workspace_id
    with db.session_scope() as session:
        companies = session.execute(
            select(_companies.c.id, _companies.c.domain, func.lower(_companies.c.name))
            .where(_companies.c.workspace_id == ws).order_by(_companies.c.id)).all()
        existing = dict(session.execute(
            select(func.lower(Contact.email), Contact.id)
            .where(Contact.workspace_id == ws, Contact.email.is_not(None))).all())
    by_domain: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for cid, domain, name in companies:
        if domain:
            by_domain.setdefault(domain, cid)
        by_name.setdefault(name, cid)
    table = Contact.__table__
    result = ImportResult(invalid=invalid_rows)
    total = len(records)
    for start in range(0, total, batch_size):
        batch = records[start:start + batch_size]
        inserts, updates, seen = [], {}, set()
        skipped = updated = 0
        now = utcnow()
        for record in batch:
            values = {k: record.get(k) for k in _CONTACT_COLUMNS if k in record}
            values["first_name"] = values.get("first_name") or ""
            values["last_name"] = values.get("last_name") or ""
            values["title"] = values.get("title") or ""
            values["notes"] = values.get("notes") or ""
            company_id = _match_company(record, by_domain, by_name)
            email = (values.get("email") or "").lower() or None
            if email and (email in existing or email in seen):
                if mode == "skip" or email in seen:
                    skipped += 1
                    continue
                changes = non_empty(values)
                if company_id:
                    changes["company_id"] = company_id
                updates[existing[email]] = changes
                updated += 1
                continue
            if email:
                seen.add(email)
            inserts.append({**values, "company_id": company_id, "workspace_id": ws,
                            "persona_id": None, "created_at": now})
        with db.session_scope() as session:
            if inserts:
                session.execute(insert(table), inserts)
            for cid, changes in updates.items():
                if changes:
                    session.execute(update(table).where(table.c.id == cid,
                                                        table.c.workspace_id == ws)
                                    .values(**changes))
        result.created += len(inserts)
        result.updated += updated
        result.skipped += skipped
        if progress is not None:
            progress("import", min(start + batch_size, total), total)
    with db.session_scope() as session:
        activity.log(session, workspace_id=ws, user_id=principal.user_id,
                     action="contact.import", entity_type="contact",
                     summary=f"Imported contacts: {result.summary()}", detail=result.as_dict())
    return result


def _match_company(record: dict, by_domain: dict[str, int], by_name: dict[str, int]) -> int | None:
    domain = record.get("company_domain")
    if domain and domain in by_domain:
        return by_domain[domain]
    name = (record.get("company_name") or "").strip().lower()
    if name and name in by_name:
        return by_name[name]
    email = record.get("email")
    if email and "@" in email:
        return by_domain.get(email.rsplit("@", 1)[1].lower())
    return None
