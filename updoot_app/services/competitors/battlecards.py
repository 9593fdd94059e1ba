"""Competitors as battlecards: validate, create, read, update, review, delete.

Which competitors are present on which deal is `competitors.deal_links`.

`target` uses the ICP criteria vocabulary so it can be compared with our ICPs:
{"industries": [...], "employees_min": int | None, "employees_max": int | None,
 "geography": [...ISO alpha-2 codes or region names], "segments": [...free text]}.
The long fields are Markdown (at most MAX_MARKDOWN_CHARS each), rendered only
through services.platform.markdown_safe.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete as sa_delete
from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Competitor, DealCompetitor, User
from updoot_app.models.competitor import MARKDOWN_FIELDS
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity, geo, markdown_safe
from updoot_app.services.platform.clock import aware
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_text, reject_unknown
from updoot_app.services.platform.workspace_rows import get_in_workspace

FIELDS = ("name", "website", "target", *MARKDOWN_FIELDS)
TARGET_KEYS = ("industries", "employees_min", "employees_max", "geography", "segments")
FIELD_LABELS = {
    "strengths": "Strengths", "weaknesses": "Weaknesses", "where_they_win": "Where they win",
    "gaps": "Gaps we can own", "pricing_notes": "Pricing notes",
    "talk_track": "Talk track & objection handling",
}
MAX_LIST_ITEMS = 30
MAX_ITEM_LEN = 60
MAX_EMPLOYEES = 10_000_000
MAX_COMPETITORS = 500


# --- validation ---------------------------------------------------------------------

def _clean_markdown(raw: object, field: str) -> str:
    label = FIELD_LABELS[field]
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(field, f"{label} must be text.")
    value = raw.replace("\r\n", "\n").strip()
    if "\x00" in value:
        raise ValidationError(field, f"{label} contains an invalid character.")
    if len(value) > markdown_safe.MAX_MARKDOWN_CHARS:
        raise ValidationError(
            field, f"{label} must be at most {markdown_safe.MAX_MARKDOWN_CHARS} characters.")
    return value


def _valid_host(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return False
    host = parts.hostname or ""
    return bool(re.fullmatch(r"([a-z0-9-]+\.)+[a-z]{2,63}", host)) and not parts.username


def _clean_website(raw: object) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    if not isinstance(raw, str):
        raise ValidationError("website", "Website must be text.")
    value = raw.strip()
    if "://" not in value:
        value = "https://" + value
    if len(value) > 300 or not markdown_safe.safe_url(value) \
            or not value.lower().startswith(("http://", "https://")) or " " in value \
            or not _valid_host(value):
        raise ValidationError("website", "Website must be an address like https://example.com.")
    return value


def _clean_list(raw: object, field: str, label: str) -> list[str]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        raw = [part for part in raw.replace("\n", ",").split(",")]
    if not isinstance(raw, list | tuple):
        raise ValidationError(field, f"{label} must be a list of text values.")
    out: list[str] = []
    seen: set[str] = set()
    for item in raw:
        if not isinstance(item, str):
            raise ValidationError(field, f"{label} must be a list of text values.")
        value = " ".join(item.split())
        if not value:
            continue
        if len(value) > MAX_ITEM_LEN:
            raise ValidationError(field, f"Each of {label.lower()} must be at most "
                                         f"{MAX_ITEM_LEN} characters.")
        if value.lower() not in seen:
            seen.add(value.lower())
            out.append(value)
    if len(out) > MAX_LIST_ITEMS:
        raise ValidationError(field, f"At most {MAX_LIST_ITEMS} {label.lower()}.")
    return out


def _clean_count(raw: object, field: str, label: str) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValidationError(field, f"{label} must be a whole number.")
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or raw < 0 or raw > MAX_EMPLOYEES:
        raise ValidationError(field, f"{label} must be a whole number from 0 to {MAX_EMPLOYEES:,}.")
    return raw


def clean_target(raw: object) -> dict:
    """The target in the ICP vocabulary; geography values must be countries or regions."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ValidationError("target", "Target must be an object with industries, "
                                        "employees_min, employees_max, geography, segments.")
    unknown = set(raw) - set(TARGET_KEYS)
    if unknown:
        name = sorted(unknown)[0]
        raise ValidationError(f"target.{name}", f"Unknown target field {name}.")
    lo = _clean_count(raw.get("employees_min"), "target.employees_min", "Minimum employees")
    hi = _clean_count(raw.get("employees_max"), "target.employees_max", "Maximum employees")
    if lo is not None and hi is not None and lo > hi:
        raise ValidationError("target.employees_max",
                              "Maximum employees must not be below the minimum.")
    geography = _clean_list(raw.get("geography"), "target.geography", "Regions or countries")
    for value in geography:
        if geo.region_name(value) is None and geo.normalise_country(value) is None:
            raise ValidationError("target.geography",
                                  f"{value} is not a country or region we know.")
    return {
        "industries": _clean_list(raw.get("industries"), "target.industries", "Industries"),
        "employees_min": lo,
        "employees_max": hi,
        "geography": geography,
        "segments": _clean_list(raw.get("segments"), "target.segments", "Segments"),
    }


def _clean_name(session: Session, workspace_id: int, raw: object,
                exclude_id: int | None = None) -> str:
    name = clean_text(raw, "name", "Name", max_len=120)
    query = select(Competitor.id).where(Competitor.workspace_id == workspace_id,
                                        func.lower(Competitor.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Competitor.id != exclude_id)
    if session.exec(query).first() is not None:
        raise ValidationError("name", f"There is already a competitor called {name}.")
    return name


def _clean_fields(session: Session, workspace_id: int, data: object, *, creating: bool,
                  exclude_id: int | None = None) -> dict:
    if not isinstance(data, Mapping):
        raise ValidationError("", "Send the battlecard as an object.")
    reject_unknown(data, FIELDS)
    out: dict[str, Any] = {}
    if "name" in data or creating:
        out["name"] = _clean_name(session, workspace_id, data.get("name"), exclude_id)
    if "website" in data:
        out["website"] = _clean_website(data["website"])
    if "target" in data:
        out["target"] = clean_target(data["target"])
    for key in MARKDOWN_FIELDS:
        if key in data:
            out[key] = _clean_markdown(data[key], key)
    return out


# --- reading ------------------------------------------------------------------------

def get_competitor(session: Session, workspace_id: int, competitor_id: object) -> Competitor:
    return get_in_workspace(session, Competitor, workspace_id, competitor_id, "Competitor", "competitor_id")


def list_competitors(session: Session, workspace_id: int) -> list[Competitor]:
    return list(session.exec(
        select(Competitor).where(Competitor.workspace_id == workspace_id)
        .order_by(func.lower(Competitor.name), Competitor.id)
    ).all())


def full_target(target: Mapping | None) -> dict:
    target = dict(target or {})
    return {
        "industries": list(target.get("industries") or []),
        "employees_min": target.get("employees_min"),
        "employees_max": target.get("employees_max"),
        "geography": list(target.get("geography") or []),
        "segments": list(target.get("segments") or []),
    }


def describe_target(target: Mapping | None) -> dict[str, str]:
    """Human text per target part ("" when not stated)."""
    t = full_target(target)
    lo, hi = t["employees_min"], t["employees_max"]
    if lo is not None and hi is not None:
        size = f"{lo:,} – {hi:,} employees"
    elif lo is not None:
        size = f"at least {lo:,} employees"
    elif hi is not None:
        size = f"at most {hi:,} employees"
    else:
        size = ""
    return {"industries": ", ".join(t["industries"]), "employees": size,
            "geography": ", ".join(t["geography"]), "segments": ", ".join(t["segments"])}


def competitor_out(session: Session, competitor: Competitor, *, html: bool = True) -> dict:
    """The API shape: raw Markdown fields, and their safe HTML under "html"."""
    reviewer = None
    if competitor.reviewed_by is not None:
        reviewer = session.exec(select(User.email).where(User.id == competitor.reviewed_by)
                                ).first()
    reviewed_at = aware(competitor.reviewed_at)
    out = {
        "id": competitor.id,
        "name": competitor.name,
        "website": competitor.website,
        "target": full_target(competitor.target),
        **{key: getattr(competitor, key) for key in MARKDOWN_FIELDS},
        "reviewed_at": reviewed_at.isoformat() if reviewed_at else None,
        "reviewed_by": competitor.reviewed_by,
        "reviewed_by_email": reviewer,
        "created_at": aware(competitor.created_at).isoformat(),
        "updated_at": aware(competitor.updated_at).isoformat(),
    }
    if html:
        out["html"] = {key: markdown_safe.render(getattr(competitor, key))
                       for key in MARKDOWN_FIELDS}
    return out


# --- writing ------------------------------------------------------------------------

def create_competitor(session: Session, principal: Principal, data: object) -> Competitor:
    principal.require("member")
    ws = principal.workspace_id
    fields = _clean_fields(session, ws, data, creating=True)
    count = session.exec(select(func.count(Competitor.id))
                         .where(Competitor.workspace_id == ws)).one()
    if count >= MAX_COMPETITORS:
        raise ValidationError("name", f"A workspace can keep at most {MAX_COMPETITORS} "
                                      "competitors.")
    fields.setdefault("target", clean_target({}))
    now = utcnow()
    competitor = Competitor(workspace_id=ws, created_at=now, updated_at=now, **fields)
    session.add(competitor)
    session.flush()
    activity.log(session, workspace_id=ws, user_id=principal.user_id,
                 action="competitor.create", entity_type="competitor",
                 entity_id=competitor.id, summary=f"Added battlecard {competitor.name}")
    session.flush()
    return competitor


def update_competitor(session: Session, principal: Principal, competitor_id: object,
                      data: object) -> Competitor:
    principal.require("member")
    ws = principal.workspace_id
    competitor = get_competitor(session, ws, competitor_id)
    fields = _clean_fields(session, ws, data, creating=False, exclude_id=competitor.id)
    changed = [key for key, value in fields.items() if getattr(competitor, key) != value]
    if not changed:
        return competitor
    for key in changed:
        setattr(competitor, key, fields[key])
    competitor.updated_at = utcnow()
    session.add(competitor)
    activity.log(session, workspace_id=ws, user_id=principal.user_id,
                 action="competitor.update", entity_type="competitor",
                 entity_id=competitor.id, summary=f"Updated battlecard {competitor.name}",
                 detail={"fields": sorted(changed)})
    session.flush()
    return competitor


def mark_reviewed(session: Session, principal: Principal, competitor_id: object, *,
                  now=None) -> Competitor:
    """Stamp the battlecard as reviewed now by the caller."""
    principal.require("member")
    competitor = get_competitor(session, principal.workspace_id, competitor_id)
    competitor.reviewed_at = now or utcnow()
    competitor.reviewed_by = principal.user_id
    session.add(competitor)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="competitor.review", entity_type="competitor",
                 entity_id=competitor.id, summary=f"Reviewed battlecard {competitor.name}")
    session.flush()
    return competitor


def delete_competitor(session: Session, principal: Principal, competitor_id: object) -> None:
    principal.require("member")
    competitor = get_competitor(session, principal.workspace_id, competitor_id)
    name, cid = competitor.name, competitor.id
    session.exec(sa_delete(DealCompetitor).where(DealCompetitor.competitor_id == cid))
    session.delete(competitor)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="competitor.delete", entity_type="competitor", entity_id=cid,
                 summary=f"Deleted battlecard {name}")
    session.flush()


# --- the deal list's filter by competitor -------------------------------------

__all__ = ["competitor_out", "create_competitor", "delete_competitor", "get_competitor",
           "list_competitors", "mark_reviewed", "update_competitor"]
