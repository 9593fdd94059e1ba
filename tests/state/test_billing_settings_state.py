"""Settings → Billing handlers: admins edit the settings and the logo with clear
messages for bad input (and nothing changes); members and viewers read only."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import reflex as rx
from PIL import Image
from sqlmodel import select
from starlette.datastructures import Headers

from tests.conftest import make_actor
from tests.state.conftest import call, new_state, toast_text
from updoot_app import db
from updoot_app.models import AuthSession, BillingLogo, BillingSettings, Membership
from updoot_app.services.billing import logo
from updoot_app.state.billing.billing_settings_state import BillingSettingsState

GOOD = {"quote_prefix": "qt", "invoice_prefix": "FAC", "payment_terms_days": "14",
        "address": "1 Main St\nSpringfield", "locale": "de_DE", "win_deal_on_accept": "on"}


def png(size=(300, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name: str = "logo.png"):
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name),
                         headers=Headers({"content-type": "image/png"}))


def page(actor):
    state = new_state(BillingSettingsState, actor.token)
    call(state, "load")
    return state


def stored(workspace_id: int) -> BillingSettings | None:
    with db.session_scope() as s:
        return s.get(BillingSettings, workspace_id)


def member_of(owner, role: str):
    other = make_actor(f"{role}@example.com", f"{role} home")
    with db.session_scope() as s:
        s.add(Membership(workspace_id=owner.workspace_id, user_id=other.user_id, role=role))
        auth = s.exec(select(AuthSession).where(AuthSession.user_id == other.user_id)).one()
        auth.workspace_id = owner.workspace_id
        s.add(auth)
    return other


def test_owner_sees_defaults_then_saves(alice):
    state = page(alice)
    assert (state.quote_prefix, state.invoice_prefix, state.payment_terms_days,
            state.locale, state.win_deal_on_accept, state.logo_url) == (
        "Q", "INV", "30", "en_US", True, "")
    assert "Q-" in state.number_example and "INV-" in state.number_example
    rev = state.rev
    assert "saved" in toast_text(call(state, "save", GOOD))
    row = stored(alice.workspace_id)
    assert (row.quote_prefix, row.invoice_prefix, row.payment_terms_days, row.address,
            row.locale, row.win_deal_on_accept) == ("QT", "FAC", 14, GOOD["address"],
                                                    "de_DE", True)
    assert state.quote_prefix == "QT" and state.billing_error == "" and state.rev > rev
    # an unticked checkbox is absent from the form
    call(state, "save", {k: v for k, v in GOOD.items() if k != "win_deal_on_accept"})
    assert stored(alice.workspace_id).win_deal_on_accept is False
    assert state.win_deal_on_accept is False



def test_seller_details_and_reverse_charge(alice):
    state = page(alice)
    assert (state.credit_note_prefix, state.reverse_charge) == ("CN", False)
    assert "CN-" in state.number_example
    call(state, "save", {**GOOD, "credit_note_prefix": "gs", "legal_name": "Acme GmbH",
                         "tax_id": "de 123", "registration_number": "HRB 1", "country": "DE",
                         "reverse_charge": "on",
                         "reverse_charge_reason": "Steuerschuldnerschaft des Leistungsempfängers"})
    assert state.billing_error == ""
    row = stored(alice.workspace_id)
    assert (row.credit_note_prefix, row.legal_name, row.tax_id, row.registration_number,
            row.country, row.reverse_charge) == ("GS", "Acme GmbH", "DE123", "HRB 1", "DE",
                                                 True)
    assert state.tax_id == "DE123" and "GS-" in state.number_example
    call(state, "save", {**GOOD, "tax_id": "no way!"})
    assert "tax ID" in state.billing_error
    assert stored(alice.workspace_id).tax_id == "DE123"


@pytest.mark.parametrize("change, message", [
    ({"quote_prefix": "Q 1"}, "letters, digits"),
    ({"invoice_prefix": ""}, "Prefix"),
    ({"payment_terms_days": "soon"}, "number of days"),
    ({"payment_terms_days": "400"}, "0 to 365"),
    ({"locale": "xx_NOPE"}, "Unknown locale"),
    ({"address": "x" * 501}, "Address"),
    ({"win_deal_on_accept": "maybe"}, "on or off"),
])
def test_bad_input_gets_a_message_and_changes_nothing(alice, change, message):
    state = page(alice)
    call(state, "save", GOOD)
    before = stored(alice.workspace_id).model_dump()
    # the good fields of the same form are not saved either
    form = {**GOOD, "address": "Somewhere else", "quote_prefix": "NEW", **change}
    assert call(state, "save", form) is None
    assert message in state.billing_error
    assert stored(alice.workspace_id).model_dump() == before


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_read_but_cannot_change(alice, role):
    other = member_of(alice, role)
    state = page(other)
    assert state.quote_prefix == "Q" and not state.can_admin
    assert "Only an admin" in toast_text(call(state, "save", GOOD))
    assert stored(alice.workspace_id) is None
    assert "Only an admin" in toast_text(call(state, "upload_logo", [upload(png())]))
    with db.session_scope() as s:
        assert s.get(BillingLogo, alice.workspace_id) is None
    call(page(alice), "upload_logo", [upload(png())])
    assert "Only an admin" in toast_text(call(state, "remove_logo"))
    with db.session_scope() as s:
        assert s.get(BillingLogo, alice.workspace_id) is not None


def test_logo_upload_preview_and_removal(alice, bob):
    state = page(alice)
    assert "Logo saved" in toast_text(call(state, "upload_logo", [upload(png())]))
    assert state.logo_url.startswith("data:image/png;base64,") and state.logo_error == ""
    assert page(alice).logo_url == state.logo_url
    assert page(bob).logo_url == ""  # another workspace
    call(state, "remove_logo")
    assert state.logo_url == ""
    with db.session_scope() as s:
        assert s.get(BillingLogo, alice.workspace_id) is None


@pytest.mark.parametrize("contents, message", [
    ([], "Choose one PNG or JPEG file."),
    ("not a list", "Choose one PNG or JPEG file."),
    ([b"GIF89a not really", b"x"], "Choose one PNG or JPEG file."),
    ([b"%PDF-1.4 pretending"], logo.NOT_AN_IMAGE),
    ([b"\0" * (logo.MAX_LOGO_BYTES + 10)], "larger than 512 KB"),
])
def test_bad_logo_files_are_refused(alice, contents, message):
    state = page(alice)
    call(state, "upload_logo", [upload(png())])
    kept = state.logo_url
    files = [upload(c) for c in contents] if isinstance(contents, list) else contents
    assert call(state, "upload_logo", files) is None
    assert state.logo_error == message or message in state.logo_error
    assert state.logo_url == kept
    with db.session_scope() as s:
        assert s.get(BillingLogo, alice.workspace_id).width == 300
