"""The webhooks API: the secret in the 201 answer only, 422 naming the field,
403 for members and viewers, 404 across workspaces, the delivery log with
status codes after a signed delivery to a receiver on loopback."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import bearer
from tests.api.test_api_mail import other_role
from tests.unit.billing_helpers import company_and_deal
from tests.unit.webhook_helpers import deliver_all
from tests.webhook_receiver import verify

W = "/api/v1/webhooks"


@pytest.fixture
def h(alice, api_token):
    return bearer(api_token(alice))


def test_create_shows_the_secret_once_and_lists_never_do(client, alice, h, receiver):
    r = client.post(W, headers=h, json={"url": receiver.url, "events": ["company.created"],
                                        "description": "sync"})
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["secret"]
    assert secret.startswith("whsec_") and created["events"] == ["company.created"]
    wid = created["id"]
    for path in (W, f"{W}/{wid}"):
        got = client.get(path, headers=h)
        assert got.status_code == 200 and secret not in got.text and "secret" not in got.text
    patched = client.patch(f"{W}/{wid}", headers=h, json={"enabled": False})
    assert patched.status_code == 200 and patched.json()["enabled"] is False
    assert "secret" not in patched.text


def test_a_company_created_is_delivered_signed_and_logged(client, alice, h, receiver):
    created = client.post(W, headers=h, json={"url": receiver.url,
                                              "events": ["company.created"]}).json()
    company_id, _ = company_and_deal(alice)
    assert [o.status for o in deliver_all()] == ["delivered"]
    [got] = receiver.received
    assert verify(created["secret"], got.headers, got.body)
    body = json.loads(got.body)
    assert body["type"] == "company.created" and body["data"]["id"] == company_id
    log = client.get(f"{W}/{created['id']}/deliveries", headers=h).json()
    assert log["total"] == 1
    assert log["items"][0]["status"] == "delivered"
    assert log["items"][0]["response_status"] == 200
    test = client.post(f"{W}/{created['id']}/test", headers=h)
    assert test.status_code == 202 and test.json()["delivery_id"]


@pytest.mark.parametrize(("payload", "field"), [
    ({"url": "ftp://example.com", "events": ["deal.won"]}, "url"),
    ({"url": "http://127.0.0.1:1/x", "events": ["deal.won"]}, "url"),
    ({"url": "https://example.com", "events": ["nope"]}, "events"),
    ({"url": "https://example.com", "events": []}, "events"),
    ({"url": "https://example.com", "events": ["deal.won"], "secret": "x"}, "secret"),
])
def test_bad_input_is_422_naming_the_field(client, alice, h, payload, field):
    r = client.post(W, headers=h, json=payload)
    assert r.status_code == 422, r.text
    assert field in r.text


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_get_403(client, alice, h, api_token, role):
    headers = other_role(alice, api_token, role)
    assert client.get(W, headers=headers).status_code == 403
    assert client.post(W, headers=headers, json={"url": "https://example.com",
                                                 "events": ["deal.won"]}).status_code == 403


def test_another_workspace_gets_404(client, alice, bob, h, api_token, receiver):
    wid = client.post(W, headers=h, json={"url": receiver.url,
                                          "events": ["deal.won"]}).json()["id"]
    other = bearer(api_token(bob))
    for method, path in (("get", f"{W}/{wid}"), ("patch", f"{W}/{wid}"),
                         ("delete", f"{W}/{wid}"), ("get", f"{W}/{wid}/deliveries"),
                         ("post", f"{W}/{wid}/test")):
        kwargs = {"json": {"enabled": False}} if method == "patch" else {}
        assert getattr(client, method)(path, headers=other, **kwargs).status_code == 404
    assert client.delete(f"{W}/{wid}", headers=h).status_code == 204
    assert client.get(f"{W}/{wid}", headers=h).status_code == 404
