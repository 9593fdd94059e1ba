"""The guided ICP wizard: one step per screen, draft kept in the browser between
steps (and reloads), live preview of the tiers under the draft."""

from __future__ import annotations

import json

import reflex as rx

from updoot_app import db
from updoot_app.models.icp import ICP_KINDS
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import icp_history
from updoot_app.services.platform import geo
from updoot_app.services.platform.errors import DomainError, ValidationError
from updoot_app.services.profiles import icp_reads, icps, preview_cache, wizard_draft
from updoot_app.services.profiles.tiers import TIER_LABELS
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard
from updoot_app.state.profiles.rescore import RescoreState

STEPS = ["Start", "Industries", "Company size", "Geography", "Signals", "Disqualifiers",
         "Weights & save"]
TEXT_FIELDS = {"name", "emp_min", "emp_max", "rev_min", "rev_max", "dq_emp_below"}
GEO_KEYS = {"geography", "dq_geography"}


class IcpWizardState(AppState):
    steps: list[str] = STEPS
    step: int = 0
    icp_id: int = 0
    draft: dict[str, list[str]] = {k: [] for k in wizard_draft.LIST_KEYS}
    texts: dict[str, str] = {k: "" for k in wizard_draft.TEXT_KEYS}
    weights: dict[str, int] = {w: 0 for w, *_ in wizard_draft.CRITERIA}
    kind: str = "b2b"
    error: str = ""
    restored: bool = False
    preview_counts: list[dict[str, str]] = []
    preview_examples: list[dict[str, str]] = []
    preview_total: int = 0
    preview_note: str = ""
    stored_draft: str = rx.LocalStorage("", name="updoot_icp_draft")
    region_names: list[str] = list(geo.REGIONS)

    # --- the draft as one dict for the services ------------------------------
    def _as_draft(self) -> dict:
        d = wizard_draft.empty_draft()
        d.update({k: list(v) for k, v in self.draft.items()})
        d.update(dict(self.texts))
        d.update(dict(self.weights))
        d["kind"] = self.kind
        return d

    def _show(self, draft: dict) -> None:
        draft = wizard_draft.clean_draft(draft)
        self.draft = {k: draft[k] for k in wizard_draft.LIST_KEYS}
        self.texts = {k: draft[k] for k in wizard_draft.TEXT_KEYS}
        self.weights = {w: draft[w] for w, *_ in wizard_draft.CRITERIA}
        self.kind = draft["kind"]

    @rx.var
    def weight_rows(self) -> list[dict[str, str]]:
        return [{"key": c["key"], "label": c["label"], "weight": str(c["weight"])}
                for c in wizard_draft.active_criteria(self._as_draft())]

    @rx.var
    def weight_total(self) -> int:
        return wizard_draft.weight_sum(self._as_draft())

    @rx.var
    def progress_percent(self) -> int:
        return round((self.step + 1) * 100 / len(STEPS))

    def _after_change(self, p: Principal) -> None:
        """Keep the browser's copy of the draft and refresh the preview."""
        self.error = ""
        self.stored_draft = json.dumps({"icp_id": self.icp_id, "step": self.step,
                                        "draft": self._as_draft()})
        self._refresh_preview(p)

    def _refresh_preview(self, p: Principal) -> None:
        try:
            with db.session_scope() as session:
                frame, names = preview_cache.companies_for_preview(session, p.workspace_id)
            result = wizard_draft.preview(frame, self._as_draft(), names)
        except (DomainError, ValueError) as exc:
            self.preview_note = f"Preview paused: {exc}"
            return
        self.preview_note = ""
        self.preview_total = result["total"]
        self.preview_counts = [{"tier": t, "label": TIER_LABELS[t], "count": str(n)}
                               for t, n in result["counts"].items()]
        self.preview_examples = [
            {"tier": t, "name": e["name"], "score": str(e["score"])}
            for t, items in result["examples"].items() for e in items
        ]

    # --- page load -------------------------------------------------------------
    @rx.event
    @guard("member")
    def load(self, p: Principal):
        raw_id = self.router.page.params.get("icp_id", "new")
        self.step, self.error, self.restored = 0, "", False
        self.icp_id = 0
        draft = wizard_draft.empty_draft()
        stored = self._stored()
        if raw_id != "new":
            with db.session_scope() as session:
                icp = icp_reads.get_icp(session, p, raw_id)
                version = icp_reads.current_version(session, icp)
                draft = wizard_draft.draft_from_payload(version.payload)
                self.icp_id = icp.id
        template = self.router.page.params.get("template", "")
        best = self.router.page.params.get("best", "")
        if template:
            found = icps.template(template)
            if found:
                draft = wizard_draft.draft_from_payload(found["icp"])
        elif best and not self.icp_id:
            draft = self._from_best_customers(p, draft)
        elif stored and stored.get("icp_id", 0) == self.icp_id:
            draft = stored.get("draft", draft)
            self.step = min(max(int(stored.get("step", 0)), 0), len(STEPS) - 1)
            self.restored = True
        self._show(draft)
        self._refresh_preview(p)

    def _from_best_customers(self, p: Principal, draft: dict) -> dict:
        """The draft suggested from the best customers (/profiles/suggest), unsaved."""
        params = self.router.page.params
        request = {k: params[k] for k in ("best", "top", "tag") if params.get(k)}
        try:
            with db.session_scope() as session:
                payload = icp_history.suggest_icp(session, p, request)["draft"]
        except ValidationError as exc:
            self.error = str(exc)
            return draft
        return wizard_draft.draft_from_payload(payload) if payload else draft

    def _stored(self) -> dict | None:
        try:
            value = json.loads(self.stored_draft or "null")
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    # --- editing ---------------------------------------------------------------
    @rx.event
    @guard("member")
    def use_template(self, p: Principal, key: str):
        found = icps.template(key)
        if found is None:
            return rx.toast.error("No such template.")
        self._show(wizard_draft.draft_from_payload(found["icp"]))
        self._after_change(p)

    @rx.event
    @guard("member")
    def set_text(self, p: Principal, key: str, value: str):
        if key not in TEXT_FIELDS or not isinstance(value, str):
            return rx.toast.error("Unknown field.")
        self.texts = {**self.texts, key: value[:120]}
        self._after_change(p)

    @rx.event
    @guard("member")
    def set_kind(self, p: Principal, value: str):
        if value in ICP_KINDS:
            self.kind = value
            self._after_change(p)

    @rx.event
    @guard("member")
    def add_value(self, p: Principal, key: str, form: dict):
        value = form.get("value", "") if isinstance(form, dict) else ""
        if key not in wizard_draft.LIST_KEYS or not isinstance(value, str):
            return rx.toast.error("Unknown field.")
        value = " ".join(value.split())[:100]
        if not value:
            return None
        if key in GEO_KEYS:
            try:
                geo.expand_geography([value])
            except ValueError as exc:
                self.error = str(exc)
                return None
        current = self.draft.get(key, [])
        if value.lower() not in {v.lower() for v in current} and len(current) < 300:
            self.draft = {**self.draft, key: [*current, value]}
        self._after_change(p)

    @rx.event
    @guard("member")
    def remove_value(self, p: Principal, key: str, value: str):
        if key not in wizard_draft.LIST_KEYS:
            return rx.toast.error("Unknown field.")
        self.draft = {**self.draft, key: [v for v in self.draft.get(key, []) if v != value]}
        self._after_change(p)

    @rx.event
    @guard("member")
    def set_weight(self, p: Principal, key: str, value: str):
        if key not in self.weights:
            return rx.toast.error("Unknown criterion.")
        self.weights = {**self.weights, key: wizard_draft.clamp_weight(value)}
        self._after_change(p)

    @rx.event
    @guard("member")
    def rebalance(self, p: Principal):
        self._show(wizard_draft.rebalance(self._as_draft()))
        self._after_change(p)

    # --- navigation ------------------------------------------------------------
    @rx.event
    @guard("member")
    def go(self, p: Principal, step: int):
        if isinstance(step, int) and not isinstance(step, bool) and 0 <= step < len(STEPS):
            self.step = step
            self._after_change(p)

    @rx.event
    @guard("member")
    def discard(self, p: Principal):
        self.stored_draft = ""
        self._show(wizard_draft.empty_draft())
        self.step, self.restored = 0, False
        self._refresh_preview(p)

    @rx.event
    @guard("member")
    def save(self, p: Principal):
        try:
            payload = wizard_draft.payload_from_draft(self._as_draft())
            with db.session_scope() as session:
                if self.icp_id:
                    icp = icps.update_icp(session, p, self.icp_id, payload, rescore=False)
                else:
                    icp = icps.create_icp(session, p, payload, rescore=False)
                icp_id = icp.id
        except ValidationError as exc:
            self.error = str(exc)
            return None
        self.stored_draft = ""
        return [rx.redirect(f"/profiles/{icp_id}"), RescoreState.rescore]
