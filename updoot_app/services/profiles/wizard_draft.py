"""The ICP wizard's draft: a flat dict a form can edit, turned into the API
payload on save, and scored leniently for the live preview while weights do
not add up to 100 yet."""

from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from updoot_app.models.icp import ICP_KINDS
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles.scoring import score_frame, tier_counts
from updoot_app.services.profiles.scoring_model import Criterion, Disqualifier, IcpSpec
from updoot_app.services.profiles.tiers import FIT_TIERS

# (draft weight key, criterion field, draft values key or (min key, max key), label)
CRITERIA = (
    ("w_industry", "industry", "industries", "Industries"),
    ("w_employees", "employees", ("emp_min", "emp_max"), "Employees"),
    ("w_revenue", "annual_revenue", ("rev_min", "rev_max"), "Annual revenue"),
    ("w_geography", "geography", "geography", "Geography"),
    ("w_tech", "tech_stack", "tech_stack", "Tech stack"),
    ("w_triggers", "triggers", "triggers", "Purchase triggers"),
    ("w_tags", "tags", "tags", "Tags"),
)
LIST_KEYS = ("industries", "geography", "tech_stack", "triggers", "tags", "pain_points",
             "dq_industries", "dq_geography")
TEXT_KEYS = ("name", "kind", "emp_min", "emp_max", "rev_min", "rev_max", "dq_emp_below")


def empty_draft() -> dict:
    draft: dict[str, Any] = {k: [] for k in LIST_KEYS}
    draft.update({k: "" for k in TEXT_KEYS})
    draft.update({w: 0 for w, *_ in CRITERIA})
    draft["kind"] = "b2b"
    return draft


def clean_draft(raw: Any) -> dict:
    """A draft from an untrusted source (browser storage): known keys, right types."""
    draft = empty_draft()
    if not isinstance(raw, dict):
        return draft
    for key in LIST_KEYS:
        value = raw.get(key)
        if isinstance(value, list):
            draft[key] = [str(v)[:100] for v in value if isinstance(v, str | int) and
                          str(v).strip()][:300]
    for key in TEXT_KEYS:
        value = raw.get(key)
        if isinstance(value, str | int):
            draft[key] = str(value)[:120]
    for key, *_ in CRITERIA:
        draft[key] = clamp_weight(raw.get(key))
    if draft["kind"] not in ICP_KINDS:
        draft["kind"] = "b2b"
    return draft


def clamp_weight(value: Any) -> int:
    try:
        return max(0, min(100, int(str(value).strip() or 0)))
    except ValueError:
        return 0


def _has_data(draft: dict, source) -> bool:
    if isinstance(source, tuple):
        return any(str(draft.get(k, "")).strip() for k in source)
    return bool(draft.get(source))


def active_criteria(draft: dict) -> list[dict]:
    """Criteria the draft fills in, with their weights, for the weights step."""
    return [
        {"key": wkey, "field": fld, "label": label, "weight": draft.get(wkey, 0)}
        for wkey, fld, source, label in CRITERIA if _has_data(draft, source)
    ]


def weight_sum(draft: dict) -> int:
    return sum(c["weight"] for c in active_criteria(draft))


def rebalance(draft: dict) -> dict:
    """Scale the used criteria's weights to add up to exactly 100 (largest
    remainder), keeping their proportions; all-zero weights become equal."""
    draft = copy.deepcopy(draft)
    used = active_criteria(draft)
    if not used:
        return draft
    total = sum(c["weight"] for c in used)
    raw = [(c["weight"] / total * 100) if total else 100 / len(used) for c in used]
    floors = [int(x) for x in raw]
    order = sorted(range(len(used)), key=lambda i: raw[i] - floors[i], reverse=True)
    for i in order[: 100 - sum(floors)]:
        floors[i] += 1
    for c, weight in zip(used, floors, strict=True):
        draft[c["key"]] = weight
    for wkey, *_ in CRITERIA:
        if wkey not in {c["key"] for c in used}:
            draft[wkey] = 0
    return draft


def _number(text: str, field: str, label: str) -> Decimal | None:
    text = str(text or "").strip().replace(",", "").replace("_", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(field, f"{label} must be a number.") from None
    if not value.is_finite() or value < 0 or value > Decimal("1e15"):
        raise ValidationError(field, f"{label} must be a positive number.")
    return value


def _bound(value: Decimal | None, field: str) -> Any:
    if value is None:
        return None
    return int(value) if field == "employees" else str(value)


def payload_from_draft(draft: dict) -> dict:
    """The API payload (the ICP shape of docs/architecture.md, "Fit scoring");
    validation proper happens in the ICP service."""
    criteria = []
    for wkey, fld, source, label in CRITERIA:
        if not _has_data(draft, source):
            continue
        item: dict[str, Any] = {"field": fld, "weight": draft.get(wkey, 0)}
        if isinstance(source, tuple):
            lo = _number(draft.get(source[0]), source[0], f"{label} minimum")
            hi = _number(draft.get(source[1]), source[1], f"{label} maximum")
            if lo is not None:
                item["min"] = _bound(lo, fld)
            if hi is not None:
                item["max"] = _bound(hi, fld)
        else:
            item["values"] = list(draft[source])
        criteria.append(item)
    disqualifiers = []
    if draft.get("dq_industries"):
        disqualifiers.append({"field": "industry", "values": list(draft["dq_industries"])})
    if draft.get("dq_geography"):
        disqualifiers.append({"field": "geography", "values": list(draft["dq_geography"])})
    below = _number(draft.get("dq_emp_below"), "dq_emp_below", "Too small (employees)")
    if below is not None and below > 0:
        disqualifiers.append({"field": "employees", "min": 0, "max": int(below) - 1})
    return {"name": draft.get("name", ""), "kind": draft.get("kind", "b2b"),
            "criteria": criteria, "disqualifiers": disqualifiers,
            "pain_points": list(draft.get("pain_points", []))}


def draft_from_payload(payload: dict) -> dict:
    """Fill a draft from a stored ICP payload or a template."""
    draft = empty_draft()
    draft["name"] = payload.get("name", "")
    draft["kind"] = payload.get("kind", "b2b")
    draft["pain_points"] = list(payload.get("pain_points", []))
    by_field = {wkey_fld[1]: wkey_fld for wkey_fld in CRITERIA}
    for c in payload.get("criteria", []):
        wkey, fld, source, _label = by_field[c["field"]]
        draft[wkey] = int(c.get("weight", 0))
        if isinstance(source, tuple):
            draft[source[0]] = "" if c.get("min") is None else str(c["min"])
            draft[source[1]] = "" if c.get("max") is None else str(c["max"])
        else:
            draft[source] = list(c.get("values", []))
    for d in payload.get("disqualifiers", []):
        if d["field"] == "industry":
            draft["dq_industries"] = list(d.get("values", []))
        elif d["field"] == "geography":
            draft["dq_geography"] = list(d.get("values", []))
        elif d["field"] == "employees" and d.get("max") is not None:
            draft["dq_emp_below"] = str(int(d["max"]) + 1)
    return draft


def preview_spec(draft: dict) -> IcpSpec:
    """The draft as a scoring model, whatever its weights add up to (no save-time
    checks), so the preview follows every edit."""
    payload = payload_from_draft(draft)

    def condition(cls, item, **extra):
        values = tuple(item.get("values", ()))
        lo, hi = item.get("min"), item.get("max")
        if item["field"] == "annual_revenue":
            lo = Decimal(lo) if lo is not None else None
            hi = Decimal(hi) if hi is not None else None
        return cls(field=item["field"], values=values, min=lo, max=hi, **extra)

    criteria = tuple(condition(Criterion, c, weight=c["weight"])
                     for c in payload["criteria"])
    disq = tuple(condition(Disqualifier, d) for d in payload["disqualifiers"])
    return IcpSpec(id=0, name=payload["name"] or "Draft", kind=payload["kind"],
                   criteria=criteria, disqualifiers=disq)


def preview(frame: pd.DataFrame, draft: dict, names: dict[int, str],
            examples: int = 5) -> dict:
    """Tier counts and up to `examples` companies per tier under the draft."""
    counts = {tier: 0 for tier in FIT_TIERS}
    listed: dict[str, list[dict]] = {tier: [] for tier in FIT_TIERS}
    spec = preview_spec(draft)
    if frame.empty or not spec.criteria:
        return {"counts": counts, "examples": listed, "total": int(len(frame))}
    scored = score_frame(frame, [spec])
    counts.update({k: int(v) for k, v in tier_counts(scored).items() if k in counts})
    ranked = scored.sort_values(["score", "id"], ascending=[False, True])
    for tier in FIT_TIERS:
        top = ranked[ranked["tier"] == tier].head(examples)
        listed[tier] = [{"name": names.get(int(cid), f"#{cid}"), "score": int(score)}
                        for cid, score in zip(top["id"], top["score"], strict=True)]
    return {"counts": counts, "examples": listed, "total": int(len(frame))}


FIELD_LABELS = {fld: label for _w, fld, _s, label in CRITERIA}


def describe_condition(item: dict) -> str:
    """'Technology, Financial Services' or '500 – 2,000' for a criterion or disqualifier."""
    if item.get("values"):
        return ", ".join(item["values"])
    lo, hi = item.get("min"), item.get("max")

    def fmt(v):
        return f"{Decimal(str(v)):,.0f}"

    if lo is not None and hi is not None:
        return f"{fmt(lo)} – {fmt(hi)}"
    return f"at least {fmt(lo)}" if lo is not None else f"at most {fmt(hi)}"


def describe(payload: dict) -> dict:
    """Rows a person reads: each criterion with its weight, each disqualifier."""
    return {
        "criteria": [{"label": FIELD_LABELS.get(c["field"], c["field"]),
                      "condition": describe_condition(c), "weight": str(c["weight"])}
                     for c in payload.get("criteria", [])],
        "disqualifiers": [f"{FIELD_LABELS.get(d['field'], d['field'])}: "
                          f"{describe_condition(d)}" for d in payload.get("disqualifiers", [])],
    }
