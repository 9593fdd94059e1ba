"""Workspaces, members, roles, invites and switching."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import AuthSession, Invite, Membership, User, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.identity import sessions, workspace_setup
from updoot_app.services.identity.access import ROLE_RANK, Principal
from updoot_app.services.platform import activity, security
from updoot_app.services.platform.clock import clean_time_zone, local_today
from updoot_app.services.platform.errors import Forbidden, NotFound, ValidationError
from updoot_app.services.platform.validation import (
    clean_currency,
    clean_email,
    clean_id,
    clean_password,
    clean_text,
    slugify,
)
from updoot_app.services.platform.workspace_rows import get_in_workspace

INVITE_DAYS = 7


def unique_slug(session: Session, name: str) -> str:
    base = slugify(name)
    slug = base
    while session.exec(select(Workspace.id).where(Workspace.slug == slug)).first() is not None:
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def create_workspace(session: Session, owner_id: int, name: str, *, currency: str = "USD",
                     is_demo: bool = False) -> Workspace:
    workspace = Workspace(name=name, slug=unique_slug(session, name), currency=currency,
                          is_demo=is_demo)
    session.add(workspace)
    session.flush()
    session.add(Membership(workspace_id=workspace.id, user_id=owner_id, role="owner"))
    workspace_setup.create_default_stages(session, workspace.id)
    return workspace


def new_workspace_for(session: Session, principal: Principal, name: object) -> Workspace:
    name = clean_text(name, "name", "Workspace name", max_len=80)
    workspace = create_workspace(session, principal.user_id, name)
    activity.log(session, workspace_id=workspace.id, user_id=principal.user_id,
                 action="workspace.create", entity_type="workspace", entity_id=workspace.id,
                 summary=f"Created workspace {name}")
    return workspace


def workspaces_of(session: Session, user_id: int) -> list[dict]:
    rows = session.exec(
        select(Workspace.id, Workspace.name, Membership.role)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == user_id)
        .order_by(Workspace.name)
    ).all()
    return [{"id": wid, "name": name, "role": role} for wid, name, role in rows]


def switch_workspace(session: Session, principal: Principal, workspace_id: object) -> None:
    workspace_id = clean_id(workspace_id, "workspace_id")
    member = session.exec(
        select(Membership.id).where(Membership.user_id == principal.user_id,
                                    Membership.workspace_id == workspace_id)
    ).first()
    if member is None or principal.session_id is None:
        raise NotFound("Workspace")
    auth = session.get(AuthSession, principal.session_id)
    auth.workspace_id = workspace_id
    session.add(auth)


def update_settings(session: Session, principal: Principal, name: object, currency: object,
                    stale_after_days: object = None, time_zone: object = None) -> Workspace:
    """Name, currency, stale-deal days and the time zone of the workspace's calendar
    (empty stale days or time zone: unchanged)."""
    principal.require("admin")
    zone = None if time_zone in (None, "") else clean_time_zone(time_zone)
    name = clean_text(name, "name", "Workspace name", max_len=80)
    currency = clean_currency(currency)
    workspace = session.get(Workspace, principal.workspace_id)
    if stale_after_days not in (None, ""):
        try:
            days = int(str(stale_after_days))
        except ValueError:
            raise ValidationError(
                "stale_after_days", "Stale after must be a number of days.") from None
        if not 1 <= days <= 365:
            raise ValidationError("stale_after_days", "Stale after must be 1 to 365 days.")
        workspace.stale_after_days = days
    changes = {"name": [workspace.name, name], "currency": [workspace.currency, currency]}
    if zone is not None and zone != workspace.time_zone:
        changes["time_zone"] = [workspace.time_zone, zone]
        workspace.time_zone = zone
    workspace.name, workspace.currency = name, currency
    session.add(workspace)
    activity.log(session, workspace_id=workspace.id, user_id=principal.user_id,
                 action="workspace.update", entity_type="workspace", entity_id=workspace.id,
                 summary="Workspace settings changed", detail=changes)
    return workspace


def get_workspace(session: Session, principal: Principal) -> Workspace:
    return session.get(Workspace, principal.workspace_id)


# --- members -----------------------------------------------------------------

def members(session: Session, principal: Principal) -> list[dict]:
    rows = session.exec(
        select(Membership, User.email, User.name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == principal.workspace_id)
        .order_by(Membership.id)
    ).all()
    return [
        {"id": m.id, "email": email, "name": name, "role": m.role,
         "is_me": m.user_id == principal.user_id}
        for m, email, name in rows
    ]


def add_member_without_login(session: Session, workspace_id: int, *, email: object,
                             name: object, role: object = "member",
                             is_demo: bool = False) -> User:
    """A new user who is a member of the workspace but cannot log in: the seeded
    team of a demo workspace, who own its companies and deals. The password hash is
    unusable (no password matches it); nothing is logged in the activity feed."""
    email = clean_email(email)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise ValidationError("email", "That email already has an account.")
    user = User(email=email, name=clean_text(name, "name", "Name", max_len=200),
                password_hash=security.unusable_password_hash(), is_demo=is_demo)
    session.add(user)
    session.flush()
    session.add(Membership(workspace_id=workspace_id, user_id=user.id, role=_clean_role(role)))
    return user


def _clean_role(role: object) -> str:
    if role not in ROLE_RANK:
        raise ValidationError("role", "Role must be owner, admin, member or viewer.")
    return role


def _membership(session: Session, principal: Principal, membership_id: object) -> Membership:
    return get_in_workspace(session, Membership, principal.workspace_id, membership_id, "Member", "member_id")


def _owner_count(session: Session, workspace_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(Membership)
        .where(Membership.workspace_id == workspace_id, Membership.role == "owner")
    ).one()


def change_role(session: Session, principal: Principal, membership_id: object,
                role: object) -> Membership:
    principal.require("admin")
    role = _clean_role(role)
    m = _membership(session, principal, membership_id)
    if "owner" in (role, m.role) and principal.role != "owner":
        raise Forbidden("Only an owner can grant or take away the owner role.")
    if m.role == "owner" and role != "owner" and _owner_count(session, m.workspace_id) <= 1:
        raise ValidationError("role", "A workspace needs at least one owner.")
    old, m.role = m.role, role
    session.add(m)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="member.role", entity_type="membership", entity_id=m.id,
                 summary=f"Role changed from {old} to {role}")
    return m


def remove_member(session: Session, principal: Principal, membership_id: object) -> None:
    principal.require("admin")
    m = _membership(session, principal, membership_id)
    if m.role == "owner" and principal.role != "owner":
        raise Forbidden("Only an owner can remove an owner.")
    if m.role == "owner" and _owner_count(session, m.workspace_id) <= 1:
        raise ValidationError("member_id", "A workspace needs at least one owner.")
    # Their sessions in this workspace end now.
    sessions.revoke_sessions(session, m.user_id, workspace_id=m.workspace_id)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="member.remove", entity_type="membership", entity_id=m.id,
                 summary="Member removed")
    session.delete(m)


# --- invites -----------------------------------------------------------------

def invite(session: Session, principal: Principal, email: object, role: object) -> str:
    """Create an invite and return its raw token (the link is shown once)."""
    principal.require("admin")
    email = clean_email(email)
    role = _clean_role(role)
    if role == "owner" and principal.role != "owner":
        raise Forbidden("Only an owner can invite another owner.")
    already = session.exec(
        select(Membership.id).join(User, User.id == Membership.user_id)
        .where(Membership.workspace_id == principal.workspace_id, User.email == email)
    ).first()
    if already is not None:
        raise ValidationError("email", "That person is already a member.")
    raw = security.new_token()
    inv = Invite(workspace_id=principal.workspace_id, email=email, role=role,
                 token_hash=security.token_hash(raw), invited_by=principal.user_id,
                 expires_at=utcnow() + timedelta(days=INVITE_DAYS))
    session.add(inv)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="member.invite", entity_type="invite", entity_id=inv.id,
                 summary=f"Invited {email} as {role}")
    return raw


def pending_invites(session: Session, principal: Principal) -> list[dict]:
    rows = session.exec(
        select(Invite).where(Invite.workspace_id == principal.workspace_id,
                             Invite.accepted_at.is_(None), Invite.revoked_at.is_(None),
                             Invite.expires_at > utcnow())
        .order_by(Invite.id)
    ).all()
    return [{"id": i.id, "email": i.email, "role": i.role,
             "expires": i.expires_at.strftime("%Y-%m-%d")} for i in rows]


def revoke_invite(session: Session, principal: Principal, invite_id: object) -> None:
    principal.require("admin")
    invite_id = clean_id(invite_id, "invite_id")
    inv = session.get(Invite, invite_id)
    if inv is None or inv.workspace_id != principal.workspace_id:
        raise NotFound("Invite")
    inv.revoked_at = utcnow()
    session.add(inv)


def open_invite(session: Session, raw_token: object) -> tuple[Invite, Workspace]:
    """The invite behind a link, if it is still usable."""
    if not isinstance(raw_token, str) or not (20 <= len(raw_token) <= 200):
        raise NotFound("Invite")
    inv = session.exec(
        select(Invite).where(Invite.token_hash == security.token_hash(raw_token))
    ).first()
    if (inv is None or inv.accepted_at is not None or inv.revoked_at is not None
            or inv.expires_at <= utcnow()):
        raise NotFound("Invite")
    return inv, session.get(Workspace, inv.workspace_id)


def accept_invite(session: Session, raw_token: object, password: object,
                  name: object = "") -> tuple[User, str]:
    """Accept with the invited email: new users choose a password, existing ones
    confirm theirs. Returns the user and a session token in the invited workspace."""
    inv, workspace = open_invite(session, raw_token)
    user = session.exec(select(User).where(User.email == inv.email)).first()
    if user is None:
        password = clean_password(password)
        user = User(email=inv.email, name=clean_text(name, "name", "Name", max_len=200,
                                                     required=False),
                    password_hash=security.hash_password(password))
        session.add(user)
        session.flush()
    elif not security.verify_password(user.password_hash,
                                      password if isinstance(password, str) else ""):
        raise ValidationError("password", "That password is not right for this email.")
    exists = session.exec(
        select(Membership.id).where(Membership.workspace_id == inv.workspace_id,
                                    Membership.user_id == user.id)
    ).first()
    if exists is None:
        session.add(Membership(workspace_id=inv.workspace_id, user_id=user.id, role=inv.role))
    inv.accepted_at = utcnow()
    session.add(inv)
    activity.log(session, workspace_id=workspace.id, user_id=user.id, action="member.join",
                 entity_type="invite", entity_id=inv.id, summary=f"{user.email} joined")
    return user, sessions.start_session(session, user.id, workspace.id)


# --- the workspace's calendar ---------------------------------------------------------


def workspace_time_zone(session: Session, workspace_id: int) -> str:
    return session.exec(select(Workspace.time_zone).where(Workspace.id == workspace_id)).one()


def workspace_today(session: Session, workspace_id: int, now: datetime | None = None) -> date:
    """The day it is now in the workspace's time zone (`now` injected by tests)."""
    return local_today(now or utcnow(), workspace_time_zone(session, workspace_id))
