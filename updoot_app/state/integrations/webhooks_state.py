"""Settings → Integrations (/settings/integrations): the workspace's webhooks
(owners and admins add, switch on/off, test and delete them; the secret is shown
once, right after adding) and the delivery log of one of them, with the
receiver's status codes."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.integrations import webhook_reads, webhooks
from updoot_app.services.integrations.webhook_events import EVENT_LABELS
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard

EVENT_FIELD = "event:"      # form checkbox names: "event:deal.won"
STATUS_COLORS = {"delivered": "green", "queued": "amber", "failed": "red"}


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else ""


def hook_row(h: dict) -> dict[str, str]:
    return {"id": str(h["id"]), "url": h["url"],
            "events": ", ".join(EVENT_LABELS.get(e, e) for e in h["events"]),
            "enabled": "1" if h["enabled"] else "",
            "status": "On" if h["enabled"] else "Off",
            "notice": (h["disabled_reason"] or "") if not h["enabled"] else ""}


def delivery_row(d: dict) -> dict[str, str]:
    return {"id": str(d["id"]), "when": _when(d["created_at"]), "event": d["type"],
            "status": d["status"], "color": STATUS_COLORS.get(d["status"], "gray"),
            "code": str(d["response_status"] or ""), "attempts": str(d["attempts"]),
            "error": d["last_error"] or ""}


class WebhooksState(AppState):
    hooks: list[dict[str, str]] = []
    event_options: list[dict[str, str]] = [{"value": k, "label": v, "id": "ev-" + k.replace(
        ".", "-").replace("_", "-")} for k, v in EVENT_LABELS.items()]
    new_secret: str = ""          # only right after adding: never read back from the server
    add_error: str = ""
    log_id: str = ""
    log_url: str = ""
    deliveries: list[dict[str, str]] = []
    form_rev: int = 0

    def _read(self, p: Principal) -> None:
        if not p.can("admin"):
            self.hooks, self.deliveries = [], []
            return
        with db.session_scope() as session:
            self.hooks = [hook_row(h) for h in webhook_reads.list_webhooks(session,
                                                                           p.workspace_id)]
        if self.log_id and not any(h["id"] == self.log_id for h in self.hooks):
            self.log_id, self.log_url, self.deliveries = "", "", []
        self._read_log(p)

    def _read_log(self, p: Principal) -> None:
        if not self.log_id:
            return
        with db.session_scope() as session:
            rows, _ = webhook_reads.list_deliveries(session, p.workspace_id, self.log_id,
                                                    page=1, page_size=50)
        self.deliveries = [delivery_row(d) for d in rows]

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.new_secret, self.add_error = "", ""
        self.log_id, self.log_url, self.deliveries = "", "", []
        self._read(p)

    @rx.event
    @guard("admin")
    def refresh(self, p: Principal):
        self._read(p)

    @rx.event
    @guard("admin")
    def add(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            self.add_error = "Fill in the URL and choose events."
            return None
        url = form.get("url", "")
        events = [str(k)[len(EVENT_FIELD):] for k, v in form.items()
                  if isinstance(k, str) and k.startswith(EVENT_FIELD) and v]
        try:
            with db.session_scope() as session:
                created = webhooks.create_webhook(session, p, {"url": url, "events": events})
        except ValidationError as exc:
            self.add_error = exc.message
            return None
        self.add_error, self.new_secret = "", created.secret
        self.form_rev += 1
        self._read(p)
        return rx.toast.success("Webhook added. Copy its secret now: it is not shown again.")

    @rx.event
    @guard("admin")
    def dismiss_secret(self, p: Principal):
        self.new_secret = ""

    @rx.event
    @guard("admin")
    def toggle(self, p: Principal, webhook_id: str):
        with db.session_scope() as session:
            row = webhook_reads.get_webhook(session, p.workspace_id, webhook_id)
            webhooks.update_webhook(session, p, row.id, {"enabled": not row.enabled})
        self._read(p)

    @rx.event
    @guard("admin")
    def send_test(self, p: Principal, webhook_id: str):
        with db.session_scope() as session:
            row = webhook_reads.get_webhook(session, p.workspace_id, webhook_id)
            webhooks.send_test(session, p, row.id)
        self.log_id, self.log_url = str(row.id), row.url
        self._read(p)
        return rx.toast.success("Test event queued: it shows in the log in a moment.")

    @rx.event
    @guard("admin")
    def delete(self, p: Principal, webhook_id: str):
        with db.session_scope() as session:
            webhooks.delete_webhook(session, p, webhook_id)
        self._read(p)
        return rx.toast.success("Webhook deleted.")

    @rx.event
    @guard("admin")
    def show_log(self, p: Principal, webhook_id: str):
        with db.session_scope() as session:
            row = webhook_reads.get_webhook(session, p.workspace_id, webhook_id)
        self.log_id, self.log_url = str(row.id), row.url
        self._read(p)
