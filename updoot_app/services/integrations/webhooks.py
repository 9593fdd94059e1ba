"""Managing webhooks: add (the secret is shown once, in the answer of this call
only), change the URL, events or on/off switch, delete, send a test event.

Only owners and admins manage them: an endpoint receives the workspace's data.
A URL must be http(s) and every address its host resolves to must be public
(not loopback, link-local, private, reserved or multicast), so that Updoot cannot
be made to call services of its own network (SSRF); a deployment may allow them
with UPDOOT_WEBHOOKS_ALLOW_PRIVATE=1 (a receiver on the LAN, the tests). The
check runs again before every delivery (webhook_delivery.py): a name may resolve
elsewhere later.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session

from updoot_app.models import Webhook
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.integrations import webhook_events
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_text, reject_unknown
from updoot_app.services.platform.workspace_rows import get_in_workspace
from updoot_app.settings import load_settings

SECRET_PREFIX = "whsec_"
MAX_URL = 2000


@dataclass(frozen=True)
class Created:
    """A new webhook and its secret: the only time the secret leaves the server."""

    webhook: Webhook
    secret: str


def new_secret() -> str:
    """Standard Webhooks form: "whsec_" + base64 of 32 random bytes (the HMAC key)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


# --- the URL ------------------------------------------------------------------------------

def _resolve(host: str, port: int) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, port,
                                                                  type=socket.SOCK_STREAM)})
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError("url", f"The host {host} could not be resolved.") from exc


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(raw: object, *, allow_private: bool | None = None) -> str:
    """The cleaned URL, or ValidationError("url") saying why it is refused."""
    url = clean_text(raw, "url", "The URL", max_len=MAX_URL)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValidationError("url", "The URL must start with http:// or https://.")
    if not parts.hostname:
        raise ValidationError("url", "The URL has no host.")
    if parts.username or parts.password:
        raise ValidationError("url", "The URL must not carry a user name or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValidationError("url", "The URL's port is not a number.") from exc
    if allow_private is None:
        allow_private = load_settings().webhooks_allow_private
    if not allow_private:
        refused = [a for a in _resolve(parts.hostname, port) if not _is_public(a)]
        if refused:
            raise ValidationError(
                "url", f"{parts.hostname} resolves to {refused[0]}, a loopback, link-local "
                       "or private address: webhooks go to public addresses only.")
    return url


def clean_events(raw: object) -> list[str]:
    if not isinstance(raw, list | tuple) or not raw:
        raise ValidationError("events", "Choose at least one event.")
    chosen = []
    for value in raw:
        if value not in webhook_events.EVENT_TYPES:
            raise ValidationError("events", f"Unknown event {value!r}.")
        if value not in chosen:
            chosen.append(value)
    return [t for t in webhook_events.EVENT_TYPES if t in chosen]


# --- commands -----------------------------------------------------------------------------

FIELDS = {"url", "events", "description", "enabled"}


def _get(session: Session, principal: Principal, webhook_id: object) -> Webhook:
    return get_in_workspace(session, Webhook, principal.workspace_id, webhook_id, "Webhook",
                            "webhook_id")


def create_webhook(session: Session, principal: Principal, data: Mapping[str, Any]) -> Created:
    principal.require("admin")
    reject_unknown(data, FIELDS - {"enabled"})
    events = clean_events(data.get("events"))     # before the URL: no DNS for bad input
    url = check_url(data.get("url"))
    description = clean_text(data.get("description"), "description", "The description",
                             max_len=200, required=False)
    secret = new_secret()
    row = Webhook(workspace_id=principal.workspace_id, url=url, events=events,
                  description=description, secret=secret, created_by=principal.user_id)
    session.add(row)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="webhook.create", entity_type="webhook", entity_id=row.id,
                 summary=f"Added a webhook to {url}")
    return Created(row, secret)


def update_webhook(session: Session, principal: Principal, webhook_id: object,
                   data: Mapping[str, Any]) -> Webhook:
    """Change the URL, events, description or switch it on/off. Switching on
    clears the failure count and the notice of why it was off."""
    principal.require("admin")
    reject_unknown(data, FIELDS)
    row = _get(session, principal, webhook_id)
    if "url" in data:
        row.url = check_url(data["url"])
    if "events" in data:
        row.events = clean_events(data["events"])
    if "description" in data:
        row.description = clean_text(data["description"], "description", "The description",
                                     max_len=200, required=False)
    if "enabled" in data:
        if not isinstance(data["enabled"], bool):
            raise ValidationError("enabled", "Enabled must be true or false.")
        if data["enabled"] and not row.enabled:
            row.consecutive_failures = 0
            row.disabled_reason = None
        elif not data["enabled"] and row.enabled:
            row.disabled_reason = "Turned off by a person."
        row.enabled = data["enabled"]
    row.updated_at = utcnow()
    session.add(row)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="webhook.update", entity_type="webhook", entity_id=row.id,
                 summary=f"Changed the webhook to {row.url}")
    session.flush()
    return row


def delete_webhook(session: Session, principal: Principal, webhook_id: object) -> None:
    """The endpoint and its delivery log go (a queued delivery is never sent)."""
    principal.require("admin")
    row = _get(session, principal, webhook_id)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="webhook.delete", entity_type="webhook", entity_id=row.id,
                 summary=f"Deleted the webhook to {row.url}")
    session.delete(row)
    session.flush()


def send_test(session: Session, principal: Principal, webhook_id: object) -> int:
    """Queue a `webhook.test` delivery to this endpoint (even if it is off, so a
    person can check a fixed receiver before switching it on); its id."""
    principal.require("admin")
    row = _get(session, principal, webhook_id)
    return webhook_events.write_test(session, row)
