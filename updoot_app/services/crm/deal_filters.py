"""The filters of the deal list and the kanban board, as SQL conditions.

Every filter is a condition on deals joined with their company, built here
once for the deal list and the board. The competitor filter reads the
deal-competitor links (a table, below every context) rather than asking
competitors/, which sits above crm: crm never imports it.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, select

from updoot_app.models import (
    Company,
    Competitor,
    Contact,
    Deal,
    DealCompetitor,
    DealContact,
    Persona,
)
from updoot_app.services.crm.companies import get_company
from updoot_app.services.crm.follow_up_reads import no_next_step_condition
from updoot_app.services.crm.stages import resolve_stage
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.sql import like_pattern
from updoot_app.services.platform.validation import clean_ref, clean_search
from updoot_app.services.platform.workspace_rows import get_in_workspace
from updoot_app.services.profiles.tiers import clean_fit_tiers, fit_tier_condition

FILTER_KEYS = ("stage", "owner_id", "fit_tier", "search", "company_id", "persona_id",
               "competitor_id", "next_step")


def deal_ids_with_competitor(session: Session, workspace_id: int, competitor_id: object):
    """A SELECT of the ids of deals where the competitor is present (for IN (...)).
    Another workspace's competitor id is NotFound."""
    competitor = get_in_workspace(session, Competitor, workspace_id, competitor_id,
                                  "Competitor", "competitor_id")
    return select(DealCompetitor.deal_id).where(DealCompetitor.competitor_id == competitor.id,
                                                DealCompetitor.workspace_id == workspace_id)


def competitor_condition(session: Session, workspace_id: int, competitor_id: object):
    """WHERE clause for the pipeline: `Deal.id IN (deals with this competitor)`.
    Another workspace's competitor id is NotFound."""
    return Deal.id.in_(deal_ids_with_competitor(session, workspace_id, competitor_id))


def persona_condition(session: Session, workspace_id: int, persona_id: object):
    """WHERE clause: the deal has a contact with this persona on its buying committee.
    Another workspace's persona id is NotFound."""
    persona = get_in_workspace(session, Persona, workspace_id, persona_id, "Persona",
                               "persona_id")
    return Deal.id.in_(
        select(DealContact.deal_id).join(Contact, Contact.id == DealContact.contact_id)
        .where(DealContact.workspace_id == workspace_id, Contact.persona_id == persona.id))


def deal_conditions(session: Session, workspace_id: int, *, stage: object = None,
                    owner_id: object = None, fit_tier: object = None, search: object = None,
                    company_id: object = None, persona_id: object = None,
                    competitor_id: object = None, next_step: object = None) -> list:
    """WHERE clauses for deals joined with their company; the first one is the
    workspace's (the board binds it as a parameter instead)."""
    conds = [Deal.workspace_id == workspace_id]
    if stage not in (None, ""):
        conds.append(Deal.stage_id == resolve_stage(session, workspace_id, stage).id)
    if owner_id not in (None, ""):
        conds.append(Deal.owner_id == clean_ref(owner_id, "owner_id", "Owner"))
    tiers = clean_fit_tiers(fit_tier)
    if tiers:
        conds.append(fit_tier_condition(Company.fit_tier, tiers))
    search = clean_search(search)
    if search:
        pattern = like_pattern(search)
        conds.append(or_(Deal.title.ilike(pattern, escape="\\"),
                         Company.name.ilike(pattern, escape="\\")))
    if company_id not in (None, ""):
        conds.append(Deal.company_id == get_company(session, workspace_id, company_id).id)
    if persona_id not in (None, ""):
        conds.append(persona_condition(session, workspace_id, persona_id))
    if competitor_id not in (None, ""):
        conds.append(competitor_condition(session, workspace_id, competitor_id))
    if next_step not in (None, ""):
        if next_step != "none":
            raise ValidationError("next_step", "The next-step filter is \"none\" (open deals "
                                               "without a follow-up).")
        conds.append(no_next_step_condition())
    return conds
