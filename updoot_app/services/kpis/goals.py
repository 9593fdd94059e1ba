"""Goals: a metric × segment × period → target, with an owner, and its progress.

Targets are in the metric's unit: a count, an amount of money, days, or — for
rates (win rate, conversion) — a percentage (``30`` means 30 %).

Progress and pace (``progress``):

- metrics that accumulate over the period (leads, deals created, revenue):
  ``expected = target × elapsed fraction of the period``; the goal is *on
  track* if ``actual ≥ 0.9 × expected``, else *at risk*.
- rates, averages and the pipeline snapshot: the pace does not apply, the
  figure so far is compared with the target itself (``actual ≥ 0.9 × target``;
  for the sales cycle, lower is better: ``actual ≤ 1.1 × target``).
- a period not started yet is *not started*; a figure that cannot be computed
  (no closed deals; invoiced or paid revenue of a segment other than "all") is
  *no data*.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session, select

from updoot_app.models import Goal, Stage, User
from updoot_app.models.types import utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.identity.membership import check_member
from updoot_app.services.kpis import batch, memo, metric_catalog, periods, segments
from updoot_app.services.kpis.figure import Figure
from updoot_app.services.kpis.periods import Period
from updoot_app.services.platform import activity
from updoot_app.services.platform.clock import aware
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_id, reject_unknown
from updoot_app.services.platform.workspace_rows import get_in_workspace

ON_TRACK, AT_RISK, NO_DATA, NOT_STARTED = "on_track", "at_risk", "no_data", "not_started"
STATUS_LABELS = {ON_TRACK: "On track", AT_RISK: "At risk", NO_DATA: "No data yet",
                 NOT_STARTED: "Not started"}
TOLERANCE = Decimal("0.9")
MAX_TARGET = Decimal("1000000000000")
MAX_GOALS = 200
FIELDS = ("name", "metric", "segment_type", "segment_value", "stage_id", "period",
          "period_kind", "start", "end", "target", "owner_id")


# --------------------------------------------------------------------------- validation


def _clean_target(raw: object, metric: str) -> Decimal:
    if isinstance(raw, bool) or raw is None or raw == "":
        raise ValidationError("target", "Give the goal a target.")
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationError("target", f"The target must be a number, not {raw!r}.") from None
    if not value.is_finite() or value < 0:
        raise ValidationError("target", "The target must be zero or more.")
    if value > MAX_TARGET:
        raise ValidationError("target", "The target is too large.")
    if metric_catalog.METRICS[metric][1] == "rate" and value > 100:
        raise ValidationError("target", "A rate target is a percentage from 0 to 100.")
    if metric_catalog.METRICS[metric][1] == "count" and value != value.to_integral_value():
        raise ValidationError("target", "A count target must be a whole number.")
    return value.quantize(Decimal("0.0001"))


def _clean_period(data: dict) -> Period:
    if data.get("period") not in (None, ""):
        return periods.parse_period(data["period"])
    kind = data.get("period_kind") or "month"
    if kind not in periods.PERIOD_KINDS:
        raise ValidationError("period_kind", "Period must be month, quarter, year or custom.")
    if kind == "custom":
        return periods.custom_period(data.get("start"), data.get("end"))
    ref = data.get("start")
    day = periods.clean_date(ref, "start") if ref not in (None, "") else None
    return periods.period_of(kind, day)


def _clean_owner(session: Session, principal: Principal, raw: object) -> int:
    """The goal's owner: a member of the workspace, the caller by default."""
    owner_id = check_member(session, principal.workspace_id, raw, "owner_id")
    return principal.user_id if owner_id is None else owner_id


def _clean_stage(session: Session, principal: Principal, metric: str, raw: object) -> int | None:
    if metric != "conversion_rate" or raw in (None, ""):
        return None
    stage_id = clean_id(raw, "stage_id")
    stage = session.get(Stage, stage_id)
    if stage is None or stage.workspace_id != principal.workspace_id or stage.kind != "open":
        raise ValidationError("stage_id", "Choose an open stage of this workspace.")
    return stage_id


def _clean_name(raw: object) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError("name", "The name must be text.")
    name = " ".join(raw.split())
    if len(name) > 120:
        raise ValidationError("name", "The name must be at most 120 characters.")
    return name


def _validated(session: Session, principal: Principal, data: dict, base: Goal | None) -> dict:
    if not isinstance(data, dict):
        raise ValidationError("", "Send the goal as a JSON object.")
    reject_unknown(data, FIELDS)
    metric = metric_catalog.clean_metric(data.get("metric", base.metric if base else None))
    seg_type = data.get("segment_type", base.segment_type if base else "all")
    seg_value = data.get("segment_value", base.segment_value if base else "")
    segment = segments.clean_segment(seg_type, seg_value)
    if base is not None and not {"period", "period_kind", "start", "end"} & set(data):
        period = Period(base.period_kind, aware(base.start), aware(base.end))
    else:
        period = _clean_period(data)
    target = _clean_target(data.get("target", base.target if base else None), metric)
    owner_id = (_clean_owner(session, principal, data["owner_id"]) if "owner_id" in data
                else (base.owner_id if base else principal.user_id))
    stage_id = _clean_stage(session, principal, metric,
                            data.get("stage_id", base.stage_id if base else None))
    name = _clean_name(data.get("name", base.name if base else ""))
    return {"name": name, "metric": metric, "segment_type": segment.type,
            "segment_value": segment.value, "stage_id": stage_id,
            "period_kind": period.kind, "start": period.start, "end": period.end,
            "target": target, "owner_id": owner_id}


# --------------------------------------------------------------------------- CRUD


def list_goals(session: Session, principal: Principal) -> list[Goal]:
    return list(session.exec(select(Goal).where(Goal.workspace_id == principal.workspace_id)
                             .order_by(Goal.start.desc(), Goal.id)).all())


def get_goal(session: Session, principal: Principal, goal_id: object) -> Goal:
    return get_in_workspace(session, Goal, principal.workspace_id, goal_id, "Goal", "goal_id")


def create_goal(session: Session, principal: Principal, data: Any) -> Goal:
    principal.require("member")
    values = _validated(session, principal, data, None)
    count = len(session.exec(select(Goal.id).where(
        Goal.workspace_id == principal.workspace_id)).all())
    if count >= MAX_GOALS:
        raise ValidationError("", f"A workspace can have at most {MAX_GOALS} goals.")
    goal = Goal(workspace_id=principal.workspace_id, **values)
    session.add(goal)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="goal.create", entity_type="goal", entity_id=goal.id,
                 summary=f"Set a goal: {title(goal)}")
    return goal


def update_goal(session: Session, principal: Principal, goal_id: object, data: Any) -> Goal:
    principal.require("member")
    goal = get_goal(session, principal, goal_id)
    values = _validated(session, principal, data, goal)
    for key, value in values.items():
        setattr(goal, key, value)
    goal.updated_at = utcnow()
    session.add(goal)
    session.flush()
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="goal.update", entity_type="goal", entity_id=goal.id,
                 summary=f"Updated goal: {title(goal)}")
    return goal


def delete_goal(session: Session, principal: Principal, goal_id: object) -> None:
    principal.require("member")
    goal = get_goal(session, principal, goal_id)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="goal.delete", entity_type="goal", entity_id=goal.id,
                 summary=f"Deleted goal: {title(goal)}")
    session.delete(goal)
    session.flush()


# --------------------------------------------------------------------------- progress


def period_of_goal(goal: Goal) -> Period:
    return Period(goal.period_kind, aware(goal.start), aware(goal.end))


def segment_of_goal(goal: Goal) -> segments.Segment:
    if goal.segment_type == "all":
        return segments.ALL
    return segments.Segment(goal.segment_type, goal.segment_value)


def title(goal: Goal) -> str:
    if goal.name:
        return goal.name
    label = metric_catalog.METRICS[goal.metric][0]
    seg = segment_of_goal(goal)
    suffix = "" if seg.type == "all" else f" · {seg.label}"
    return f"{label}{suffix} · {period_of_goal(goal).label}"


def _as_decimal(value: Any, unit: str) -> Decimal | None:
    if value is None:
        return None
    if unit == "rate":
        return (Decimal(str(value)) * 100).quantize(Decimal("0.1"))
    return Decimal(str(value))


def progress(session: Session, goal: Goal, now: datetime | None = None,
             figure: Figure | None = None) -> dict:
    """The goal's figure so far (``figure``, if computed already), what the pace
    expects by now, and its status."""
    now = now or datetime.now(UTC)
    period = period_of_goal(goal)
    _label, unit, kind = metric_catalog.METRICS[goal.metric]
    if figure is None:
        figure = batch.metric_values(session, goal.workspace_id, [_request(goal)])[0]
    actual = _as_decimal(figure.value, unit)
    target = Decimal(goal.target)
    elapsed = period.elapsed_fraction(now)
    expected = (target * Decimal(str(round(elapsed, 6)))) if kind == "sum" else target
    if now < period.start:
        status = NOT_STARTED
    elif actual is None:
        status = NO_DATA
    elif goal.metric in metric_catalog.LOWER_IS_BETTER:
        status = ON_TRACK if actual <= target * Decimal("1.1") else AT_RISK
    else:
        status = ON_TRACK if actual >= expected * TOLERANCE else AT_RISK
    if actual is None or target == 0:
        percent = 100 if (actual is not None and target == 0) else 0
    elif goal.metric in metric_catalog.LOWER_IS_BETTER:
        percent = 100 if actual == 0 else int(min(100, target / actual * 100))
    else:
        percent = int(min(Decimal(100), actual / target * 100))
    return {"actual": actual, "expected": expected.quantize(Decimal("0.01")), "target": target,
            "percent": percent, "elapsed": round(elapsed, 4), "status": status,
            "status_label": STATUS_LABELS[status], "n": figure.n, "unit": unit,
            "note": figure.detail.get("note", "")}


def _num(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(value.quantize(Decimal("0.01")))


def _request(goal: Goal) -> batch.Request:
    return (goal.metric, period_of_goal(goal), segment_of_goal(goal), goal.stage_id)


def goal_outs(session: Session, goals: list[Goal], now: datetime | None = None,
              shared_periods: frozenset | set | tuple = ()) -> list[dict]:
    """``goal_out`` of several goals of one workspace, their figures computed in
    batches (``batch.metric_values``; ``shared_periods``: see there)."""
    if not goals:
        return []
    with memo.memoized():
        figures = batch.metric_values(session, goals[0].workspace_id,
                                          [_request(g) for g in goals], shared_periods)
    return [goal_out(session, g, now, f) for g, f in zip(goals, figures, strict=True)]


def goal_out(session: Session, goal: Goal, now: datetime | None = None,
             figure: Figure | None = None) -> dict:
    """The API shape of a goal, with its progress."""
    p = progress(session, goal, now, figure)
    owner = session.get(User, goal.owner_id) if goal.owner_id else None
    return {
        "id": goal.id,
        "name": goal.name,
        "title": title(goal),
        "metric": goal.metric,
        "metric_label": metric_catalog.METRICS[goal.metric][0],
        "unit": p["unit"],
        "segment_type": goal.segment_type,
        "segment_value": goal.segment_value,
        "stage_id": goal.stage_id,
        "period": period_of_goal(goal).to_dict(),
        "target": _num(goal.target),
        "owner_id": goal.owner_id,
        "owner": (owner.name or owner.email) if owner else None,
        "progress": {"actual": _num(p["actual"]), "expected": _num(p["expected"]),
                     "percent": p["percent"], "elapsed": p["elapsed"],
                     "status": p["status"], "n": p["n"], "note": p["note"]},
    }
