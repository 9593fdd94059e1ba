"""/q/[token]: the client's public quote page, the only public handlers of the
billing pages (they take the link's token, never an id)."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.billing import documents, pdf, quote_answers
from updoot_app.services.platform import ratelimit
from updoot_app.services.platform.errors import DomainError
from updoot_app.state.billing.documents_base import doc_view
from updoot_app.state.guard import public


class PublicQuoteState(rx.State):
    """/q/[token]: no session. Every handler takes the token from the URL (never
    an id); answering is rate-limited per client address."""

    view: dict[str, str] = {}
    view_lines: list[dict[str, str]] = []
    view_taxes: list[dict[str, str]] = []
    missing: bool = False
    answer_error: str = ""

    def _token(self) -> str:
        return self.router.page.params.get("token", "")

    def _client_ip(self) -> str:
        return getattr(self.router.session, "client_ip", "") or ""

    def _fill(self) -> None:
        with db.session_scope() as session:
            quote = quote_answers.quote_by_token(session, self._token())
            locale = documents.get_settings(session, quote.workspace_id).locale
            data = quote_answers.public_view(session, self._token())
        data = {**data, "lines": [{**line, "id": i} for i, line in enumerate(data["lines"])]}
        self.view, self.view_lines, self.view_taxes = doc_view(data, locale)
        self.view["workspace_name"] = data["workspace_name"]

    @rx.event
    @public
    def load(self):
        self.answer_error = ""
        try:
            self._fill()
            self.missing = False
        except DomainError:
            self.missing = True
            self.view, self.view_lines, self.view_taxes = {}, [], []

    def _answer(self, action, value) -> object:
        try:
            with db.session_scope() as session:
                ratelimit.check(session, "quote_answer", self._client_ip(), per_hour=30)
            with db.write_scope() as session:
                action(session, self._token(), value)
        except DomainError as exc:
            self.answer_error = str(exc)
            return None
        self.answer_error = ""
        self._fill()
        return None

    @rx.event
    @public
    def accept(self, form: dict):
        name = form.get("name", "") if isinstance(form, dict) else ""
        self._answer(quote_answers.public_accept, name)
        if not self.answer_error:
            return rx.toast.success("Thank you: the quote is accepted.")
        return None

    @rx.event
    @public
    def decline(self, form: dict):
        reason = form.get("reason", "") if isinstance(form, dict) else ""
        self._answer(quote_answers.public_decline, reason)
        return None

    @rx.event
    @public
    def download_pdf(self):
        try:
            with db.session_scope() as session:
                data, name = pdf.public_quote_pdf(session, self._token())
        except DomainError as exc:
            return rx.toast.error(str(exc))
        return rx.download(data=data, filename=name)
