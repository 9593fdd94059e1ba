"""Re-scoring every company in the background, with progress for a bar."""

from __future__ import annotations

import asyncio
import threading

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.profiles import fit
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard


class RescoreState(AppState):
    """Shared by the profile pages: `rescore` runs in a worker thread and
    publishes its progress; the UI stays responsive meanwhile."""

    rescoring: bool = False
    rescore_done: int = 0
    rescore_total: int = 0
    rescore_message: str = ""

    @rx.var
    def rescore_percent(self) -> int:
        if self.rescore_total <= 0:
            return 100 if not self.rescoring else 0
        return min(100, round(self.rescore_done * 100 / self.rescore_total))

    @rx.event(background=True)
    @guard("member")
    async def rescore(self, p: Principal):
        async with self:
            if self.rescoring:
                return
            self.rescoring = True
            self.rescore_done, self.rescore_total = 0, 0
            self.rescore_message = "Re-scoring companies…"
        progress = {"done": 0, "total": 0}
        lock = threading.Lock()

        def report(done: int, total: int) -> None:
            with lock:
                progress.update(done=done, total=total)

        def work() -> dict:
            with db.session_scope() as session:
                return fit.rescore_workspace(session, p.workspace_id, progress=report)

        task = asyncio.create_task(asyncio.to_thread(work))
        while not task.done():
            await asyncio.sleep(0.25)
            with lock:
                done, total = progress["done"], progress["total"]
            async with self:
                self.rescore_done, self.rescore_total = done, total
        try:
            counts = task.result()
        except Exception as exc:  # noqa: BLE001 - shown to the user, then logged by Reflex
            async with self:
                self.rescoring = False
                self.rescore_message = f"Re-scoring failed: {exc}"
            raise
        summary = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items())
        async with self:
            self.rescoring = False
            self.rescore_done = self.rescore_total
            self.rescore_message = f"All companies re-scored: {summary}."
