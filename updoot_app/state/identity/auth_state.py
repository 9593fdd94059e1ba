"""Public handlers: sign up, log in, try the demo, accept an invite."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import follow_up_reads
from updoot_app.services.demo import lifecycle
from updoot_app.services.identity import auth, workspaces
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform import ratelimit
from updoot_app.services.platform.errors import DomainError, NotFound, ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard, public


def _field(form: object, name: str) -> str:
    if not isinstance(form, dict):
        return ""
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


class AuthState(AppState):
    error: str = ""
    busy: bool = False
    invite_email: str = ""
    invite_workspace: str = ""
    invite_role: str = ""
    invite_has_account: bool = False
    invite_error: str = ""
    password_message: str = ""

    def _client_ip(self) -> str:
        return getattr(self.router.session, "client_ip", "") or ""

    @rx.event
    @public
    def clear(self):
        self.error = ""

    @rx.event
    @public
    def signup(self, form: dict):
        try:
            with db.session_scope() as session:
                ratelimit.check(session, "signup", self._client_ip(), per_hour=20)
                _, token = auth.signup(session, _field(form, "email"), _field(form, "password"),
                                       _field(form, "workspace_name"), _field(form, "name"))
        except DomainError as exc:
            self.error = str(exc)
            return None
        self.error = ""
        self.auth_token = token
        return rx.redirect("/dashboard")

    @rx.event
    @public
    def login(self, form: dict):
        try:
            with db.session_scope() as session:
                token = auth.login(session, _field(form, "email"), _field(form, "password"),
                                   client_ip=self._client_ip(), previous_token=self.auth_token)
                home = follow_up_reads.home_after_login(session, token)
        except DomainError as exc:
            self.error = str(exc)
            return None
        self.error = ""
        self.auth_token = token
        return rx.redirect(home)

    @rx.event
    @public
    def try_demo(self):
        """A fresh seeded demo workspace, logged in, no sign-up."""
        try:
            with db.session_scope() as session:
                ratelimit.check(session, "demo", self._client_ip(), per_hour=30)
                lifecycle.purge_old_demos(session)
                _, token = lifecycle.create_demo(session)
        except DomainError as exc:
            self.error = str(exc)
            return rx.toast.error(str(exc))
        self.auth_token = token
        return rx.redirect("/dashboard")

    @rx.event
    @public
    def load_invite(self):
        token = self.router.page.params.get("token", "")
        self.invite_error = ""
        try:
            with db.session_scope() as session:
                inv, workspace = workspaces.open_invite(session, token)
                self.invite_email = inv.email
                self.invite_workspace = workspace.name
                self.invite_role = inv.role
                self.invite_has_account = auth.email_has_account(session, inv.email)
        except NotFound:
            self.invite_error = "This invite link is not valid any more. Ask for a new one."

    @rx.event
    @public
    def accept_invite(self, form: dict):
        token = self.router.page.params.get("token", "")
        try:
            with db.session_scope() as session:
                ratelimit.check(session, "invite", self._client_ip(), per_hour=30)
                _, session_token = workspaces.accept_invite(
                    session, token, _field(form, "password"), _field(form, "name"))
        except (DomainError, ValidationError) as exc:
            self.error = str(exc)
            return None
        self.error = ""
        self.auth_token = session_token
        return rx.redirect("/dashboard")

    @rx.event
    @guard("viewer", writes=True)
    def change_password(self, p: Principal, form: dict):
        try:
            with db.session_scope() as session:
                auth.change_password(session, p.user_id, _field(form, "current_password"),
                                     _field(form, "new_password"), keep_session_id=p.session_id)
        except DomainError as exc:
            self.password_message = str(exc)
            return None
        self.password_message = "Password changed. Your other sessions were logged out."
        return rx.toast.success("Password changed.")
