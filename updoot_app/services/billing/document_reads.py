"""Reads for the quote and invoice editors: what their pickers offer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from updoot_app.models import Company, Deal, Product
from updoot_app.services.crm.contacts import list_contacts

# A picker lists at most this many rows (the newest deals, the rest by name).
PICKER_LIMIT = 200


@dataclass(frozen=True)
class PickerChoices:
    """(id, name) pairs of the workspace's companies, deals and live products."""

    companies: list[tuple[int, str]]
    deals: list[tuple[int, str]]
    products: list[tuple[int, str]]


def picker_choices(session: Session, workspace_id: int) -> PickerChoices:
    companies = session.exec(select(Company.id, Company.name)
                             .where(Company.workspace_id == workspace_id)
                             .order_by(Company.name).limit(PICKER_LIMIT)).all()
    deals = session.exec(select(Deal.id, Deal.title).where(Deal.workspace_id == workspace_id)
                         .order_by(Deal.id.desc()).limit(PICKER_LIMIT)).all()
    products = session.exec(select(Product.id, Product.name)
                            .where(Product.workspace_id == workspace_id,
                                   Product.archived.is_(False))
                            .order_by(Product.name).limit(PICKER_LIMIT)).all()
    return PickerChoices([tuple(row) for row in companies], [tuple(row) for row in deals],
                         [tuple(row) for row in products])


def addressees(session: Session, workspace_id: int, company_id: int | None) -> list[dict]:
    """The contacts a document of `company_id` can be addressed to (contacts
    belong to one company; a document without a company has none)."""
    if company_id is None:
        return []
    rows, _ = list_contacts(session, workspace_id, company_id=company_id, page_size=100)
    return rows
