"""One company: details (editable), fit explanation, contacts, deals, interactions."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import companies, contacts, deal_reads, deals, interactions, options
from updoot_app.services.identity.access import Principal
from updoot_app.services.identity.workspaces import get_workspace
from updoot_app.services.platform.errors import NotFound, ValidationError
from updoot_app.services.platform.money_display import format_money
from updoot_app.services.platform.validation import form_text
from updoot_app.services.profiles.scoring_model import FIELD_LABELS
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard

LIST_LIMIT = 50
NO_PERSONA = "__none__"
RESULT_LABELS = {"match": "match", "miss": "miss", "unknown": "unknown",
                 "disqualified": "disqualified"}


def _text(value: object) -> str:
    return "" if value is None else str(value)


class CompanyState(AppState):
    company: dict[str, str] = {}
    fit_rows: list[dict[str, str]] = []
    fit_summary: str = ""
    fit_tier: str = ""
    fit_score: str = ""
    contact_rows: list[dict[str, str]] = []
    deal_rows: list[dict[str, str]] = []
    interaction_rows: list[dict[str, str]] = []
    personas: list[dict[str, str]] = []
    edit_error: str = ""
    contact_error: str = ""
    deal_error: str = ""
    log_error: str = ""
    not_found: bool = False
    form_key: int = 0

    def _company_id(self) -> str:
        return self.router.page.params.get("company_id", "")

    def _fill(self, session, p: Principal) -> None:
        company = companies.get_company(session, p.workspace_id, self._company_id())
        data = companies.company_dict(session, company)
        currency = get_workspace(session, p).currency or "USD"
        self.company = {
            "id": str(company.id), "name": company.name, "domain": _text(company.domain),
            "industry": _text(company.industry), "employees": _text(company.employees),
            "annual_revenue": "" if company.annual_revenue is None
            else format(company.annual_revenue.normalize(), "f"),
            "revenue_label": "" if company.annual_revenue is None
            else format_money(company.annual_revenue, currency),
            "country": _text(company.country),
            "tech_stack": ", ".join(company.tech_stack or []),
            "triggers": ", ".join(company.triggers or []),
            "tags": ", ".join(company.tags or []),
            "owner": _text(data.get("owner_email")), "notes": company.notes or "",
            "tax_id": _text(company.tax_id), "billing_address": company.billing_address,
        }
        f = data["fit"]
        self.fit_tier, self.fit_score = _text(f.get("tier")), _text(f.get("score"))
        self.fit_summary = _text(f.get("summary"))
        self.fit_rows = [
            {"field": FIELD_LABELS.get(item["field"], item["field"]),
             "weight": _text(item.get("weight")), "points": _text(item.get("points")),
             "result": RESULT_LABELS.get(item["result"], item["result"])}
            for item in f.get("explanation") or []
        ]
        rows, _ = contacts.list_contacts(session, p.workspace_id, company_id=company.id,
                                         page_size=LIST_LIMIT)
        persona_names = {str(x["id"]): x["name"] for x in self.personas}
        self.contact_rows = [
            {"id": str(c["id"]), "name": c["name"], "title": c["title"] or "",
             "email": _text(c["email"]), "phone": _text(c["phone"]),
             "persona": persona_names.get(_text(c["persona_id"]), "")}
            for c in rows
        ]
        rows, _ = deal_reads.list_deals(session, p.workspace_id, company_id=company.id,
                                        page_size=LIST_LIMIT)
        self.deal_rows = [
            {"id": str(d["id"]), "title": d["title"], "stage": d["stage"],
             "value": format_money(d["value"], d["currency"]),
             "kind": d["stage_kind"]}
            for d in rows
        ]
        rows, _ = interactions.list_interactions(session, p.workspace_id,
                                                 company_id=company.id, page_size=LIST_LIMIT)
        self.interaction_rows = [
            {"id": str(i["id"]), "kind": i["kind"], "summary": i["summary"],
             "outcome": i["outcome"], "when": i["occurred_at"].strftime("%Y-%m-%d %H:%M"),
             "who": _text(i["user_email"]),
             "objections": "; ".join(i.get("objections") or [])}
            for i in rows
        ]

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.edit_error = self.contact_error = self.deal_error = self.log_error = ""
        self.not_found = False
        try:
            with db.session_scope() as session:
                self.personas = options.personas_with_icp(session, p.workspace_id)
                self._fill(session, p)
        except (NotFound, ValidationError):
            self.company, self.not_found = {}, True
            self.fit_rows, self.contact_rows, self.deal_rows = [], [], []
            self.interaction_rows = []
            self.fit_summary = self.fit_tier = self.fit_score = ""
            return None
        self.form_key += 1
        return None

    @rx.event
    @guard("member")
    def save(self, p: Principal, form: dict):
        try:
            data = form_text(form, ("name", "domain", "industry", "employees",
                                     "annual_revenue", "country", "tech_stack", "triggers",
                                     "tags", "notes", "tax_id", "billing_address"))
            for key in ("tech_stack", "triggers", "tags"):
                data[key] = [v.strip() for v in data[key].split(",") if v.strip()]
            data["annual_revenue"] = data["annual_revenue"].replace(",", "") or None
            with db.session_scope() as session:
                companies.update_company(session, p, self._company_id(), data)
                self._fill(session, p)
        except (ValidationError, NotFound) as exc:
            self.edit_error = str(exc)
            return None
        self.edit_error = ""
        self.form_key += 1
        return rx.toast.success("Saved.")

    @rx.event
    @guard("member")
    def add_contact(self, p: Principal, form: dict):
        try:
            data = form_text(form, ("first_name", "last_name", "title", "email", "phone"))
            persona = form.get("persona_id", "") if isinstance(form, dict) else ""
            data["persona_id"] = "" if persona in ("", NO_PERSONA) else persona
            with db.session_scope() as session:
                company = companies.get_company(session, p.workspace_id, self._company_id())
                contacts.create_contact(session, p, {**data, "company_id": company.id})
                self._fill(session, p)
        except (ValidationError, NotFound) as exc:
            self.contact_error = str(exc)
            return None
        self.contact_error = ""
        self.form_key += 1
        return rx.toast.success("Contact added.")

    @rx.event
    @guard("member")
    def add_to_pipeline(self, p: Principal, form: dict):
        try:
            data = form_text(form, ("title", "value"))
            data["value"] = data["value"].replace(",", "") or "0"
            with db.session_scope() as session:
                company = companies.get_company(session, p.workspace_id, self._company_id())
                deal = deals.create_deal(session, p, {
                    "company_id": company.id, "title": data["title"] or company.name,
                    "value": data["value"]})
                stage = deal_reads.deal_dict(session, deal)["stage"]
                self._fill(session, p)
        except (ValidationError, NotFound) as exc:
            self.deal_error = str(exc)
            return None
        self.deal_error = ""
        self.form_key += 1
        return rx.toast.success(f"Deal added to the pipeline in {stage}.")

    @rx.event
    @guard("member")
    def log_interaction(self, p: Principal, form: dict):
        try:
            data = form_text(form, ("kind", "summary", "outcome", "objections"))
            persona = form.get("persona_id", "")
            data["persona_id"] = "" if persona in ("", NO_PERSONA) else persona
            data["objections"] = [o.strip() for o in data["objections"].split(";") if o.strip()]
            with db.session_scope() as session:
                company = companies.get_company(session, p.workspace_id, self._company_id())
                interactions.log_interaction(session, p, {**data, "company_id": company.id})
                self._fill(session, p)
        except (ValidationError, NotFound) as exc:
            self.log_error = str(exc)
            return None
        self.log_error = ""
        self.form_key += 1
        return rx.toast.success("Logged.")
