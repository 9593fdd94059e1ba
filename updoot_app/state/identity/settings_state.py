"""Settings page: workspace, members and invites, API tokens, activity log, and the
owner's archive of the whole workspace (made by the job queue, polled while it runs)."""

from __future__ import annotations

import asyncio

import reflex as rx

from updoot_app import db
from updoot_app.services.archive import archive_job_reads, archive_jobs
from updoot_app.services.identity import tokens, workspaces
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import DomainError
from updoot_app.services.platform.validation import CURRENCIES
from updoot_app.settings import load_settings
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard


def _text(form: object, name: str) -> str:
    value = form.get(name, "") if isinstance(form, dict) else ""
    return value if isinstance(value, str) else ""


# How long the page keeps polling an archive in the making (1 s apart); a reload
# polls again.
ARCHIVE_WATCH_POLLS = 3600


class SettingsState(AppState):
    ws_name: str = ""
    ws_currency: str = "USD"
    ws_stale_days: str = "14"
    currencies: list[str] = list(CURRENCIES)
    members: list[dict[str, str]] = []
    invites: list[dict[str, str]] = []
    invite_link: str = ""
    tokens: list[dict[str, str]] = []
    new_token: str = ""
    log: list[dict[str, str]] = []
    form_error: str = ""
    ws_time_zone: str = "UTC"
    archive_status: str = ""    # "" (none yet) | queued | running | done | failed
    archive_text: str = ""
    archive_percent: int = 0
    archive_url: str = ""
    archive_watching: bool = False

    @rx.var
    def archive_busy(self) -> bool:
        return self.archive_status in ("queued", "running")

    def _read_archive(self, session, p: Principal) -> None:
        view = archive_job_reads.latest_archive(session, p) if p.can("owner") else None
        if view is None:
            self.archive_status = self.archive_text = self.archive_url = ""
            self.archive_percent = 0
            return
        self.archive_status, self.archive_text = view.status, archive_job_reads.describe(view)
        self.archive_percent, self.archive_url = view.percent, view.download_url

    def _refresh(self, session, p: Principal) -> None:
        ws = workspaces.get_workspace(session, p)
        self.ws_name, self.ws_currency = ws.name, ws.currency
        self.ws_stale_days = str(ws.stale_after_days)
        self.ws_time_zone = ws.time_zone
        self.members = [
            {k: str(v) for k, v in m.items()} for m in workspaces.members(session, p)
        ]
        self.invites = [
            {k: str(v) for k, v in i.items()} for i in workspaces.pending_invites(session, p)
        ] if p.can("admin") else []
        self.tokens = [{k: str(v) for k, v in t.items()} for t in tokens.list_tokens(session, p)]
        self.log = [{k: str(v) for k, v in a.items()}
                    for a in activity.recent(session, p.workspace_id, limit=30)]

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.invite_link = self.new_token = self.form_error = ""
        with db.session_scope() as session:
            self._refresh(session, p)
            self._read_archive(session, p)
        return SettingsState.watch_archive if self.archive_busy else None

    @rx.event
    @guard("viewer")
    def set_currency(self, p: Principal, value: str):
        if value in CURRENCIES:
            self.ws_currency = value

    @rx.event
    @guard("admin")
    def save_workspace(self, p: Principal, form: dict):
        with db.session_scope() as session:
            workspaces.update_settings(session, p, _text(form, "name"), self.ws_currency,
                                       _text(form, "stale_after_days"), _text(form, "time_zone"))
        with db.session_scope() as session:
            self._refresh(session, p)
        self.workspace_name = self.ws_name
        return rx.toast.success("Workspace saved.")

    @rx.event
    @guard("admin")
    def invite(self, p: Principal, form: dict):
        with db.session_scope() as session:
            raw = workspaces.invite(session, p, _text(form, "email"), _text(form, "role"))
        self.invite_link = f"{load_settings().public_url.rstrip('/')}/invite/{raw}"
        with db.session_scope() as session:
            self._refresh(session, p)
        return rx.toast.success("Invite created: share the link below.")

    @rx.event
    @guard("admin")
    def revoke_invite(self, p: Principal, invite_id: str):
        with db.session_scope() as session:
            workspaces.revoke_invite(session, p, invite_id)
            self._refresh(session, p)

    @rx.event
    @guard("admin")
    def change_role(self, p: Principal, membership_id: str, role: str):
        with db.session_scope() as session:
            workspaces.change_role(session, p, membership_id, role)
        with db.session_scope() as session:
            self._refresh(session, p)
        return rx.toast.success("Role changed.")

    @rx.event
    @guard("admin")
    def remove_member(self, p: Principal, membership_id: str):
        with db.session_scope() as session:
            workspaces.remove_member(session, p, membership_id)
        with db.session_scope() as session:
            self._refresh(session, p)
        return rx.toast.success("Member removed.")

    @rx.event
    @guard("member")
    def create_token(self, p: Principal, form: dict):
        with db.session_scope() as session:
            self.new_token = tokens.create_token(session, p, _text(form, "name"))
        with db.session_scope() as session:
            self._refresh(session, p)

    @rx.event
    @guard("viewer")
    def dismiss_token(self, p: Principal):
        self.new_token = ""

    @rx.event
    @guard("viewer", writes=True)
    def revoke_token(self, p: Principal, token_id: str):
        with db.session_scope() as session:
            tokens.revoke_token(session, p, token_id)
        with db.session_scope() as session:
            self._refresh(session, p)
        return rx.toast.success("Token revoked.")

    @rx.event
    @guard("viewer", writes=True)
    def new_workspace(self, p: Principal, form: dict):
        try:
            with db.session_scope() as session:
                ws = workspaces.new_workspace_for(session, p, _text(form, "name"))
                workspaces.switch_workspace(session, p, ws.id)
        except DomainError as exc:
            self.form_error = str(exc)
            return None
        return rx.redirect("/dashboard")

    @rx.event
    @guard("owner")
    def prepare_archive(self, p: Principal):
        """Queue the archive of the whole workspace (the job writes it); a second
        click while one is in the making shows that one."""
        with db.session_scope() as session:
            requested = archive_jobs.request_archive(session, p)
        with db.session_scope() as session:
            self._read_archive(session, p)
        note = ("The archive is being prepared: this page shows its progress."
                if requested.started else "An archive is already being prepared.")
        return [rx.toast.info(note), SettingsState.watch_archive]

    @rx.event(background=True)
    @guard("owner", writes=False)
    async def watch_archive(self, p: Principal):
        """Re-read the archive once a second while it is queued or running."""
        async with self:
            if self.archive_watching:
                return
            self.archive_watching = True
        try:
            for _ in range(ARCHIVE_WATCH_POLLS):
                await asyncio.sleep(1)
                async with self:
                    with db.session_scope() as session:
                        self._read_archive(session, p)
                    if not self.archive_busy:
                        break
        finally:
            async with self:
                self.archive_watching = False
