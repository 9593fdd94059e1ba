"""The seller and the buyer as invoicing law names them: legal name, address,
tax ID (VAT/GST number), registration number; and the reverse charge that
zero-rates a buyer abroad with a tax ID.

The seller's fields live in the billing settings; the buyer's on the company,
which a document may override (`buyer_tax_id`, `buyer_address` on a quote or
invoice: a one-off billing address, a subsidiary's VAT number). Quotes,
invoices and credit notes print both, and the Factur-X XML carries them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from updoot_app.models import BillingSettings, Company, Workspace
from updoot_app.services.crm.companies import clean_country, clean_tax_id
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_long_text, clean_text

SELLER_FIELDS = ("legal_name", "tax_id", "registration_number", "country", "reverse_charge",
                 "reverse_charge_reason")
BUYER_FIELDS = ("buyer_tax_id", "buyer_address")
BUYER_CHANGES = {"company_id", "buyer_tax_id"}  # what can bring the reverse charge


def clean_seller(data: Mapping[str, Any]) -> dict:
    """The seller fields of a billing-settings change, checked."""
    out: dict[str, Any] = {}
    if "legal_name" in data:
        out["legal_name"] = clean_text(data["legal_name"], "legal_name", "Legal name",
                                       max_len=200, required=False)
    if "tax_id" in data:
        out["tax_id"] = clean_tax_id(data["tax_id"])
    if "registration_number" in data:
        out["registration_number"] = clean_text(
            data["registration_number"], "registration_number", "Registration number",
            max_len=60, required=False)
    if "country" in data:
        out["country"] = (clean_country(data["country"]) or "") \
            if data["country"] not in (None, "") else ""
    if "reverse_charge" in data:
        if not isinstance(data["reverse_charge"], bool):
            raise ValidationError("reverse_charge", "Must be true or false.")
        out["reverse_charge"] = data["reverse_charge"]
    if "reverse_charge_reason" in data:
        out["reverse_charge_reason"] = clean_text(
            data["reverse_charge_reason"], "reverse_charge_reason", "Reverse-charge wording",
            max_len=200)
    return out


def clean_buyer(data: Mapping[str, Any]) -> dict:
    """The buyer fields a quote or invoice may override, checked."""
    out: dict[str, Any] = {}
    if "buyer_tax_id" in data:
        out["buyer_tax_id"] = clean_tax_id(data["buyer_tax_id"], "buyer_tax_id")
    if "buyer_address" in data:
        out["buyer_address"] = clean_long_text(data["buyer_address"], "buyer_address",
                                               "Billing address", 500)
    return out


def seller_dict(session: Session, settings: BillingSettings) -> dict:
    workspace = session.get(Workspace, settings.workspace_id)
    name = workspace.name if workspace else ""
    return {"name": name, "legal_name": settings.legal_name or name,
            "address": settings.address, "tax_id": settings.tax_id,
            "registration_number": settings.registration_number,
            "country": settings.country}


def buyer_dict(session: Session, document) -> dict:
    """The buyer of a quote or invoice: the document's own tax ID and address
    when it has them, else its company's."""
    company = session.get(Company, document.company_id) if document.company_id else None
    return {
        "name": company.name if company else "",
        "tax_id": document.buyer_tax_id or (company.tax_id or "" if company else ""),
        "address": document.buyer_address or (company.billing_address if company else ""),
        "country": (company.country or "") if company else "",
    }


def reverse_charge_applies(settings: BillingSettings, buyer: Mapping[str, str]) -> bool:
    """The workspace's rule: the buyer has a tax ID and sits in another country
    than the seller (both countries known)."""
    return bool(settings.reverse_charge and settings.country and buyer.get("country")
                and buyer["country"] != settings.country and buyer.get("tax_id"))


def lines_to_store(settings: BillingSettings, buyer: Mapping[str, str],
                   lines: list[dict] | None, fields: Mapping[str, Any],
                   stored: Callable[[], list[dict]]) -> list[dict] | None:
    """The lines a draft's change stores (None: keep them): the new lines, or the
    stored ones when a new buyer brings the reverse charge, zero-rated by the rule."""
    if lines is None:
        if not (BUYER_CHANGES & set(fields)) or not reverse_charge_applies(settings, buyer):
            return None
        lines = stored()
    return with_reverse_charge(settings, buyer, lines)


def with_reverse_charge(settings: BillingSettings, buyer: Mapping[str, str],
                        lines: list[dict]) -> list[dict]:
    """Lines zero-rated with the workspace's reverse-charge wording, when the rule applies."""
    if not reverse_charge_applies(settings, buyer):
        return lines
    return [{**line, "tax_rate": Decimal(0), "tax_reason": settings.reverse_charge_reason}
            for line in lines]
