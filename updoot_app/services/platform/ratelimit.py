"""Per-client limits on public actions (demo creation, sign-up, invite acceptance).

Counted in the database (the same table as failed logins) so the limit holds
across several workers.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import LoginAttempt
from updoot_app.models.types import utcnow
from updoot_app.services.platform.errors import RateLimited
from updoot_app.services.platform.security import token_hash


def check(session: Session, action: str, client: str, *, per_hour: int) -> None:
    """Record one `action` by `client`; raise RateLimited past `per_hour`."""
    key = f"{action}:" + token_hash(client or "unknown")[:40]
    since = utcnow() - timedelta(hours=1)
    count = session.exec(
        select(func.count()).select_from(LoginAttempt)
        .where(LoginAttempt.key == key, LoginAttempt.attempted_at >= since)
    ).one()
    if count >= per_hour:
        raise RateLimited("Too many attempts from your network. Please try again later.")
    session.add(LoginAttempt(key=key))
    # Counted now, whether or not the action that follows succeeds.
    session.commit()
