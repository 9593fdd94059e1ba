"""Personas of an ICP: who buys, with what goals, objections and buying role.

Personas belong to an ICP of the caller's workspace. The wizard nudges toward
three to five per ICP and warns about gaps and overlaps
(:func:`persona_warnings`); those are advice, not errors.
"""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from updoot_app.models import BUYING_ROLES, Contact, Persona
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_text
from updoot_app.services.platform.workspace_rows import get_in_workspace
from updoot_app.services.profiles.icp_reads import get_icp

MAX_PER_ICP = 20
MIN_ADVISED, MAX_ADVISED = 3, 5
SIMILAR_TITLES = 0.85
MAX_LIST_ITEMS = 20
MAX_ITEM_LENGTH = 300
ROLE_LABELS = {
    "economic_buyer": "economic buyer",
    "champion": "champion",
    "user": "user",
    "technical_evaluator": "technical evaluator",
    "blocker": "blocker",
}

# field -> (label, max length, required) for single-line text
SHORT_TEXT = {
    "name": ("Name", 120, True),
    "role_title": ("Role or title", 150, True),
    "seniority": ("Seniority", 60, False),
}
# field -> (label, max length) for free text (line breaks kept)
LONG_TEXT = {
    "demographics": ("Demographics", 1000),
    "background": ("Background", 2000),
    "motivations": ("Motivations", 2000),
}
LIST_FIELDS = {
    "goals": "Goals",
    "challenges": "Challenges",
    "channels": "Preferred channels",
    "objections": "Objections",
}
FIELDS = (*SHORT_TEXT, *LONG_TEXT, *LIST_FIELDS, "buying_role")


# --------------------------------------------------------------------------- validation


def _long_text(raw: Any, field: str, label: str, max_len: int) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(field, f"{label} must be text.")
    value = "\n".join(line.rstrip() for line in raw.strip().splitlines())
    if len(value) > max_len:
        raise ValidationError(field, f"{label} must be at most {max_len} characters.")
    return value


def _text_list(raw: Any, field: str, label: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValidationError(field, f"{label} must be a list of text.")
    if len(raw) > MAX_LIST_ITEMS:
        raise ValidationError(field, f"{label}: list at most {MAX_LIST_ITEMS} items.")
    cleaned: list[str] = []
    for i, item in enumerate(raw):
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(f"{field}[{i}]", f"{label}: each item must be non-empty text.")
        text = " ".join(item.split())
        if len(text) > MAX_ITEM_LENGTH:
            raise ValidationError(
                f"{field}[{i}]", f"{label}: each item must be at most {MAX_ITEM_LENGTH} characters."
            )
        cleaned.append(text)
    return cleaned


def _buying_role(raw: Any) -> str:
    if raw not in BUYING_ROLES:
        raise ValidationError(
            "buying_role", f"Buying role must be one of: {', '.join(BUYING_ROLES)}."
        )
    return raw


def clean_persona(raw: Any, *, partial: bool = False) -> dict:
    """Validated persona fields; with ``partial`` only the fields present."""
    if not isinstance(raw, dict):
        raise ValidationError("", "A persona must be a JSON object.")
    out: dict[str, Any] = {}
    for field in FIELDS:
        if partial and field not in raw:
            continue
        value = raw.get(field)
        if field in SHORT_TEXT:
            label, max_len, required = SHORT_TEXT[field]
            out[field] = clean_text(value, field, label, max_len=max_len, required=required)
        elif field in LONG_TEXT:
            label, max_len = LONG_TEXT[field]
            out[field] = _long_text(value, field, label, max_len)
        elif field in LIST_FIELDS:
            out[field] = _text_list(value, field, LIST_FIELDS[field])
        else:
            out[field] = _buying_role(value)
    return out


# --------------------------------------------------------------------------- CRUD


def list_personas(session: Session, principal: Principal, icp_id: object) -> list[Persona]:
    icp = get_icp(session, principal, icp_id)
    return list(
        session.exec(select(Persona).where(Persona.icp_id == icp.id).order_by(Persona.id)).all()
    )


def get_persona(session: Session, principal: Principal, persona_id: object) -> Persona:
    return get_in_workspace(session, Persona, principal.workspace_id, persona_id, "Persona", "persona_id")


def create_persona(session: Session, principal: Principal, icp_id: object,
                   payload: Any) -> Persona:
    principal.require("member")
    icp = get_icp(session, principal, icp_id)
    fields = clean_persona(payload)
    count = len(session.exec(select(Persona.id).where(Persona.icp_id == icp.id)).all())
    if count >= MAX_PER_ICP:
        raise ValidationError("icp_id", f"An ICP can have at most {MAX_PER_ICP} personas.")
    persona = Persona(workspace_id=icp.workspace_id, icp_id=icp.id, **fields)
    session.add(persona)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="persona.create", entity_type="persona", entity_id=persona.id,
                 summary=f"Added persona {persona.name} to ICP {icp.name}",
                 detail={"icp_id": icp.id})
    return persona


def update_persona(session: Session, principal: Principal, persona_id: object,
                   changes: Any) -> Persona:
    principal.require("member")
    persona = get_persona(session, principal, persona_id)
    fields = clean_persona(changes, partial=True)
    changed = {k: v for k, v in fields.items() if getattr(persona, k) != v}
    if not changed:
        return persona
    for key, value in changed.items():
        setattr(persona, key, value)
    persona.updated_at = utcnow()
    session.add(persona)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="persona.update", entity_type="persona", entity_id=persona.id,
                 summary=f"Updated persona {persona.name}",
                 detail={"fields": sorted(changed)})
    return persona


def delete_persona(session: Session, principal: Principal, persona_id: object) -> None:
    """Delete a persona; contacts linked to it are unlinked."""
    principal.require("member")
    persona = get_persona(session, principal, persona_id)
    session.execute(
        update(Contact)
        .where(Contact.workspace_id == persona.workspace_id, Contact.persona_id == persona.id)
        .values(persona_id=None)
        .execution_options(synchronize_session=False)
    )
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="persona.delete", entity_type="persona", entity_id=persona.id,
                 summary=f"Deleted persona {persona.name}", detail={"icp_id": persona.icp_id})
    session.delete(persona)
    session.flush()


def persona_out(persona: Persona) -> dict:
    return {
        "id": persona.id,
        "icp_id": persona.icp_id,
        **{field: _copy(getattr(persona, field)) for field in FIELDS},
        "created_at": persona.created_at.isoformat(),
        "updated_at": persona.updated_at.isoformat(),
    }


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


# --------------------------------------------------------------------------- advice


def _get(persona: Any, key: str) -> Any:
    return persona.get(key) if isinstance(persona, dict) else getattr(persona, key, None)


def _similar(a: str, b: str) -> bool:
    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    return bool(a) and difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR_TITLES


def persona_warnings(personas: list[Any]) -> list[str]:
    """Advice on an ICP's personas (Persona rows or dicts): how many, whether
    someone holds the budget, and which ones look like duplicates."""
    warnings: list[str] = []
    n = len(personas)
    if n < MIN_ADVISED:
        warnings.append(
            f"{n} persona{'s' if n != 1 else ''} so far: describe {MIN_ADVISED} to "
            f"{MAX_ADVISED} people involved in the purchase."
        )
    elif n > MAX_ADVISED:
        warnings.append(
            f"{n} personas is more than a team can target: keep the {MIN_ADVISED} to "
            f"{MAX_ADVISED} that matter most."
        )
    if n and not any(_get(p, "buying_role") == "economic_buyer" for p in personas):
        warnings.append("No persona is the economic buyer: who signs off on the budget?")
    for i in range(n):
        for j in range(i + 1, n):
            warning = _overlap(personas[i], personas[j])
            if warning:
                warnings.append(warning)
    return warnings


def _overlap(a: Any, b: Any) -> str | None:
    name_a, name_b = str(_get(a, "name") or ""), str(_get(b, "name") or "")
    title_a, title_b = str(_get(a, "role_title") or ""), str(_get(b, "role_title") or "")
    if name_a.strip() and name_a.strip().casefold() == name_b.strip().casefold():
        return f"Two personas are called '{name_a.strip()}': rename or merge them."
    role = _get(a, "buying_role")
    if role == _get(b, "buying_role") and _similar(title_a, title_b):
        label = ROLE_LABELS.get(role, role)
        return (f"'{name_a}' and '{name_b}' look alike (both {label}, '{title_a}' / "
                f"'{title_b}'): merge them or make them more distinct.")
    return None
