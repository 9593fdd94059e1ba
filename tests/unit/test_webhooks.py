"""Webhooks: managing endpoints (roles, URL checks against SSRF, the secret shown
once) and which actions write deliveries, in the action's transaction."""

from __future__ import annotations

import dataclasses
import json
import socket
from datetime import date, timedelta

import pytest

from tests.unit.billing_helpers import company_and_deal, new_invoice, principal
from tests.unit.webhook_helpers import add_hook, deliver_all, deliveries
from tests.webhook_receiver import verify
from updoot_app import db
from updoot_app.services.billing import invoices
from updoot_app.services.crm import deal_moves, deals
from updoot_app.services.crm.stages import list_stages
from updoot_app.services.integrations import (
    webhook_events,
    webhook_overdue,
    webhook_reads,
    webhooks,
)
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError


def stage_id(actor, kind):
    with db.session_scope() as s:
        return next(st.id for st in list_stages(s, actor.workspace_id) if st.kind == kind)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/x", "http://localhost:8080/", "http://10.0.0.5/", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://[fe80::1]/",
    "http://172.16.0.1/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/"])
def test_private_loopback_and_link_local_urls_are_refused(url):
    with pytest.raises(ValidationError) as err:
        webhooks.check_url(url, allow_private=False)
    assert err.value.field == "url"


def test_a_hostname_resolving_to_loopback_is_refused(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 443))])
    with pytest.raises(ValidationError, match="127.0.0.1"):
        webhooks.check_url("https://rebind.example.com/hook", allow_private=False)


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "example.com",
                                 "http://user:pw@example.com/", "", None, 7])
def test_only_http_urls_are_taken(url):
    with pytest.raises(ValidationError):
        webhooks.check_url(url, allow_private=True)


def test_a_public_address_passes_and_the_setting_allows_private(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))])
    assert webhooks.check_url("https://hooks.example.com/x", allow_private=False)
    monkeypatch.setenv("UPDOOT_WEBHOOKS_ALLOW_PRIVATE", "1")
    assert webhooks.check_url("http://127.0.0.1:9/x") == "http://127.0.0.1:9/x"


def test_the_secret_is_shown_once_and_never_read_back(alice, receiver):
    created = add_hook(alice, receiver.url)
    assert created.secret.startswith("whsec_")
    with db.session_scope() as s:
        listed = webhook_reads.list_webhooks(s, alice.workspace_id)
        one = webhook_reads.one_webhook(s, alice.workspace_id, created.webhook.id)
    assert created.secret not in json.dumps([listed, one], default=str)
    assert "secret" not in one and all("secret" not in w for w in listed)


def test_only_owners_and_admins_manage_and_other_workspaces_see_nothing(alice, bob,
                                                                        receiver):
    created = add_hook(alice, receiver.url)
    with db.session_scope() as s, pytest.raises(NotFound):
        webhooks.update_webhook(s, principal(bob), created.webhook.id, {"enabled": False})
    with db.session_scope() as s, pytest.raises(NotFound):
        webhook_reads.one_webhook(s, bob.workspace_id, created.webhook.id)
    for role in ("member", "viewer"):
        someone = dataclasses.replace(principal(alice), role=role)
        with db.session_scope() as s, pytest.raises(Forbidden):
            webhooks.create_webhook(s, someone, {"url": receiver.url, "events": ["deal.won"]})
        with db.session_scope() as s, pytest.raises(Forbidden):
            webhooks.delete_webhook(s, someone, created.webhook.id)


def test_events_must_be_known_and_chosen(alice, receiver):
    for events in ([], ["deal.wonn"], "deal.won", None):
        with db.session_scope() as s, pytest.raises(ValidationError) as err:
            webhooks.create_webhook(s, principal(alice), {"url": receiver.url, "events": events})
        assert err.value.field == "events"


def test_a_won_deal_on_the_board_writes_one_signed_delivery(alice, receiver):
    created = add_hook(alice, receiver.url, ["deal.won", "deal.lost"])
    _, deal_id = company_and_deal(alice)
    with db.connection_scope(write=True) as conn:      # the board's driver transaction
        deal_moves.move(conn, principal(alice), deal_id, stage_id(alice, "won"))
    [row] = deliveries()
    assert row.event_type == "deal.won" and row.status == "queued"
    assert [o.status for o in deliver_all()] == ["delivered"]
    [got] = receiver.received
    assert verify(created.secret, got.headers, got.body)
    body = json.loads(got.body)
    assert body["type"] == "deal.won" and body["id"] == got.headers["webhook-id"]
    assert body["data"]["id"] == deal_id and body["data"]["value"] == "100.00"
    forged = dict(got.headers, **{"webhook-timestamp": str(int(got.headers[
        "webhook-timestamp"]) + 1)})
    assert not verify(created.secret, forged, got.body)


def test_a_rolled_back_action_writes_no_delivery(alice, receiver):
    add_hook(alice, receiver.url, ["deal.stage_changed"])
    _, deal_id = company_and_deal(alice)
    with pytest.raises(RuntimeError), db.session_scope() as s:
        deals.move_stage(s, principal(alice), deal_id, stage_id(alice, "won"))
        raise RuntimeError("boom")
    assert deliveries() == []


def test_only_chosen_events_of_enabled_endpoints_are_written(alice, receiver):
    wanted = add_hook(alice, receiver.url, ["deal.created", "company.created"])
    other = add_hook(alice, receiver.url, ["invoice.paid"])
    off = add_hook(alice, receiver.url, ["deal.created"])
    with db.session_scope() as s:
        webhooks.update_webhook(s, principal(alice), off.webhook.id, {"enabled": False})
    company_and_deal(alice)
    assert [d.event_type for d in deliveries(wanted.webhook.id)] == ["company.created",
                                                                     "deal.created"]
    assert deliveries(other.webhook.id) == [] and deliveries(off.webhook.id) == []


def test_send_test_and_delete(alice, receiver):
    created = add_hook(alice, receiver.url)
    with db.session_scope() as s:
        webhooks.send_test(s, principal(alice), created.webhook.id)
    assert [o.status for o in deliver_all()] == ["delivered"]
    assert json.loads(receiver.received[0].body)["type"] == "webhook.test"
    with db.session_scope() as s:
        webhooks.delete_webhook(s, principal(alice), created.webhook.id)
    assert deliveries() == []


def test_an_overdue_invoice_is_announced_once_per_endpoint(alice, receiver):
    created = add_hook(alice, receiver.url, ["invoice.overdue"])
    due = date.today() + timedelta(days=1)
    iid = new_invoice(alice, issue_date=date.today().isoformat(), due_date=due.isoformat())
    invoices.finalise(principal(alice), iid)
    assert webhook_overdue.emit_overdue(due) == 0                 # not past due yet
    assert webhook_overdue.emit_overdue(due + timedelta(days=3)) == 1
    assert webhook_overdue.emit_overdue(due + timedelta(days=4)) == 0
    [row] = deliveries(created.webhook.id)
    assert row.event_type == "invoice.overdue" and row.entity_id == iid
    assert [o.status for o in deliver_all()] == ["delivered"]
    assert json.loads(receiver.received[0].body)["data"]["id"] == iid


def test_deliveries_are_handed_to_the_queue_after_commit_only(alice, receiver, monkeypatch):
    handed: list[int] = []
    monkeypatch.setattr(webhook_events, "_dispatcher", handed.append)
    add_hook(alice, receiver.url, ["deal.stage_changed"])
    _, deal_id = company_and_deal(alice)
    with db.session_scope() as s:                       # a deal page / API move (ORM session)
        deals.move_stage(s, principal(alice), deal_id, stage_id(alice, "won"))
        assert handed == []
    assert len(handed) == 1
    with db.connection_scope(write=True) as conn:       # the board (driver transaction)
        deal_moves.move(conn, principal(alice), deal_id, stage_id(alice, "open"))
        assert len(handed) == 1
    assert len(handed) == 2
    with pytest.raises(RuntimeError), db.connection_scope(write=True) as conn:
        deal_moves.move(conn, principal(alice), deal_id, stage_id(alice, "won"))
        raise RuntimeError("boom")
    assert len(handed) == 2 and len(deliveries()) == 2


def test_the_job_queue_installs_the_listener():
    from updoot_app.jobs import tasks  # noqa: F401 - the import is what is tested
    from updoot_app.services.platform import activity

    assert activity.has_listener(webhook_events.on_activity)
