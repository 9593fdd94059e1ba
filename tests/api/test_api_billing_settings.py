"""/billing-settings and its logo: everyone reads, owners and admins change,
422 with a message for bad values and bad files, the logo reaches the PDF."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlmodel import select

from tests.api.conftest import bearer
from tests.state.test_billing_settings_state import member_of, png
from tests.unit.billing_helpers import new_quote
from updoot_app import db
from updoot_app.models import Membership

URL = "/api/v1/billing-settings"


@pytest.fixture
def h(alice, api_token):
    return bearer(api_token(alice))


def test_read_and_change_settings(client, alice, h):
    r = client.get(URL, headers=h)
    assert r.status_code == 200
    assert r.json() == {"quote_prefix": "Q", "invoice_prefix": "INV", "win_deal_on_accept": True,
                        "payment_terms_days": 30, "address": "", "locale": "en_US",
                        "credit_note_prefix": "CN", "legal_name": "", "tax_id": "",
                        "registration_number": "", "country": "", "reverse_charge": False,
                        "reverse_charge_reason": "Reverse charge: VAT to be accounted for by "
                                                 "the recipient",
                        "has_logo": False}
    r = client.patch(URL, json={"quote_prefix": "of", "payment_terms_days": 7,
                                "win_deal_on_accept": False}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["quote_prefix"], body["payment_terms_days"], body["win_deal_on_accept"]) == (
        "OF", 7, False)
    r = client.patch(URL, json={"locale": "zz_ZZ", "address": "never stored"}, headers=h)
    assert r.status_code == 422 and "Unknown locale" in r.json()["detail"]
    assert client.get(URL, headers=h).json()["address"] == ""


def test_logo_round_trip_into_the_pdf(client, alice, h):
    qid = new_quote(alice)
    assert client.get(f"{URL}/logo", headers=h).status_code == 404
    r = client.put(f"{URL}/logo", content=png((1600, 400)),
                   headers={**h, "Content-Type": "image/png"})
    assert r.status_code == 200, r.text
    assert r.json() == {"content_type": "image/png", "width": 800, "height": 200}
    r = client.get(f"{URL}/logo", headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(r.content)).size == (800, 200)
    assert client.get(URL, headers=h).json()["has_logo"] is True
    pdf = client.get(f"/api/v1/quotes/{qid}.pdf", headers=h).content
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
    assert client.delete(f"{URL}/logo", headers=h).status_code == 204
    assert client.delete(f"{URL}/logo", headers=h).status_code == 404
    pdf = client.get(f"/api/v1/quotes/{qid}.pdf", headers=h).content
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 0


@pytest.mark.parametrize("body, message", [
    (b"<svg/>", "must be a PNG or JPEG"),
    (b"", "Choose a PNG or JPEG file"),
    (b"\x89PNG" + b"\0" * (512 * 1024), "larger than 512 KB"),
])
def test_bad_logo_is_422(client, alice, h, body, message):
    r = client.put(f"{URL}/logo", content=body, headers={**h, "Content-Type": "image/png"})
    assert r.status_code == 422 and message in r.json()["detail"]
    assert client.get(URL, headers=h).json()["has_logo"] is False


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_are_refused(client, alice, api_token, role):
    actor = member_of(alice, "member")
    other = bearer(api_token(actor))  # a viewer cannot make tokens: made as a member
    with db.session_scope() as s:
        membership = s.exec(select(Membership).where(Membership.user_id == actor.user_id,
                                                     Membership.workspace_id == alice.workspace_id)
                            ).one()
        membership.role = role
        s.add(membership)
    assert client.get(URL, headers=other).status_code == 200
    assert client.patch(URL, json={"quote_prefix": "X"}, headers=other).status_code == 403
    r = client.put(f"{URL}/logo", content=png(), headers={**other, "Content-Type": "image/png"})
    assert r.status_code == 403
    assert client.delete(f"{URL}/logo", headers=other).status_code == 403
    assert client.get(URL, headers=other).json()["quote_prefix"] == "Q"


def test_no_token_is_401(client):
    for method in ("get", "put", "delete"):
        assert getattr(client, method)(f"{URL}/logo").status_code == 401
