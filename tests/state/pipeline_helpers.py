"""Shared set-up of the pipeline state tests: a seeded demo workspace, stage ids
by name, and a member made a viewer."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from updoot_app import db
from updoot_app.models import Membership, Stage
from updoot_app.services.demo import seed as demo_seed


def seed(actor, n=60):
    with db.session_scope() as s:
        demo_seed.seed_workspace(s, actor.workspace_id, [actor.user_id], companies=n)


def stage_id(actor, name):
    with db.session_scope() as s:
        return str(s.exec(select(Stage.id).where(Stage.workspace_id == actor.workspace_id,
                                                 Stage.name == name)).one())


def make_viewer(actor):
    with db.session_scope() as s:
        s.exec(update(Membership).where(Membership.user_id == actor.user_id)
               .values(role="viewer"))

