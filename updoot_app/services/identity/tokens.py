"""API tokens: created with a name, shown once, stored hashed, revocable."""

from __future__ import annotations

from sqlmodel import Session, select

from updoot_app.models import ApiToken
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity, security
from updoot_app.services.platform.errors import NotFound
from updoot_app.services.platform.validation import clean_id, clean_text

TOKEN_PREFIX = "updt_"


def create_token(session: Session, principal: Principal, name: object) -> str:
    """Create a token for the caller in their workspace; return the raw value once."""
    principal.require("member")
    name = clean_text(name, "name", "Token name", max_len=100)
    raw = security.new_token(TOKEN_PREFIX)
    token = ApiToken(workspace_id=principal.workspace_id, user_id=principal.user_id, name=name,
                     prefix=raw[:10], token_hash=security.token_hash(raw))
    session.add(token)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="token.create", entity_type="api_token", entity_id=token.id,
                 summary=f"API token {name} created")
    return raw


def list_tokens(session: Session, principal: Principal) -> list[dict]:
    rows = session.exec(
        select(ApiToken).where(ApiToken.workspace_id == principal.workspace_id,
                               ApiToken.user_id == principal.user_id,
                               ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id)
    ).all()
    return [
        {"id": t.id, "name": t.name, "prefix": t.prefix + "…",
         "created": t.created_at.strftime("%Y-%m-%d"),
         "last_used": t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "never"}
        for t in rows
    ]


def revoke_token(session: Session, principal: Principal, token_id: object) -> None:
    token_id = clean_id(token_id, "token_id")
    token = session.get(ApiToken, token_id)
    if (token is None or token.workspace_id != principal.workspace_id
            or token.revoked_at is not None
            or (token.user_id != principal.user_id and not principal.can("admin"))):
        raise NotFound("Token")
    token.revoked_at = utcnow()
    session.add(token)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="token.revoke", entity_type="api_token", entity_id=token.id,
                 summary=f"API token {token.name} revoked")
