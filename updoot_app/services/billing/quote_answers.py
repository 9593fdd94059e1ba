"""The answer to a sent quote: accepted or declined, by the client through the
public link (no account: the link's token stands for the right to answer) or
recorded by a member (e.g. signed on paper, API /accept).

Only a sent quote that has not expired can be answered. Accepting moves the
quote's deal to the workspace's first "won" stage when the billing setting
`win_deal_on_accept` is on (the default), in the same transaction.
"""

from __future__ import annotations

from sqlmodel import Session, select

from updoot_app.models import Quote, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.billing import documents
from updoot_app.services.billing.quotes import (
    TOKEN_PREFIX,
    effective_status,
    get_quote,
    quote_dict,
)
from updoot_app.services.crm import deal_moves
from updoot_app.services.crm.stages import first_stage_of_kind
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.security import token_hash
from updoot_app.services.platform.validation import clean_long_text, clean_text

# What the client's page shows of a quote: no ids, no internal fields.
PUBLIC_FIELDS = ("number", "status", "currency", "issue_date", "valid_until", "discount_pct",
                 "terms", "notes", "subtotal", "discount_total", "net_total", "tax_total",
                 "total", "taxes", "lines", "company_name", "contact_name", "accepted_by_name")


def _answerable(quote: Quote) -> None:
    status = effective_status(quote)
    if status == "expired":
        raise ValidationError("status", "This quote has expired.")
    if status != "sent":
        raise ValidationError("status", f"This quote is {status.replace('_', ' ')}; "
                              "it can no longer be answered.")


def _win_deal(session: Session, quote: Quote, user_id: int | None) -> None:
    """Move the quote's deal to the first won stage. The acceptance is the right
    to move it, whoever accepted (a member, or the client with no user id)."""
    settings = documents.get_settings(session, quote.workspace_id)
    if not settings.win_deal_on_accept or quote.deal_id is None:
        return
    won = first_stage_of_kind(session, quote.workspace_id, "won")
    if won is None:
        return
    session.flush()  # the move's statements see what this session changed so far
    deal_moves.move_as(session.connection(), quote.workspace_id, user_id, quote.deal_id,
                       won.id)


def _accept(session: Session, quote: Quote, name: str, user_id: int | None) -> Quote:
    _answerable(quote)
    quote.status = "accepted"
    quote.accepted_at = utcnow()
    quote.accepted_by_name = name
    quote.updated_at = quote.accepted_at
    session.add(quote)
    activity.log(session, workspace_id=quote.workspace_id, user_id=user_id,
                 action="quote.accept", entity_type="quote", entity_id=quote.id,
                 summary=f"Quote {quote.number} accepted by {name}")
    _win_deal(session, quote, user_id)
    session.flush()
    return quote


def _decline(session: Session, quote: Quote, reason: str, user_id: int | None) -> Quote:
    _answerable(quote)
    quote.status = "declined"
    quote.declined_at = utcnow()
    quote.decline_reason = reason or None
    quote.updated_at = quote.declined_at
    session.add(quote)
    activity.log(session, workspace_id=quote.workspace_id, user_id=user_id,
                 action="quote.decline", entity_type="quote", entity_id=quote.id,
                 summary=f"Quote {quote.number} declined")
    session.flush()
    return quote


def clean_signer(raw: object) -> str:
    return clean_text(raw, "name", "Your name", max_len=200)


def accept_quote(session: Session, principal: Principal, quote_id: object,
                 name: object = None) -> Quote:
    """A member records the client's acceptance (e.g. signed on paper)."""
    principal.require("member")
    quote = get_quote(session, principal.workspace_id, quote_id, lock=True)
    signer = clean_signer(name) if name not in (None, "") else principal.name or principal.email
    return _accept(session, quote, signer, principal.user_id)


def decline_quote(session: Session, principal: Principal, quote_id: object,
                  reason: object = None) -> Quote:
    principal.require("member")
    quote = get_quote(session, principal.workspace_id, quote_id, lock=True)
    return _decline(session, quote, clean_long_text(reason, "reason", "Reason", 1000),
                    principal.user_id)


# --- the public link ------------------------------------------------------------------------

def quote_by_token(session: Session, token: object, *, lock: bool = False) -> Quote:
    """The quote behind a public token; anything else (bad token, draft, no
    longer linked) is NotFound."""
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) \
            or not 20 <= len(token) <= 100:
        raise NotFound("Quote")
    query = select(Quote).where(Quote.public_token_hash == token_hash(token))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    quote = session.exec(query).first()
    if quote is None or quote.status == "draft":
        raise NotFound("Quote")
    return quote


def public_accept(session: Session, token: object, name: object) -> Quote:
    signer = clean_signer(name)
    return _accept(session, quote_by_token(session, token, lock=True), signer, None)


def public_decline(session: Session, token: object, reason: object = None) -> Quote:
    text = clean_long_text(reason, "reason", "Reason", 1000)
    return _decline(session, quote_by_token(session, token, lock=True), text, None)


def public_view(session: Session, token: object) -> dict:
    """What the client sees: the quote, its lines and totals, the sender's name."""
    quote = quote_by_token(session, token)
    data = quote_dict(session, quote)
    ws = session.get(Workspace, quote.workspace_id)
    out = {k: data[k] for k in PUBLIC_FIELDS}
    out["lines"] = [{k: v for k, v in line.items() if k not in ("id", "product_id", "position")}
                    for line in out["lines"]]
    out["workspace_name"] = ws.name
    return out
