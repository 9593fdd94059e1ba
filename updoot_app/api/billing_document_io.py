"""What the /quotes and /invoices routes share: the line of a request body
(decimal strings, never JSON numbers), reading a body for the service, and
the CSV and PDF responses."""

from __future__ import annotations

from typing import Annotated

from fastapi import Response
from pydantic import BeforeValidator
from sqlmodel import Session

from updoot_app.api.routes_companies import Body, MoneyStr
from updoot_app.services.archive import export
from updoot_app.services.identity.access import Principal


def _text_only(value):
    if isinstance(value, bool) or isinstance(value, int | float):
        raise ValueError('must be a decimal string such as "2.5", not a JSON number')
    return value


DecimalStr = Annotated[str | None, BeforeValidator(_text_only)]


class LineIn(Body):
    product_id: int | None = None
    description: str | None = None
    unit: str | None = None
    quantity: DecimalStr = None
    unit_price: MoneyStr = None
    discount_pct: DecimalStr = None
    tax_rate: DecimalStr = None
    tax_reason: str | None = None


def dump(body: Body) -> dict:
    """The fields the client sent; within lines, the keys it left out or sent as
    null are dropped (the service fills them from the product or its defaults)."""
    data = body.model_dump(exclude_unset=True)
    if "lines" in data and data["lines"] is not None:
        data["lines"] = [{k: v for k, v in line.items() if v is not None}
                         for line in data["lines"]]
    return data


def export_response(session: Session, principal: Principal, kind: str) -> Response:
    """Every quote or invoice of the workspace as a CSV attachment."""
    data = export.export_csv(session, principal, kind)
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename="
                             f'"{export.export_filename(principal, kind)}"'})


def pdf_response(data: bytes, filename: str, extra_headers: dict[str, str] | None = None,
                 ) -> Response:
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"',
                             **(extra_headers or {})})
