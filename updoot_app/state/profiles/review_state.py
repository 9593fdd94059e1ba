""""Time to review": the active ICPs due for review, with the reason, on the profiles
page and the dashboard."""

from __future__ import annotations

import asyncio

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import icp_history
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard


def _prompts(p: Principal) -> list[dict]:
    with db.session_scope() as session:
        return icp_history.review_prompts(session, p)


class ReviewPromptsState(AppState):
    review_rows: list[dict[str, str]] = []

    @rx.event
    @guard("viewer")
    async def load(self, p: Principal):
        prompts = await asyncio.to_thread(_prompts, p)  # pandas work: off the event loop
        self.review_rows = [{"id": str(r["icp_id"]), "name": r["name"],
                             "reason": " ".join(r["reasons"])} for r in prompts]
