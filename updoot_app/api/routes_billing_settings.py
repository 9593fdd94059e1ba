"""/billing-settings (numbering prefixes, payment terms, address, locale, the
accept-wins-the-deal switch, the seller's legal name, tax ID, registration
number and country, the reverse charge) and /billing-settings/logo (the logo on PDFs).

Everyone in the workspace reads them; changing them takes an owner or admin
(403 otherwise). The logo is sent as the raw request body:
    curl -X PUT --data-binary @logo.png -H "Content-Type: image/png" \
         -H "Authorization: Bearer $TOKEN" $URL/api/v1/billing-settings/logo
Only a real PNG or JPEG of at most 512 KB is taken (422 otherwise); it is
re-encoded and shrunk to at most 800 px a side.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from updoot_app import db
from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ, WRITE, Body
from updoot_app.services.billing import documents, logo
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import NotFound, ValidationError

router = APIRouter(tags=["billing settings"], route_class=SessionRoute)
_LOGO_BODY = {"requestBody": {"required": True, "content": {
    "image/png": {"schema": {"type": "string", "format": "binary"}},
    "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}}


class SettingsIn(Body):
    quote_prefix: str | None = None
    invoice_prefix: str | None = None
    win_deal_on_accept: bool | None = None
    payment_terms_days: int | None = None
    address: str | None = None
    locale: str | None = None
    credit_note_prefix: str | None = None
    legal_name: str | None = None
    tax_id: str | None = None
    registration_number: str | None = None
    country: str | None = None
    reverse_charge: bool | None = None
    reverse_charge_reason: str | None = None


def _settings_out(session: Session, row) -> dict:
    return {"quote_prefix": row.quote_prefix, "invoice_prefix": row.invoice_prefix,
            "win_deal_on_accept": row.win_deal_on_accept,
            "payment_terms_days": row.payment_terms_days, "address": row.address,
            "locale": row.locale, "credit_note_prefix": row.credit_note_prefix,
            "legal_name": row.legal_name, "tax_id": row.tax_id,
            "registration_number": row.registration_number, "country": row.country,
            "reverse_charge": row.reverse_charge,
            "reverse_charge_reason": row.reverse_charge_reason,
            "has_logo": logo.get_logo(session, row.workspace_id) is not None}


def _logo_out(stored) -> dict:
    return {"content_type": stored.content_type, "width": stored.width, "height": stored.height}


@router.get("/billing-settings")
def get_settings(p: Principal = READ, session: Session = DB) -> dict:
    return _settings_out(session, documents.get_settings(session, p.workspace_id))


@router.patch("/billing-settings")
def update_settings(body: SettingsIn, p: Principal = WRITE, session: Session = DB) -> dict:
    row = documents.update_settings(session, p, body.model_dump(exclude_unset=True))
    return _settings_out(session, row)


@router.get("/billing-settings/logo")
def get_logo(p: Principal = READ, session: Session = DB) -> Response:
    stored = logo.get_logo(session, p.workspace_id)
    if stored is None:
        raise NotFound("Logo")
    return Response(stored.data, media_type=stored.content_type,
                    headers={"Cache-Control": "private, no-cache"})


def _store(p: Principal, data: bytes) -> dict:
    with db.session_scope() as session:
        return _logo_out(logo.set_logo(session, p, data))


@router.put("/billing-settings/logo", openapi_extra=_LOGO_BODY)
async def put_logo(request: Request, p: Principal = WRITE) -> dict:
    p.require("admin")  # before reading the body
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > logo.MAX_LOGO_BYTES:
            raise ValidationError("logo", f"The logo is larger than "
                                  f"{logo.MAX_LOGO_BYTES // 1024} KB.")
    return await run_in_threadpool(_store, p, bytes(data))


@router.delete("/billing-settings/logo", status_code=204)
def delete_logo(p: Principal = WRITE, session: Session = DB) -> Response:
    if not logo.remove_logo(session, p):
        raise NotFound("Logo")
    return Response(status_code=204)
