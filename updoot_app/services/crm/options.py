"""The choices of the CRM pages' filters and pickers (owners, personas,
competitors, industries, countries), read for one workspace.

Lists that grow with the data stop at MAX_OPTIONS: a select with more entries
is no use on screen, and the companies' distinct values are a scan."""

from __future__ import annotations

from sqlmodel import Session, select

from updoot_app.models import Company, Competitor, Icp, Membership, Persona, User
from updoot_app.services.crm.pipeline_view import owner_label

MAX_OPTIONS = 200


def member_emails(session: Session, workspace_id: int) -> list[tuple[int, str]]:
    """(user id, email) of every member of the workspace, by email."""
    return [(uid, email) for uid, email in session.exec(
        select(User.id, User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id)
        .order_by(User.email)
    ).all()]


def owners(session: Session, workspace_id: int) -> list[dict[str, str]]:
    """The pipeline's owner filter: members by the name part of their email."""
    return [{"id": str(uid), "label": owner_label(email)}
            for uid, email in member_emails(session, workspace_id)]


def owner_emails(session: Session, workspace_id: int) -> list[dict[str, str]]:
    """The companies list's owner filter: members by email."""
    return [{"id": str(uid), "email": email}
            for uid, email in member_emails(session, workspace_id)]


def _company_values(session: Session, workspace_id: int, column) -> list[str]:
    rows = session.exec(
        select(column).where(Company.workspace_id == workspace_id, column.is_not(None),
                             column != "")
        .group_by(column).order_by(column).limit(MAX_OPTIONS)
    ).all()
    return [str(r) for r in rows]


def industries(session: Session, workspace_id: int) -> list[str]:
    return _company_values(session, workspace_id, Company.industry)


def countries(session: Session, workspace_id: int) -> list[str]:
    return _company_values(session, workspace_id, Company.country)


def personas(session: Session, workspace_id: int) -> list[dict[str, str]]:
    rows = session.exec(
        select(Persona.id, Persona.name).where(Persona.workspace_id == workspace_id)
        .order_by(Persona.name).limit(MAX_OPTIONS)
    ).all()
    return [{"id": str(pid), "label": name} for pid, name in rows]


def personas_with_icp(session: Session, workspace_id: int) -> list[dict[str, str]]:
    """Every persona as "name (its ICP)", by ICP then name: a contact's persona picker."""
    rows = session.exec(
        select(Persona.id, Persona.name, Icp.name)
        .join(Icp, Icp.id == Persona.icp_id)
        .where(Persona.workspace_id == workspace_id).order_by(Icp.name, Persona.name)
    ).all()
    return [{"id": str(pid), "name": f"{name} ({icp})"} for pid, name, icp in rows]


def competitors(session: Session, workspace_id: int) -> list[dict[str, str]]:
    rows = session.exec(
        select(Competitor.id, Competitor.name).where(Competitor.workspace_id == workspace_id)
        .order_by(Competitor.name).limit(MAX_OPTIONS)
    ).all()
    return [{"id": str(cid), "label": name} for cid, name in rows]
