"""Ideal Customer Profiles: create, edit (versioned), restore, activate, delete.

An ICP's scoring model is kept in versions: every change that alters the
payload (name, kind, criteria, disqualifiers, pain points) adds a new
``IcpVersion`` numbered 1, 2, 3… and the old ones are kept; restoring version
N adds a new version with N's payload. The payload is stored in the API shape
``scoring_model.parse_icp`` takes, normalised by ``scoring_model.icp_to_payload``
(money as decimal strings), plus ``pain_points``. The reads (lists, versions,
scoring specs, API shapes) are in ``icp_reads``.

Deleting an ICP is a real delete: its versions and personas go with it (the
database cascades), contacts linked to its personas are unlinked, companies
are re-scored, and the activity log keeps the last payload. To keep an ICP but
stop scoring against it, deactivate it (``set_active(..., False)``).

Every change to what scores (create, update, restore, activate, deactivate,
delete) re-scores the workspace synchronously (``fit.rescore_workspace``).
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from updoot_app.models import Contact, Icp, IcpVersion, Persona
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.validation import clean_id
from updoot_app.services.profiles import fit, personas
from updoot_app.services.profiles.icp_reads import current_version, get_icp
from updoot_app.services.profiles.scoring_model import IcpSpec, icp_to_payload, parse_icp

MAX_NAME = 120
MAX_DISQUALIFIERS = 20  # results codes are stored in a 64-character column
MAX_VALUES = 300
MAX_VALUE_LENGTH = 100
MAX_PAIN_POINTS = 20
MAX_PAIN_POINT_LENGTH = 200
PAYLOAD_KEYS = ("name", "kind", "criteria", "disqualifiers", "pain_points")


# --------------------------------------------------------------------------- template

CYBERSECURITY_ICP: dict = {
    "name": "Mid-market security buyers",
    "kind": "b2b",
    "criteria": [
        {"field": "industry", "values": ["Technology", "Financial Services"], "weight": 35},
        {"field": "employees", "min": 500, "max": 2000, "weight": 25},
        {"field": "geography", "values": ["North America", "Europe"], "weight": 20},
        {
            "field": "triggers",
            "values": ["data breach", "new regulation", "audit", "rapid hiring"],
            "weight": 20,
        },
    ],
    "disqualifiers": [{"field": "industry", "values": ["Government"]}],
    "pain_points": [
        "compliance",
        "alert fatigue",
        "security skills shortage",
        "breach risk and its cost",
        "audit preparation takes weeks",
    ],
}

SECURITY_SARAH: dict = {
    "name": "Security Sarah",
    "role_title": "IT Director",
    "seniority": "Director",
    "demographics": "40–50, based in the US or Western Europe, 15+ years in IT.",
    "background": "Came up through infrastructure; now owns security and compliance for a"
    " 500–2,000 person company with a small team and no dedicated CISO.",
    "goals": [
        "Pass the next audit without a fire drill",
        "Reduce the risk of a breach",
        "Show the board measurable security progress",
    ],
    "motivations": "Wants fewer surprises and a tool her small team can run without"
    " hiring specialists.",
    "challenges": [
        "Too many alerts for a small team",
        "New regulations every year",
        "Hard to hire security talent",
    ],
    "channels": ["LinkedIn", "Peer referrals", "Industry events", "Analyst reports"],
    "objections": [
        "Another tool to integrate and maintain",
        "Budget is fixed until next fiscal year",
        "Migration risk during an audit period",
    ],
    "buying_role": "economic_buyer",
}

TEMPLATES: dict[str, dict] = {
    "cybersecurity": {
        "key": "cybersecurity",
        "name": "Cybersecurity (mid-market B2B)",
        "description": "Technology and financial services companies of 500–2,000 people in"
        " North America and Europe, showing a security trigger.",
        "icp": CYBERSECURITY_ICP,
        "personas": [SECURITY_SARAH],
    },
}


def templates() -> list[dict]:
    """The starter ICPs (deep copies: callers may edit them freely)."""
    return [copy.deepcopy(t) for t in TEMPLATES.values()]


def template(key: object) -> dict | None:
    """One starter ICP by key (a deep copy), or None for an unknown key."""
    found = TEMPLATES.get(key) if isinstance(key, str) else None
    return copy.deepcopy(found) if found is not None else None


# --------------------------------------------------------------------------- validation


def _clean_pain_points(raw: Any) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValidationError("pain_points", "Pain points must be a list of text.")
    if len(raw) > MAX_PAIN_POINTS:
        raise ValidationError("pain_points", f"List at most {MAX_PAIN_POINTS} pain points.")
    cleaned: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(f"pain_points[{i}]", "Each pain point must be non-empty text.")
        text = " ".join(item.split())
        if len(text) > MAX_PAIN_POINT_LENGTH:
            raise ValidationError(
                f"pain_points[{i}]",
                f"A pain point must be at most {MAX_PAIN_POINT_LENGTH} characters.",
            )
        if text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    return cleaned


def _check_limits(payload: dict, spec: IcpSpec) -> None:
    if len(spec.name) > MAX_NAME:
        raise ValidationError("name", f"The name must be at most {MAX_NAME} characters.")
    if len(spec.disqualifiers) > MAX_DISQUALIFIERS:
        raise ValidationError(
            "disqualifiers", f"Use at most {MAX_DISQUALIFIERS} disqualifiers."
        )
    conditions = [("criteria", c) for c in spec.criteria]
    conditions += [("disqualifiers", d) for d in spec.disqualifiers]
    counters = {"criteria": 0, "disqualifiers": 0}
    for group, cond in conditions:
        path = f"{group}[{counters[group]}].values"
        counters[group] += 1
        if len(cond.values) > MAX_VALUES:
            raise ValidationError(path, f"List at most {MAX_VALUES} values.")
        if any(len(v) > MAX_VALUE_LENGTH for v in cond.values):
            raise ValidationError(
                path, f"Each value must be at most {MAX_VALUE_LENGTH} characters."
            )


def validate_payload(payload: Any) -> tuple[IcpSpec, dict]:
    """Validate an ICP in the API shape; return its spec and normalised payload.

    Raises ValidationError (422) whose ``field`` names the offending input,
    e.g. ``criteria`` (weights), ``criteria[1].min`` or ``criteria[2].values``.
    """
    spec = parse_icp(payload)
    _check_limits(payload, spec)
    normalised = icp_to_payload(spec)
    normalised["pain_points"] = _clean_pain_points(payload.get("pain_points"))
    return spec, normalised


def _clean_active(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ValidationError("is_active", "is_active must be true or false.")
    return raw


# --------------------------------------------------------------------------- writing


def _add_version(session: Session, principal: Principal, icp: Icp, payload: dict) -> IcpVersion:
    number = session.exec(
        select(func.coalesce(func.max(IcpVersion.number), 0)).where(IcpVersion.icp_id == icp.id)
    ).one()
    version = IcpVersion(
        workspace_id=icp.workspace_id,
        icp_id=icp.id,
        number=int(number) + 1,
        payload=payload,
        created_by=principal.user_id,
    )
    session.add(version)
    session.flush()
    icp.current_version_id = version.id
    icp.name = payload["name"]
    icp.kind = payload["kind"]
    icp.pain_points = list(payload.get("pain_points", []))
    icp.updated_at = utcnow()
    session.add(icp)
    session.flush()
    return version


def create_icp(session: Session, principal: Principal, payload: Any, *,
               rescore: bool = True) -> Icp:
    """Validate and store a new ICP as version 1, then re-score the workspace
    (or leave that to the caller's background task with ``rescore=False``)."""
    principal.require("member")
    _spec, normalised = validate_payload(payload)
    is_active = _clean_active(payload.get("is_active", True))
    icp = Icp(
        workspace_id=principal.workspace_id,
        name=normalised["name"],
        kind=normalised["kind"],
        is_active=is_active,
        pain_points=normalised["pain_points"],
    )
    session.add(icp)
    session.flush()
    _add_version(session, principal, icp, normalised)
    activity.log(
        session,
        workspace_id=principal.workspace_id,
        user_id=principal.user_id,
        action="icp.create",
        entity_type="icp",
        entity_id=icp.id,
        summary=f"Created ICP {icp.name}",
        detail={"version": 1},
    )
    if rescore:
        fit.rescore_workspace(session, principal.workspace_id)
    return icp


def update_icp(session: Session, principal: Principal, icp_id: object, changes: Any, *,
               rescore: bool = True) -> Icp:
    """Apply changes (any of name, kind, criteria, disqualifiers, pain_points,
    is_active). A changed payload adds a new version; old versions are kept."""
    principal.require("member")
    icp = get_icp(session, principal, icp_id)
    if not isinstance(changes, dict):
        raise ValidationError("", "Send the changes as a JSON object.")
    current = current_version(session, icp)
    merged = copy.deepcopy(current.payload)
    merged.update({k: changes[k] for k in PAYLOAD_KEYS if k in changes})
    _spec, normalised = validate_payload(merged)
    active_changed = False
    if "is_active" in changes:
        is_active = _clean_active(changes["is_active"])
        active_changed = is_active != icp.is_active
        icp.is_active = is_active
    payload_changed = normalised != current.payload
    if not payload_changed and not active_changed:
        return icp
    detail: dict[str, Any] = {}
    if payload_changed:
        version = _add_version(session, principal, icp, normalised)
        detail["version"] = version.number
    if active_changed:
        detail["is_active"] = icp.is_active
        icp.updated_at = utcnow()
        session.add(icp)
    activity.log(
        session,
        workspace_id=principal.workspace_id,
        user_id=principal.user_id,
        action="icp.update",
        entity_type="icp",
        entity_id=icp.id,
        summary=f"Updated ICP {icp.name}",
        detail=detail,
    )
    if rescore and (active_changed or (icp.is_active and _scoring_part(normalised) != _scoring_part(
            current.payload))):
        fit.rescore_workspace(session, principal.workspace_id)
    return icp


def _scoring_part(payload: dict) -> tuple:
    return (payload.get("criteria"), payload.get("disqualifiers"))


def restore_version(session: Session, principal: Principal, icp_id: object,
                    number: object, *, rescore: bool = True) -> IcpVersion:
    """Make version ``number``'s payload current again, as a new version."""
    principal.require("member")
    icp = get_icp(session, principal, icp_id)
    number = clean_id(number, "number")
    old = session.exec(
        select(IcpVersion).where(IcpVersion.icp_id == icp.id, IcpVersion.number == number)
    ).first()
    if old is None:
        raise NotFound("ICP version")
    version = _add_version(session, principal, icp, copy.deepcopy(old.payload))
    activity.log(
        session,
        workspace_id=principal.workspace_id,
        user_id=principal.user_id,
        action="icp.restore",
        entity_type="icp",
        entity_id=icp.id,
        summary=f"Restored version {number} of ICP {icp.name}",
        detail={"from_version": number, "version": version.number},
    )
    if rescore and icp.is_active:
        fit.rescore_workspace(session, principal.workspace_id)
    return version


def set_active(session: Session, principal: Principal, icp_id: object, active: object, *,
               rescore: bool = True) -> Icp:
    principal.require("member")
    icp = get_icp(session, principal, icp_id)
    active = _clean_active(active)
    if icp.is_active == active:
        return icp
    icp.is_active = active
    icp.updated_at = utcnow()
    session.add(icp)
    session.flush()
    activity.log(
        session,
        workspace_id=principal.workspace_id,
        user_id=principal.user_id,
        action="icp.activate" if active else "icp.deactivate",
        entity_type="icp",
        entity_id=icp.id,
        summary=f"{'Activated' if active else 'Deactivated'} ICP {icp.name}",
    )
    if rescore:
        fit.rescore_workspace(session, principal.workspace_id)
    return icp


def delete_icp(session: Session, principal: Principal, icp_id: object) -> None:
    """Delete an ICP with its versions and personas (see the module docstring)."""
    principal.require("member")
    icp = get_icp(session, principal, icp_id)
    last = current_version(session, icp)
    persona_ids = select(Persona.id).where(Persona.icp_id == icp.id)
    session.execute(
        update(Contact)
        .where(Contact.workspace_id == icp.workspace_id, Contact.persona_id.in_(persona_ids))
        .values(persona_id=None)
        .execution_options(synchronize_session=False)
    )
    activity.log(
        session,
        workspace_id=principal.workspace_id,
        user_id=principal.user_id,
        action="icp.delete",
        entity_type="icp",
        entity_id=icp.id,
        summary=f"Deleted ICP {icp.name}",
        detail={"version": last.number, "payload": copy.deepcopy(last.payload)},
    )
    # Children first, explicitly (the database would cascade too).
    session.execute(delete(Persona).where(Persona.icp_id == icp.id))
    session.execute(delete(IcpVersion).where(IcpVersion.icp_id == icp.id))
    session.delete(icp)
    session.flush()
    fit.rescore_workspace(session, principal.workspace_id)


def create_from_template(session: Session, principal: Principal, key: object) -> Icp:
    """Create an ICP and its personas from one of :data:`TEMPLATES`."""
    found = template(key)
    if found is None:
        raise NotFound("Template")
    icp = create_icp(session, principal, found["icp"])
    for persona in found["personas"]:
        personas.create_persona(session, principal, icp.id, persona)
    return icp
