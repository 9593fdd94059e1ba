"""Pipeline stages of a workspace."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Deal, Stage
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.validation import clean_ref, clean_text, reject_unknown
from updoot_app.services.platform.workspace_rows import get_in_workspace

# A new workspace's default stages come from identity.workspace_setup: a workspace
# is created in identity, which sits below crm.


def list_stages(session: Session, workspace_id: int) -> list[Stage]:
    return list(
        session.exec(
            select(Stage).where(Stage.workspace_id == workspace_id).order_by(Stage.position)
        ).all()
    )


def first_stage_of_kind(session: Session, workspace_id: int, kind: str) -> Stage | None:
    """The first stage of `kind` in pipeline order: "open" is where a new deal
    starts; "won" and "lost" are the pipeline's one stage of each."""
    return session.exec(
        select(Stage).where(Stage.workspace_id == workspace_id, Stage.kind == kind)
        .order_by(Stage.position)
    ).first()


def shifted_order(session: Session, workspace_id: int, stage_id: object,
                  delta: object) -> list[int] | None:
    """Every stage id in order after moving `stage_id` (as the settings page
    sends it) one place up (-1) or down (1); None when it is already at that end."""
    if delta not in (-1, 1):
        raise ValidationError("delta", "Move one place up or down.")
    ids = [str(s.id) for s in list_stages(session, workspace_id)]
    if stage_id not in ids:
        raise ValidationError("stage_id", "Unknown stage.")
    i = ids.index(stage_id)
    j = i + delta
    if not 0 <= j < len(ids):
        return None
    ids[i], ids[j] = ids[j], ids[i]
    return [int(x) for x in ids]


# --- configuration: create / rename / probability / reorder / delete ----------

def _clean_name(session: Session, workspace_id: int, raw: object,
                stage_id: int | None = None) -> str:
    name = clean_text(raw, "name", "Stage name", max_len=60)
    clash = session.exec(
        select(Stage.id).where(Stage.workspace_id == workspace_id,
                               func.lower(Stage.name) == name.lower(),
                               Stage.id != (stage_id or 0))
    ).first()
    if clash is not None:
        raise ValidationError("name", f"There is already a stage named {name}.")
    return name


def _clean_probability(raw: object) -> int:
    if isinstance(raw, bool):
        raise ValidationError("probability", "Probability must be a whole number from 0 to 100.")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or not 0 <= raw <= 100:
        raise ValidationError("probability", "Probability must be a whole number from 0 to 100.")
    return raw


def get_stage(session: Session, workspace_id: int, stage_id: object) -> Stage:
    return get_in_workspace(session, Stage, workspace_id, stage_id, "Stage", "stage_id")


def resolve_stage(session: Session, workspace_id: int, raw: object,
                  field: str = "stage") -> Stage:
    """A stage by id (int or digit string) or by name (case-insensitive)."""
    if isinstance(raw, int) and not isinstance(raw, bool) or (
            isinstance(raw, str) and raw.strip().isdigit()):
        return get_stage(session, workspace_id, raw)
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError(field, "Choose a stage.")
    name = " ".join(raw.split())
    stage = session.exec(
        select(Stage).where(Stage.workspace_id == workspace_id,
                            func.lower(Stage.name) == name.lower())
    ).first()
    if stage is None:
        raise ValidationError(field, f"There is no stage named {name[:60]}.")
    return stage


def _renumber(session: Session, ordered: list[Stage]) -> None:
    for position, stage in enumerate(ordered):
        if stage.position != position:
            stage.position = position
            session.add(stage)
    session.flush()


def stage_dict(stage: Stage) -> dict:
    return {"id": stage.id, "name": stage.name, "position": stage.position,
            "probability": stage.probability, "kind": stage.kind}


def create_stage(session: Session, principal: Principal, name: object,
                 probability: object = 0, position: object = None) -> Stage:
    """A new open stage; by default placed after the last open stage.

    Won and lost stages cannot be added: a pipeline has exactly one of each."""
    principal.require("member")
    name = _clean_name(session, principal.workspace_id, name)
    probability = _clean_probability(probability)
    current = list_stages(session, principal.workspace_id)
    if len(current) >= 30:
        raise ValidationError("name", "A pipeline can have at most 30 stages.")
    if position in (None, ""):
        last_open = max((i for i, s in enumerate(current) if s.kind == "open"), default=-1)
        index = last_open + 1
    else:
        if isinstance(position, bool) or not isinstance(position, int):
            raise ValidationError("position", "Position must be a whole number.")
        index = max(0, min(position, len(current)))
    stage = Stage(workspace_id=principal.workspace_id, name=name, position=len(current),
                  probability=probability, kind="open")
    session.add(stage)
    session.flush()
    _renumber(session, current[:index] + [stage] + current[index:])
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="stage.create", entity_type="stage", entity_id=stage.id,
                 summary=f"Added stage {name}")
    return stage


def update_stage(session: Session, principal: Principal, stage_id: object,
                 data: dict) -> Stage:
    """Rename and/or set the probability (0–100) of a stage."""
    principal.require("member")
    stage = get_stage(session, principal.workspace_id, stage_id)
    reject_unknown(data, {"name", "probability"})
    changes = {}
    if "name" in data:
        name = _clean_name(session, principal.workspace_id, data["name"], stage.id)
        if name != stage.name:
            changes["name"] = [stage.name, name]
            stage.name = name
    if "probability" in data:
        probability = _clean_probability(data["probability"])
        if probability != stage.probability:
            changes["probability"] = [stage.probability, probability]
            stage.probability = probability
    if changes:
        session.add(stage)
        session.flush()
        activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                     action="stage.update", entity_type="stage", entity_id=stage.id,
                     summary=f"Changed stage {stage.name}", detail=changes)
    return stage


def rename_stage(session: Session, principal: Principal, stage_id: object, name: object) -> Stage:
    return update_stage(session, principal, stage_id, {"name": name})


def set_probability(session: Session, principal: Principal, stage_id: object,
                    probability: object) -> Stage:
    return update_stage(session, principal, stage_id, {"probability": probability})


def reorder_stages(session: Session, principal: Principal, stage_ids: object) -> list[Stage]:
    """Put the stages in the given order; `stage_ids` must list every stage once."""
    principal.require("member")
    current = list_stages(session, principal.workspace_id)
    if not isinstance(stage_ids, list | tuple):
        raise ValidationError("ids", "Send the list of every stage id in the new order.")
    ids = [clean_ref(raw, "ids", "Stage") for raw in stage_ids]
    by_id = {s.id: s for s in current}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise NotFound("Stage")
    if len(ids) != len(set(ids)) or set(ids) != set(by_id):
        raise ValidationError("ids", "Send every stage id exactly once.")
    ordered = [by_id[i] for i in ids]
    _renumber(session, ordered)
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="stage.reorder", entity_type="stage",
                 summary="Reordered pipeline stages", detail={"order": ids})
    return ordered


def delete_stage(session: Session, principal: Principal, stage_id: object) -> None:
    """Delete an open stage that no deal uses (won and lost stages stay: exactly one each)."""
    principal.require("member")
    stage = get_stage(session, principal.workspace_id, stage_id)
    if stage.kind != "open":
        raise ValidationError(
            "stage", f"The {stage.kind} stage cannot be deleted: a pipeline needs one.")
    in_use = session.exec(
        select(func.count()).select_from(Deal).where(Deal.stage_id == stage.id)
    ).one()
    if in_use:
        raise ValidationError(
            "stage", f"{in_use} deal(s) are in {stage.name}; move them to another stage first.")
    remaining_open = session.exec(
        select(func.count()).select_from(Stage)
        .where(Stage.workspace_id == principal.workspace_id, Stage.kind == "open")
    ).one()
    if remaining_open <= 1:
        raise ValidationError("stage", "A pipeline needs at least one open stage.")
    name, sid = stage.name, stage.id
    session.delete(stage)
    session.flush()
    _renumber(session, list_stages(session, principal.workspace_id))
    activity.log(session, workspace_id=principal.workspace_id, user_id=principal.user_id,
                 action="stage.delete", entity_type="stage", entity_id=sid,
                 summary=f"Deleted stage {name}")
