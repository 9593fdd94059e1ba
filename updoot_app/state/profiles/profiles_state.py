"""Profiles: the workspace's ICPs, and one ICP with its personas and versions."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles import icp_reads, icps, personas, wizard_draft
from updoot_app.state.guard import guard
from updoot_app.state.profiles.rescore import RescoreState

PERSONA_LIST_FIELDS = ("goals", "challenges", "channels", "objections")


def _persona_card(persona) -> dict[str, str]:
    card = {k: str(v) for k, v in personas.persona_out(persona).items()
            if not isinstance(v, list)}
    for key in PERSONA_LIST_FIELDS:
        card[key] = " · ".join(getattr(persona, key) or []) or "—"
    card["role_label"] = personas.ROLE_LABELS.get(persona.buying_role, persona.buying_role)
    return card


def _lines(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return [line.strip() for line in text.replace(";", "\n").splitlines() if line.strip()]


class ProfilesState(RescoreState):
    icp_rows: list[dict[str, str]] = []
    workspace_tiers: list[dict[str, str]] = []
    templates: list[dict[str, str]] = []

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        with db.session_scope() as session:
            rows = []
            for icp in icp_reads.list_icps(session, p):
                version = icp_reads.current_version(session, icp)
                tiers = icp_reads.tier_counts(session, p.workspace_id, icp.id)
                rows.append({
                    "id": str(icp.id), "name": icp.name, "kind": icp.kind.upper(),
                    "version": str(version.number),
                    "active": "active" if icp.is_active else "inactive",
                    "personas": str(len(personas.list_personas(session, p, icp.id))),
                    "a": str(tiers["A"]), "b": str(tiers["B"]),
                })
            self.icp_rows = rows
            counts = icp_reads.tier_counts(session, p.workspace_id)
        self.workspace_tiers = [{"tier": t, "count": str(n)} for t, n in counts.items()]
        self.templates = [{"key": t["key"], "name": t["name"], "description": t["description"]}
                          for t in icps.templates()]


class IcpDetailState(RescoreState):
    icp: dict[str, str] = {}
    criteria_rows: list[dict[str, str]] = []
    disqualifier_rows: list[str] = []
    pain_points: list[str] = []
    persona_cards: list[dict[str, str]] = []
    warnings: list[str] = []
    version_rows: list[dict[str, str]] = []
    tiers: list[dict[str, str]] = []
    persona_error: str = ""
    persona_dialog_open: bool = False

    def _icp_id(self) -> str:
        return self.router.page.params.get("icp_id", "")

    def _fill(self, session, p: Principal) -> None:
        icp = icp_reads.get_icp(session, p, self._icp_id())
        version = icp_reads.current_version(session, icp)
        self.icp = {"id": str(icp.id), "name": icp.name, "kind": icp.kind.upper(),
                    "version": str(version.number),
                    "active": "true" if icp.is_active else "false"}
        described = wizard_draft.describe(version.payload)
        self.criteria_rows = described["criteria"]
        self.disqualifier_rows = described["disqualifiers"]
        self.pain_points = list(icp.pain_points or [])
        people = personas.list_personas(session, p, icp.id)
        self.persona_cards = [_persona_card(x) for x in people]
        self.warnings = personas.persona_warnings(people)
        self.version_rows = [
            {"number": str(v.number), "when": v.created_at.strftime("%Y-%m-%d %H:%M"),
             "current": "true" if v.id == icp.current_version_id else "false",
             "summary": "; ".join(f"{r['label']} {r['weight']}"
                                  for r in wizard_draft.describe(v.payload)["criteria"])}
            for v in reversed(icp_reads.versions(session, p, icp.id))
        ]
        counts = icp_reads.tier_counts(session, p.workspace_id, icp.id)
        self.tiers = [{"tier": t, "count": str(n)} for t, n in counts.items()]

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.persona_error = ""
        with db.session_scope() as session:
            self._fill(session, p)

    @rx.event
    @guard("member")
    def set_active(self, p: Principal, active: bool):
        with db.session_scope() as session:
            icps.set_active(session, p, self._icp_id(), active, rescore=False)
            self._fill(session, p)
        return RescoreState.rescore

    @rx.event
    @guard("member")
    def restore(self, p: Principal, number: str):
        with db.session_scope() as session:
            icps.restore_version(session, p, self._icp_id(), number, rescore=False)
            self._fill(session, p)
        return [rx.toast.success(f"Version {number} restored as a new version."),
                RescoreState.rescore]

    @rx.event
    @guard("member")
    def open_persona_dialog(self, p: Principal, is_open: bool):
        self.persona_dialog_open = bool(is_open)
        self.persona_error = ""

    @rx.event
    @guard("member")
    def add_persona(self, p: Principal, form: dict):
        if not isinstance(form, dict):
            self.persona_error = "Fill in the persona form."
            return None
        payload = {k: form.get(k, "") for k in ("name", "role_title", "seniority",
                                                 "demographics", "background", "motivations",
                                                 "buying_role")}
        for key in PERSONA_LIST_FIELDS:
            payload[key] = _lines(form.get(key, ""))
        try:
            with db.session_scope() as session:
                personas.create_persona(session, p, self._icp_id(), payload)
        except ValidationError as exc:
            self.persona_error = str(exc)
            return None
        self.persona_dialog_open = False
        with db.session_scope() as session:
            self._fill(session, p)
        return rx.toast.success("Persona added.")

    @rx.event
    @guard("member")
    def delete_persona(self, p: Principal, persona_id: str):
        with db.session_scope() as session:
            personas.delete_persona(session, p, persona_id)
            self._fill(session, p)
