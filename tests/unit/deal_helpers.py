"""Shared set-up of the deal tests: the acting principal and a stage by name."""

from __future__ import annotations

from sqlmodel import select

from updoot_app import db
from updoot_app.models import Stage
from updoot_app.services.identity.access import resolve_session


def principal(actor):
    with db.session_scope() as s:
        return resolve_session(s, actor.token)


def stage_named(workspace_id, name):
    with db.session_scope() as s:
        return s.exec(select(Stage).where(Stage.workspace_id == workspace_id,
                                          Stage.name == name)).one()
