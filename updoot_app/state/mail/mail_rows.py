"""Outbox messages as the mail history and the Settings → Email list show them:
plain strings (status label and colour, when, the server's reason)."""

from __future__ import annotations

from datetime import datetime

STATUS_LABELS = {"queued": "Queued", "sent": "Sent", "failed": "Failed"}
STATUS_COLORS = {"queued": "blue", "sent": "green", "failed": "red"}
DOCUMENT_LABELS = {"quote": "Quote", "invoice": "Invoice"}


def when(iso: str | None) -> str:
    """"2026-12-06 13:20 UTC" from the API's ISO time ("" for none)."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")


def message_row(m: dict) -> dict[str, str]:
    """One message of outbox_reads.message_dict, as text."""
    doc = m["document"] or {}
    kind = doc.get("type", "")
    return {
        "id": str(m["id"]), "status": m["status"],
        "status_label": STATUS_LABELS.get(m["status"], m["status"]),
        "color": STATUS_COLORS.get(m["status"], "gray"),
        "to": ", ".join(m["to"] + m["cc"]), "subject": m["subject"],
        "sent_at": when(m["sent_at"]), "created_at": when(m["created_at"]),
        "attempts": str(m["attempts"]), "last_error": m["last_error"] or "",
        "can_retry": "true" if m["status"] == "failed" else "",
        "document": (f"{DOCUMENT_LABELS[kind]} {doc['number'] or '(draft)'}" if kind
                     else "Test email"),
        "document_href": f"/{kind}s/{doc['id']}" if kind else "",
    }
