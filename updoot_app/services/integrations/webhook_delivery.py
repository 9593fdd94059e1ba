"""Delivering a webhook: claim, compose, sign, POST, record.

Guarantee: AT LEAST ONCE per delivery (unlike email, a receiver tells a repeat by
its `webhook-id` header, which never changes). The claim is one atomic UPDATE
(queued -> sending), so two workers never send one delivery at the same time; a
row a dead process left "sending" longer than LEASE is queued again.

Signing follows Standard Webhooks (https://www.standardwebhooks.com): headers
`webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature:
v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, the key being the base64
after "whsec_" in the secret.

Outcomes: 2xx delivered; 410 Gone disables the endpoint (the receiver said it is
gone); anything else (refused connection, timeout, 3xx, 4xx, 5xx) is retried with
exponential backoff, MAX_ATTEMPTS in all, then failed. DISABLE_AFTER deliveries
failed in a row switch the endpoint off with a notice (Settings and the API show
it; a person switches it on again). Each delivery is its own job with a TIMEOUT_S
bound, so a slow or dead receiver never holds up the deliveries behind it.

These functions take no session: each step commits on its own (the claim before
the network call, the outcome after it; platform/delivery_attempts.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

import httpx

from updoot_app import db
from updoot_app.models import Webhook, WebhookDelivery
from updoot_app.models.types import utcnow
from updoot_app.services.integrations import webhook_bodies
from updoot_app.services.integrations.webhook_events import TEST_EVENT
from updoot_app.services.integrations.webhooks import SECRET_PREFIX, check_url
from updoot_app.services.platform import activity, delivery_attempts
from updoot_app.services.platform.delivery_attempts import Outcome
from updoot_app.services.platform.errors import ValidationError

MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 30          # 30 s, 1, 2, 4, 8 min between attempts
TIMEOUT_S = 10.0
LEASE = timedelta(minutes=2)  # far above TIMEOUT_S: only a dead process leaves a row this long
DISABLE_AFTER = 5
USER_AGENT = "Updoot-Webhooks/1"


_attempts = delivery_attempts.Attempts(WebhookDelivery, BACKOFF_BASE_S)
_claim, _finish, backoff_s = _attempts.claim, _attempts.finish, _attempts.backoff_s


# --- signing ------------------------------------------------------------------------------

def sign(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` header's value."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, msg_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {"content-type": "application/json", "user-agent": USER_AGENT,
            "webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, msg_id, timestamp, body)}


# --- the steps ----------------------------------------------------------------------------

def _load(delivery_id: int) -> tuple[WebhookDelivery | None, Webhook | None]:
    """The delivery and its endpoint (None when the endpoint, and with it the
    delivery, was deleted meanwhile); the body composed and stored by the first
    attempt."""
    with db.session_scope(write=True) as session:
        row = session.get(WebhookDelivery, delivery_id)
        if row is None:
            return None, None
        hook = session.get(Webhook, row.webhook_id)
        if not row.body:
            row.body = webhook_bodies.compose(session, row)
            session.add(row)
        return row, hook


def _endpoint_result(webhook_id: int, *, ok: bool, gone: bool = False) -> None:
    """Count failed deliveries in a row; switch the endpoint off with a notice on
    410 or after DISABLE_AFTER of them."""
    with db.session_scope(write=True) as session:
        hook = session.get(Webhook, webhook_id)
        if hook is None:
            return
        hook.consecutive_failures = 0 if ok else hook.consecutive_failures + 1
        reason = None
        if gone:
            reason = "The receiver answered 410 Gone: it no longer wants deliveries."
        elif not ok and hook.consecutive_failures >= DISABLE_AFTER:
            reason = f"{hook.consecutive_failures} deliveries in a row failed."
        if reason and hook.enabled:
            hook.enabled = False
            hook.disabled_reason = reason
            activity.log(session, workspace_id=hook.workspace_id, user_id=None,
                         action="webhook.disabled", entity_type="webhook", entity_id=hook.id,
                         summary=f"Turned off the webhook to {hook.url}: {reason}")
        session.add(hook)


def post(url: str, body: str, head: dict[str, str]) -> int:
    """One POST; the status code, or raises httpx errors. Redirects are not followed
    (a redirect could point anywhere, past the address check), and the answer's
    body is never read: only its status line and headers, each read bounded by
    TIMEOUT_S, so a receiver cannot hold a worker by sending a long body slowly."""
    with httpx.Client(timeout=TIMEOUT_S, follow_redirects=False) as client, \
            client.stream("POST", url, content=body.encode(), headers=head) as response:
        return response.status_code


def deliver(delivery_id: int, *, now: datetime | None = None) -> Outcome:
    """Send one queued delivery if it is due and nobody else has it."""
    now = now or utcnow()
    if not _claim(delivery_id, now):
        return Outcome("skipped")
    row, hook = _load(delivery_id)
    if row is None:
        return Outcome("skipped")
    if hook is None or (not hook.enabled and row.event_type != TEST_EVENT):
        reason = "The webhook was turned off before this delivery was sent."
        _finish(delivery_id, status="failed", last_error=reason)
        return Outcome("failed", error=reason)
    code, error = None, None
    try:
        check_url(hook.url)
        stamp = int(utcnow().timestamp())
        code = post(hook.url, row.body, headers(hook.secret, row.event_id, stamp, row.body))
    except ValidationError as exc:
        error = f"Refused: {exc.message}"
    except httpx.TimeoutException:
        error = f"The receiver did not answer within {TIMEOUT_S:g} s."
    except httpx.HTTPError as exc:
        error = f"Could not reach the receiver: {exc}"
    if code is not None and 200 <= code < 300:
        _finish(delivery_id, status="delivered", delivered_at=utcnow(), response_status=code,
                last_error=None)
        _endpoint_result(hook.id, ok=True)
        return Outcome("delivered", response_status=code)
    if code is not None:
        error = f"The receiver answered {code}."
    if code == 410 or row.attempts >= MAX_ATTEMPTS:
        _finish(delivery_id, status="failed", response_status=code, last_error=error[:1000])
        _endpoint_result(hook.id, ok=False, gone=code == 410)
        return Outcome("failed", error=error, response_status=code)
    delay = backoff_s(row.attempts)
    _attempts.retry_later(delivery_id, delay, response_status=code, last_error=error[:1000])
    return Outcome("queued", retry_in_s=delay, error=error, response_status=code)


# --- the sweep ----------------------------------------------------------------------------

def due_delivery_ids(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Queued deliveries whose time has come (a hand-over after COMMIT that was
    lost, a retry whose job was lost, a row written without the queue)."""
    return _attempts.due_ids(now or utcnow(), limit)


def requeue_interrupted(now: datetime | None = None) -> int:
    """Deliveries left "sending" longer than LEASE by a process that died: queued
    again (at least once; the receiver dedupes by webhook-id). Returns how many."""
    now = now or utcnow()
    return _attempts.expire_leases(now, LEASE, status="queued", next_attempt_at=now,
                                   last_error="The sender stopped during this attempt; "
                                              "sent again.")
