"""The product catalog. Products are archived, never deleted: quote and invoice
lines keep their own copy of name, price and tax rate, so old documents never change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Product, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.billing.money import clean_percent, clean_price
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.sql import like_pattern
from updoot_app.services.platform.validation import (
    clean_currency,
    clean_paging,
    clean_search,
    clean_text,
    reject_unknown,
)
from updoot_app.services.platform.workspace_rows import get_in_workspace

FIELDS = ("name", "description", "unit_price", "currency", "tax_rate", "unit", "archived")


def _clean(data: Mapping[str, Any], creating: bool) -> dict:
    reject_unknown(data, FIELDS)
    out: dict[str, Any] = {}
    if "name" in data or creating:
        out["name"] = clean_text(data.get("name"), "name", "Name", max_len=200)
    if "description" in data:
        out["description"] = clean_text(data["description"], "description", "Description",
                                        max_len=2000, required=False)
    if "unit_price" in data or creating:
        out["unit_price"] = clean_price(data.get("unit_price"))
    if "currency" in data:
        out["currency"] = clean_currency(data["currency"])
    if "tax_rate" in data:
        out["tax_rate"] = clean_percent(data["tax_rate"], "tax_rate", "Tax rate")
    if "unit" in data:
        out["unit"] = clean_text(data["unit"], "unit", "Unit", max_len=30, required=False)
    if "archived" in data:
        if not isinstance(data["archived"], bool):
            raise ValidationError("archived", "Archived must be true or false.")
        out["archived"] = data["archived"]
    return out


def get_product(session: Session, workspace_id: int, product_id: object) -> Product:
    return get_in_workspace(session, Product, workspace_id, product_id, "Product", "product_id")


def create_product(session: Session, principal: Principal, data: Mapping[str, Any]) -> Product:
    principal.require("member")
    fields = _clean(data, True)
    fields.setdefault("currency", session.get(Workspace, principal.workspace_id).currency)
    product = Product(workspace_id=principal.workspace_id, **fields)
    session.add(product)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="product.create", entity_type="product", entity_id=product.id,
                 summary=f"Added product {product.name}")
    return product


def update_product(session: Session, principal: Principal, product_id: object,
                   data: Mapping[str, Any]) -> Product:
    principal.require("member")
    product = get_product(session, principal.workspace_id, product_id)
    fields = _clean(data, False)
    for key, value in fields.items():
        setattr(product, key, value)
    product.updated_at = utcnow()
    session.add(product)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="product.update", entity_type="product", entity_id=product.id,
                 summary=f"Edited product {product.name}", detail={"fields": sorted(fields)})
    session.flush()
    return product


def archive_product(session: Session, principal: Principal, product_id: object,
                    archived: bool = True) -> Product:
    return update_product(session, principal, product_id, {"archived": bool(archived)})


def product_dict(product: Product) -> dict:
    return {"id": product.id, "name": product.name, "description": product.description,
            "unit_price": product.unit_price, "currency": product.currency,
            "tax_rate": product.tax_rate, "unit": product.unit, "archived": product.archived}


def list_products(session: Session, workspace_id: int, *, search: object = None,
                  include_archived: bool = False, page: object = 1,
                  page_size: object = 50) -> tuple[list[dict], int]:
    page_n, size = clean_paging(page, page_size)
    query = select(Product).where(Product.workspace_id == workspace_id)
    if not include_archived:
        query = query.where(Product.archived.is_(False))
    term = clean_search(search)
    if term:
        query = query.where(func.lower(Product.name).like(like_pattern(term.lower()), escape="\\"))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(Product.name, Product.id)
                        .offset((page_n - 1) * size).limit(size)).all()
    return [product_dict(p) for p in rows], total
