"""The load generator's users: each signed up in a workspace of its own with deals
to move (`seed_accounts`), and what the database holds of the writes the server
acknowledged to them (`lost_writes`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass
class Account:
    """A user in its own workspace with deals to move (see seed_accounts)."""

    email: str
    session_token: str
    api_token: str
    workspace_id: int
    deal_ids: list[int]
    stage_ids: list[int]
    stage_names: list[str]
    acked_moves: dict[int, str] = field(default_factory=dict)  # deal id -> stage name
    acked_names: list[str] = field(default_factory=list)
    acked_interactions: list[str] = field(default_factory=list)


def seed_accounts(n: int, *, deals: int = 3, prefix: str | None = None) -> list[Account]:
    """Create n users, each owning a workspace with `deals` deals, through the
    services (DATABASE_URL in this process must be the app's database)."""
    from argon2 import PasswordHasher
    from sqlmodel import select

    from updoot_app import db
    from updoot_app.models import Stage
    from updoot_app.services.crm import companies
    from updoot_app.services.crm import deals as deal_service
    from updoot_app.services.identity import auth, tokens
    from updoot_app.services.identity.access import resolve_session
    from updoot_app.services.platform import security

    # Benchmark users never log in with a password: keep sign-up cheap.
    security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    prefix = prefix or uuid.uuid4().hex[:8]
    accounts = []
    for i in range(n):
        email = f"load-{prefix}-{i}@example.com"
        with db.session_scope() as session:
            _user, session_token = auth.signup(session, email, "load password 123", f"Load {i}")
        with db.session_scope() as session:
            p = resolve_session(session, session_token)
            api_token = tokens.create_token(session, p, "load")
            company = companies.create_company(session, p, {"name": f"Load Co {i}"})
            ids = [deal_service.create_deal(session, p, {"company_id": company.id,
                                                         "title": f"Deal {i}.{d}",
                                                         "value": "1000"}).id
                   for d in range(deals)]
            stages = session.exec(select(Stage).where(Stage.workspace_id == p.workspace_id,
                                                      Stage.kind == "open")
                                  .order_by(Stage.position)).all()
            accounts.append(Account(email, session_token, api_token, p.workspace_id, ids,
                                    [s.id for s in stages], [s.name for s in stages]))
    return accounts


def lost_writes(accounts: list[Account]) -> tuple[int, int]:
    """(acknowledged writes, of them missing from the database)."""
    from sqlmodel import select

    from updoot_app import db
    from updoot_app.models import Deal, Interaction, Stage, Workspace

    acked = missing = 0
    with db.session_scope() as session:
        for a in accounts:
            for deal_id, stage_name in a.acked_moves.items():
                acked += 1
                row = session.exec(select(Stage.name).join(Deal, Deal.stage_id == Stage.id)
                                   .where(Deal.id == deal_id)).first()
                missing += row != stage_name
            if a.acked_names:
                acked += 1
                name = session.exec(select(Workspace.name)
                                    .where(Workspace.id == a.workspace_id)).one()
                missing += name != a.acked_names[-1]
            if a.acked_interactions:
                found = set(session.exec(select(Interaction.summary).where(
                    Interaction.workspace_id == a.workspace_id)).all())
                acked += len(a.acked_interactions)
                missing += sum(s not in found for s in a.acked_interactions)
    return acked, missing
