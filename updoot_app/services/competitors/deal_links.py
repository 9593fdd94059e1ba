"""Which competitors are present on a deal: list, attach, detach, and marking the
deal lost to them.

The battlecards themselves are `competitors.battlecards`; the win rates read
from these links are `competitors.win_loss`.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from updoot_app.models import Competitor, Deal, DealCompetitor
from updoot_app.services.competitors.battlecards import get_competitor
from updoot_app.services.crm.deal_reads import get_deal
from updoot_app.services.crm.deals import move_stage
from updoot_app.services.crm.stages import first_stage_of_kind
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import NotFound, ValidationError

LOST_TO_COMPETITOR = "Lost to a competitor"


def competitors_on_deal(session: Session, workspace_id: int, deal_id: object
                        ) -> list[Competitor]:
    deal = get_deal(session, workspace_id, deal_id)
    return list(session.exec(
        select(Competitor).join(DealCompetitor, DealCompetitor.competitor_id == Competitor.id)
        .where(DealCompetitor.deal_id == deal.id, Competitor.workspace_id == workspace_id)
        .order_by(func.lower(Competitor.name), Competitor.id)
    ).all())


def attach(session: Session, principal: Principal, deal_id: object,
           competitor_id: object) -> tuple[DealCompetitor, bool]:
    """Mark the competitor as present on the deal; (link, created). Attaching
    twice changes nothing (created is False)."""
    principal.require("member")
    ws = principal.workspace_id
    deal = get_deal(session, ws, deal_id)
    competitor = get_competitor(session, ws, competitor_id)
    link = session.exec(select(DealCompetitor).where(
        DealCompetitor.deal_id == deal.id, DealCompetitor.competitor_id == competitor.id)).first()
    if link is not None:
        return link, False
    link = DealCompetitor(workspace_id=ws, deal_id=deal.id, competitor_id=competitor.id,
                          created_by=principal.user_id)
    session.add(link)
    session.flush()
    activity.log(session, workspace_id=ws, user_id=principal.user_id,
                 action="deal.competitor_add", entity_type="deal", entity_id=deal.id,
                 summary=f"{competitor.name} is competing on {deal.title}",
                 detail={"competitor_id": competitor.id})
    session.flush()
    return link, True


def detach(session: Session, principal: Principal, deal_id: object,
           competitor_id: object) -> None:
    principal.require("member")
    ws = principal.workspace_id
    deal = get_deal(session, ws, deal_id)
    competitor = get_competitor(session, ws, competitor_id)
    link = session.exec(select(DealCompetitor).where(
        DealCompetitor.deal_id == deal.id, DealCompetitor.competitor_id == competitor.id)).first()
    if link is None:
        raise NotFound("Competitor on this deal")
    session.delete(link)
    session.flush()
    activity.log(session, workspace_id=ws, user_id=principal.user_id,
                 action="deal.competitor_remove", entity_type="deal", entity_id=deal.id,
                 summary=f"{competitor.name} removed from {deal.title}",
                 detail={"competitor_id": competitor.id})
    session.flush()


def mark_lost(session: Session, principal: Principal, deal_id: object,
              lost_reason: object = "") -> Deal:
    """Move the deal to the pipeline's lost stage (the first one, if there are
    several); without a reason of its own it was lost to a competitor."""
    lost = first_stage_of_kind(session, principal.workspace_id, "lost")
    if lost is None:
        raise ValidationError("stage", "This pipeline has no lost stage.")
    return move_stage(session, principal, deal_id, lost.id, lost_reason or LOST_TO_COMPETITOR)
