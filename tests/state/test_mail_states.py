"""Email handlers: the "Send by email" dialog and mail history of a quote or an
invoice, and Settings → Email. Bad or hostile input gets a message in the form
and changes nothing; viewers and other workspaces are refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from tests.conftest import make_actor
from tests.state.conftest import call, new_state, toast_text
from tests.unit.billing_helpers import (
    invoice_data,
    new_invoice,
    new_quote,
    quote_data,
    seed_people,
)
from tests.unit.mail_helpers import deliver_all, link_in, outbox_rows
from updoot_app import db
from updoot_app.models import AuthSession, MailSettings, Membership
from updoot_app.services.mail import drafts, templates
from updoot_app.state.mail.document_mail_state import DocumentMailState
from updoot_app.state.mail.email_settings_state import EmailSettingsState

YEAR = date.today().year


@pytest.fixture
def people(alice, bob):
    return seed_people(alice, bob)


def mail_state(actor, kind: str, doc_id) -> DocumentMailState:
    state = new_state(DocumentMailState, actor.token)
    state.router.page.params[f"{kind}_id"] = str(doc_id)
    call(state, "load")
    return state


def form_of(state) -> dict:
    return {"to": state.mail_to, "cc": state.mail_cc, "subject": state.mail_subject,
            "message": state.mail_message}


def joined_as(owner, role: str):
    other = make_actor(f"{role}@example.com", f"{role} home")
    with db.session_scope() as s:
        s.add(Membership(workspace_id=owner.workspace_id, user_id=other.user_id, role=role))
        auth = s.exec(select(AuthSession).where(AuthSession.user_id == other.user_id)).one()
        auth.workspace_id = owner.workspace_id
        s.add(auth)
    return other


def test_a_quote_is_sent_from_the_prefilled_dialog(alice, people, smtp_sink):
    qid = new_quote(alice, company_id=people["acme"], contact_id=people["jane"])
    state = mail_state(alice, "quote", qid)
    assert state.history == [] and state.smtp_hint == ""
    call(state, "open_dialog")
    number = f"Q-{YEAR}-0001"
    assert state.dialog_open and state.mail_to == "jane@acme.io" and state.mail_cc == ""
    assert state.mail_subject == f"Quote {number} from Alice Co"
    assert "Hello Jane Doe" in state.mail_message and drafts.LINK_NOTE in state.mail_message
    form = {**form_of(state), "to": "jane@acme.io, boss@acme.io"}
    result = call(state, "send", form)
    assert "queued" in toast_text(result)
    assert not state.dialog_open and state.mail_error == ""
    assert [r["status_label"] for r in state.history] == ["Queued"]
    assert quote_data(alice, qid)["status"] == "sent"
    deliver_all()
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "jane@acme.io, boss@acme.io"
    body = message.get_body(("plain",)).get_content()
    assert drafts.LINK_NOTE not in body and "/q/" in link_in(body)
    call(state, "refresh")
    (row,) = state.history
    assert row["status"] == "sent" and row["sent_at"].endswith("UTC") and row["can_retry"] == ""


def test_a_draft_invoice_sent_by_email_is_finalised(alice, people, smtp_sink):
    iid = new_invoice(alice, company_id=people["acme"], contact_id=people["jane"])
    state = mail_state(alice, "invoice", iid)
    call(state, "open_dialog")
    assert drafts.NUMBER_NOTE in state.mail_subject
    call(state, "send", form_of(state))
    number = f"INV-{YEAR}-0001"
    assert invoice_data(alice, iid)["number"] == number
    assert invoice_data(alice, iid)["status"] == "sent"
    deliver_all()
    assert smtp_sink.wait_for(1)[0]["Subject"] == f"Invoice {number} from Alice Co"


@pytest.mark.parametrize("form, words", [
    ({"to": "not-an-address"}, "email"),
    ({"to": ""}, "at least one recipient"),
    ({"to": "a@example.com", "cc": "x@y"}, "email"),
    ({"to": "a@example.com", "subject": "Hi\r\nBcc: evil@example.com"}, "line breaks"),
    ({"to": "a@example.com", "message": ""}, None),      # blank: the template applies
    ({"to": 5}, "list of email addresses"),
    ({"to": "a@example.com", "bcc": "b@example.com", "mail_to": "c@example.com"}, None),
    ({"to": "a@example.com", "subject": {"x": 1}}, "must be text"),
    ("not a form", "Fill in the form"),
])
def test_bad_input_is_said_in_the_dialog_and_changes_nothing(alice, smtp_sink, form, words):
    qid = new_quote(alice)
    state = mail_state(alice, "quote", qid)
    call(state, "open_dialog")
    call(state, "send", form)
    if words is None:   # the control: the same handler sends a good form (only its fields)
        (row,) = outbox_rows()
        assert (row.to_addrs, row.cc_addrs) == ("a@example.com", "") and not state.dialog_open
        return
    assert words.lower() in state.mail_error.lower() and state.dialog_open
    assert outbox_rows() == [] and quote_data(alice, qid)["status"] == "draft"


def test_without_smtp_the_dialog_says_what_to_set(alice, monkeypatch):
    monkeypatch.delenv("UPDOOT_SMTP_URL", raising=False)
    iid = new_invoice(alice)
    state = mail_state(alice, "invoice", iid)
    assert "UPDOOT_SMTP_URL" in state.smtp_hint
    call(state, "open_dialog")
    call(state, "send", {"to": "a@example.com"})
    assert "UPDOOT_SMTP_URL" in state.mail_error and "UPDOOT_MAIL_FROM" in state.mail_error
    assert outbox_rows() == [] and invoice_data(alice, iid)["status"] == "draft"


def test_viewers_see_the_history_but_cannot_send_or_retry(alice, smtp_sink):
    qid = new_quote(alice)
    call(mail_state(alice, "quote", qid), "send", {"to": "a@example.com"})
    viewer = joined_as(alice, "viewer")
    state = mail_state(viewer, "quote", qid)
    assert len(state.history) == 1
    for handler, args in (("open_dialog", ()), ("send", ({"to": "b@example.com"},)),
                          ("retry", (state.history[0]["id"],))):
        assert "read-only" in toast_text(call(state, handler, *args))
    assert len(outbox_rows()) == 1 and not state.dialog_open


def test_another_workspaces_document_is_not_found(alice, bob, smtp_sink):
    qid = new_quote(alice)
    call(mail_state(alice, "quote", qid), "send", {"to": "a@example.com"})
    state = mail_state(bob, "quote", qid)
    assert state.history == []
    assert "not found" in toast_text(call(state, "open_dialog")).lower()
    assert "not found" in toast_text(call(state, "send", {"to": "b@example.com"})).lower()
    oid = str(outbox_rows()[0].id)
    assert "not found" in toast_text(call(state, "retry", oid)).lower()
    assert len(outbox_rows()) == 1 and state.mail_to == ""


def test_a_failed_message_shows_the_reason_and_is_retried(alice, smtp_sink):
    smtp_sink.mode = "reject"
    iid = new_invoice(alice)
    state = mail_state(alice, "invoice", iid)
    call(state, "send", {"to": "a@example.com"})
    deliver_all()
    call(state, "refresh")
    (row,) = state.history
    assert row["status"] == "failed" and "refused by policy" in row["last_error"]
    assert row["can_retry"] == "true"
    smtp_sink.mode = "ok"
    call(state, "retry", row["id"])
    assert state.history[0]["status"] == "queued"
    deliver_all()
    call(state, "refresh")
    assert state.history[0]["status"] == "sent" and len(smtp_sink.wait_for(1)) == 1


# --- Settings → Email ------------------------------------------------------------------

def settings_page(actor) -> EmailSettingsState:
    state = new_state(EmailSettingsState, actor.token)
    call(state, "load")
    return state


def test_settings_show_the_server_send_a_test_and_list_the_outbox(alice, smtp_sink):
    state = settings_page(alice)
    assert state.smtp_ready and f"127.0.0.1:{smtp_sink.port}" in state.smtp_text
    assert state.test_to == alice.email and state.messages == []
    call(state, "send_test", {"to": "ops@example.com"})
    assert [m["document"] for m in state.messages] == ["Test email"]
    deliver_all()
    assert smtp_sink.wait_for(1)[0]["To"] == "ops@example.com"
    call(state, "refresh")
    assert state.messages[0]["status"] == "sent" and state.messages[0]["attempts"] == "1"
    qid = new_quote(alice)
    call(mail_state(alice, "quote", qid), "send", {"to": "a@example.com"})
    call(state, "refresh")
    assert state.messages[0]["document"] == f"Quote Q-{YEAR}-0001"
    assert state.messages[0]["document_href"] == f"/quotes/{qid}" and state.total == 2
    call(state, "go_page", "not a number")
    assert state.page == 1 and len(state.messages) == 2


def test_settings_without_smtp_say_what_to_set(alice, monkeypatch):
    monkeypatch.delenv("UPDOOT_SMTP_URL", raising=False)
    state = settings_page(alice)
    assert not state.smtp_ready and "UPDOOT_SMTP_URL" in state.smtp_text
    call(state, "send_test", {"to": "ops@example.com"})
    assert "UPDOOT_MAIL_FROM" in state.test_error and outbox_rows() == []


@pytest.mark.parametrize("form", [{"to": "nobody"}, {"to": ["a@b.c", 3]}, "x", {"to": None}])
def test_a_bad_test_address_is_refused(alice, smtp_sink, form):
    state = settings_page(alice)
    call(state, "send_test", form)
    assert state.test_error and outbox_rows() == []


def test_admins_edit_the_templates(alice, smtp_sink):
    state = settings_page(alice)
    assert state.quote_subject == templates.DEFAULTS["quote_subject"]
    assert "{link}" in [p["name"] for p in state.placeholders]
    form = {"quote_subject": "{company}: quote {number}", "quote_body": state.quote_body,
            "invoice_subject": state.invoice_subject, "invoice_body": state.invoice_body}
    call(state, "save_templates", {**form, "quote_body": "Hi {contatc}"})
    assert "{contatc}" in state.templates_error
    with db.session_scope() as s:
        assert s.get(MailSettings, alice.workspace_id) is None
    call(state, "save_templates", form)
    assert state.templates_error == "" and state.quote_subject == "{company}: quote {number}"
    call(state, "save_templates", {**form, "bcc": "x"})       # unknown keys are not read
    call(state, "save_templates", "not a form")
    assert state.templates_error
    call(state, "restore_defaults")
    assert state.quote_subject == templates.DEFAULTS["quote_subject"]


def test_members_and_viewers_cannot_change_templates_or_send_tests(alice, smtp_sink):
    for role in ("member", "viewer"):
        other = joined_as(alice, role)
        state = settings_page(other)
        assert state.quote_subject == templates.DEFAULTS["quote_subject"]
        for handler, args in (("send_test", ({"to": "a@example.com"},)),
                              ("save_templates", ({"quote_subject": "Hi"},)),
                              ("restore_defaults", ())):
            assert "Only an admin" in toast_text(call(state, handler, *args))
    assert outbox_rows() == []
    with db.session_scope() as s:
        assert s.get(MailSettings, alice.workspace_id) is None


def test_the_trigger_opens_the_dialog_through_open_dialog_and_closing_clears_it(alice, people):
    """The "Send by email" button is the dialog's Radix trigger (so the focus comes
    back to it on close): its on_open_change(True) hands over to open_dialog,
    which reads the draft and checks the role; False closes and clears."""
    qid = new_quote(alice, company_id=people["acme"], contact_id=people["jane"])
    state = mail_state(alice, "quote", qid)
    asked = call(state, "set_dialog_open", True)
    assert asked.fn is DocumentMailState.event_handlers["open_dialog"].fn
    assert not state.dialog_open and state.mail_to == ""
    call(state, "open_dialog")
    assert state.dialog_open and state.mail_to == "jane@acme.io"
    state.mail_error = "Fill in the form."
    assert call(state, "set_dialog_open", False) is None
    assert not state.dialog_open and state.mail_error == ""
