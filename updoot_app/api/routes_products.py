"""/products — the catalog. DELETE archives (products are never deleted, so
old quotes and invoices keep them)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body, MoneyStr, paged, to_json
from updoot_app.services.billing import products
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["products"], route_class=SessionRoute)


class ProductIn(Body):
    name: str | None = None
    description: str | None = None
    unit_price: MoneyStr = None
    currency: str | None = None
    tax_rate: MoneyStr = None
    unit: str | None = None
    archived: bool | None = None


def _out(product) -> dict:
    data = products.product_dict(product)
    data["unit_price"] = format(product.unit_price.normalize(), "f")
    data["tax_rate"] = format(product.tax_rate.normalize(), "f")
    return to_json(data)


@router.get("/products")
def list_products(p: Principal = READ, session: Session = DB, search: str | None = None,
                  include_archived: bool = False, page: int = 1, page_size: int = 50) -> dict:
    rows, total = products.list_products(session, p.workspace_id, search=search,
                                         include_archived=include_archived, page=page,
                                         page_size=page_size)
    for row in rows:
        row["unit_price"] = format(row["unit_price"].normalize(), "f")
        row["tax_rate"] = format(row["tax_rate"].normalize(), "f")
    return paged(rows, total, page, page_size)


@router.post("/products", status_code=201)
def create_product(body: ProductIn, p: Principal = WRITE, session: Session = DB) -> dict:
    return _out(products.create_product(session, p, body.model_dump(exclude_unset=True)))


@router.get("/products/{product_id}")
def get_product(product_id: int, p: Principal = READ, session: Session = DB) -> dict:
    return _out(products.get_product(session, p.workspace_id, product_id))


@router.patch("/products/{product_id}")
def update_product(product_id: int, body: ProductIn, p: Principal = WRITE,
                   session: Session = DB) -> dict:
    return _out(products.update_product(session, p, product_id,
                                        body.model_dump(exclude_unset=True)))


@router.delete("/products/{product_id}", status_code=204)
def archive_product(product_id: int, p: Principal = WRITE, session: Session = DB) -> Response:
    products.archive_product(session, p, product_id)
    return Response(status_code=204)
