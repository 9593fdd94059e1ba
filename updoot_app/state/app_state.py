"""The root of every Updoot state: the session cookie and the app shell's data."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.identity import sessions, workspaces
from updoot_app.services.identity.access import ROLE_LABELS, Principal
from updoot_app.settings import load_settings
from updoot_app.state.guard import guard, public


class AppState(rx.State):
    """Holds the session token (a claim checked against the database on every
    event, see guard.py) and what the shell shows: who, which workspace, role."""

    auth_token: str = rx.Cookie(
        "",
        name=sessions.SESSION_COOKIE,
        path="/",
        max_age=load_settings().session_days * 86400,
        same_site="strict",
        secure=load_settings().secure_cookies,
    )
    user_email: str = ""
    user_name: str = ""
    workspace_name: str = ""
    workspace_id: int = 0
    role: str = ""
    role_label: str = ""
    is_demo: bool = False
    workspaces: list[dict[str, str]] = []

    @rx.var
    def can_edit(self) -> bool:
        return self.role in ("owner", "admin", "member")

    @rx.var
    def can_admin(self) -> bool:
        return self.role in ("owner", "admin")

    def _show_principal(self, p: Principal) -> None:
        self.user_email = p.email
        self.user_name = p.name or p.email
        self.workspace_name = p.workspace_name
        self.workspace_id = p.workspace_id
        self.role = p.role
        self.role_label = ROLE_LABELS[p.role]
        self.is_demo = p.is_demo

    def _forget_principal(self) -> None:
        self.auth_token = ""
        self.user_email = self.user_name = self.workspace_name = ""
        self.role = self.role_label = ""
        self.workspace_id = 0
        self.is_demo = False
        self.workspaces = []

    @rx.event
    @guard("viewer")
    def load_shell(self, p: Principal):
        """on_load of a signed-in page without its own load: refresh who/where, or go
        to /login (pages with a load handler do this in it: `guard(page=True)`)."""
        self._load_shell(p)

    def _load_shell(self, p: Principal) -> None:
        self._show_principal(p)
        with db.session_scope() as session:
            self.workspaces = [
                {"id": str(w["id"]), "name": w["name"], "role": w["role"]}
                for w in workspaces.workspaces_of(session, p.user_id)
            ]

    @rx.event
    @guard("viewer", writes=True)
    def switch_workspace(self, p: Principal, workspace_id: str):
        with db.session_scope() as session:
            workspaces.switch_workspace(session, p, workspace_id)
        return rx.redirect("/dashboard")

    @rx.event
    @public
    def logout(self):
        """Revoke the session server-side and drop the cookie."""
        with db.session_scope() as session:
            sessions.end_session(session, self.auth_token)
        # Emptying the cookie var clears the browser cookie; rx.remove_cookie would
        # re-hydrate the current page first and flash "please log in" toasts.
        self._forget_principal()
        return rx.redirect("/")
