"""Reads of ICPs and of the fits they produced: lists, versions, scoring specs,
tier counts, API shapes.

Kept apart from the writes (``icps``) so that ``fit`` and ``personas`` can read
ICPs while ``icps`` itself calls them (re-scoring, template personas).
"""

from __future__ import annotations

import copy

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Company, Icp, IcpVersion
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import NotFound
from updoot_app.services.platform.workspace_rows import get_in_workspace
from updoot_app.services.profiles.scoring_model import IcpSpec, parse_icp
from updoot_app.services.profiles.tiers import zero_filled


def list_icps(session: Session, principal: Principal) -> list[Icp]:
    return list(
        session.exec(
            select(Icp).where(Icp.workspace_id == principal.workspace_id).order_by(Icp.id)
        ).all()
    )


def get_icp(session: Session, principal: Principal, icp_id: object) -> Icp:
    return get_in_workspace(session, Icp, principal.workspace_id, icp_id, "ICP", "icp_id")


def current_version(session: Session, icp: Icp) -> IcpVersion:
    version = session.get(IcpVersion, icp.current_version_id)
    if version is None:  # pragma: no cover - every ICP is created with a version
        raise NotFound("ICP version")
    return version


def versions(session: Session, principal: Principal, icp_id: object) -> list[IcpVersion]:
    """All versions of an ICP, oldest first."""
    icp = get_icp(session, principal, icp_id)
    return list(
        session.exec(
            select(IcpVersion).where(IcpVersion.icp_id == icp.id).order_by(IcpVersion.number)
        ).all()
    )


def specs_for_workspace(session: Session, workspace_id: int) -> list[IcpSpec]:
    """The active ICPs of a workspace at their current versions, as scoring specs."""
    rows = session.exec(
        select(Icp.id, IcpVersion.payload)
        .join(IcpVersion, IcpVersion.id == Icp.current_version_id)
        .where(Icp.workspace_id == workspace_id, Icp.is_active.is_(True))
        .order_by(Icp.id)
    ).all()
    return [parse_icp(payload, id=icp_id) for icp_id, payload in rows]


def tier_counts(session: Session, workspace_id: int, icp_id: int | None = None) -> dict[str, int]:
    """Companies per stored fit tier (A, B, C, D, not_a_fit), zeros included;
    only those whose best match is ICP ``icp_id`` when given."""
    query = (select(Company.fit_tier, func.count())
             .where(Company.workspace_id == workspace_id, Company.fit_tier.is_not(None))
             .group_by(Company.fit_tier))
    if icp_id is not None:
        query = query.where(Company.fit_icp_id == icp_id)
    return zero_filled(dict(session.exec(query).all()))


def icp_out(session: Session, icp: Icp, version: IcpVersion | None = None) -> dict:
    """The API shape of an ICP at its current version."""
    version = version or current_version(session, icp)
    payload = version.payload
    return {
        "id": icp.id,
        "name": icp.name,
        "kind": icp.kind,
        "is_active": icp.is_active,
        "version": version.number,
        "criteria": copy.deepcopy(payload.get("criteria", [])),
        "disqualifiers": copy.deepcopy(payload.get("disqualifiers", [])),
        "pain_points": list(icp.pain_points or []),
        "created_at": icp.created_at.isoformat(),
        "updated_at": icp.updated_at.isoformat(),
    }


def version_out(version: IcpVersion) -> dict:
    return {
        "number": version.number,
        "created_at": version.created_at.isoformat(),
        "created_by": version.created_by,
        "payload": copy.deepcopy(version.payload),
    }
