"""Settings → Integrations handlers: an admin adds a webhook and sees its secret
once, bad input gets a message and writes nothing, a test event shows in the log
with its status code; members see nothing and are refused."""

from __future__ import annotations

import json

from tests.state.conftest import call, new_state, toast_text
from tests.state.test_mail_states import joined_as
from tests.unit.webhook_helpers import deliver_all, deliveries
from tests.webhook_receiver import verify
from updoot_app.state.integrations.webhooks_state import WebhooksState


def loaded(actor) -> WebhooksState:
    state = new_state(WebhooksState, actor.token)
    call(state, "load")
    return state


def test_an_admin_adds_a_webhook_sees_the_secret_once_and_tests_it(alice, receiver):
    state = loaded(alice)
    assert state.hooks == [] and len(state.event_options) == 12
    result = call(state, "add", {"url": receiver.url, "event:deal.won": "on",
                                 "event:invoice.paid": "on", "event:nope": "on"})
    assert state.add_error == "Unknown event 'nope'." and state.hooks == []
    result = call(state, "add", {"url": receiver.url, "event:deal.won": "on",
                                 "event:invoice.paid": "on"})
    assert "not shown again" in toast_text(result) and state.add_error == ""
    secret = state.new_secret
    assert secret.startswith("whsec_")
    [hook] = state.hooks
    assert hook["events"] == "Deal won, Invoice paid in full" and hook["status"] == "On"
    assert secret not in str(state.hooks)
    call(state, "send_test", hook["id"])
    assert state.log_id == hook["id"] and [d["status"] for d in state.deliveries] == ["queued"]
    deliver_all()
    call(state, "refresh")
    assert [(d["status"], d["code"]) for d in state.deliveries] == [("delivered", "200")]
    got = receiver.received[0]
    assert verify(secret, got.headers, got.body)
    again = loaded(alice)
    assert again.new_secret == "" and secret not in json.dumps(again.dict(), default=str)
    call(again, "toggle", hook["id"])
    assert again.hooks[0]["status"] == "Off" and again.hooks[0]["notice"]
    call(again, "delete", hook["id"])
    assert again.hooks == [] and deliveries() == []


def test_hostile_input_changes_nothing(alice, receiver):
    state = loaded(alice)
    for form in ("x", {"url": 7, "event:deal.won": "on"}, {"url": "ftp://x", "event:deal.won":
                                                           "on"}, {"url": receiver.url}):
        call(state, "add", form)
        assert state.add_error and state.hooks == []
    for bad in ("abc", "-1", "999999"):
        result = call(state, "delete", bad)
        assert toast_text(result)


def test_a_member_sees_nothing_and_is_refused(alice, receiver):
    admin = loaded(alice)
    call(admin, "add", {"url": receiver.url, "event:deal.won": "on"})
    member = joined_as(alice, "member")
    state = loaded(member)
    assert state.hooks == []
    result = call(state, "delete", admin.hooks[0]["id"])
    assert "Only" in toast_text(result)
    assert len(loaded(alice).hooks) == 1
