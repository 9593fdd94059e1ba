"""Competitor pages: the list, one battlecard with its win/loss figures, and the
comparison table (us versus up to three competitors)."""

from __future__ import annotations

import reflex as rx

from updoot_app import db
from updoot_app.models.competitor import MARKDOWN_FIELDS
from updoot_app.services.competitors import battlecards, win_loss
from updoot_app.services.competitors.battlecards import FIELD_LABELS
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import DomainError
from updoot_app.services.platform.markdown_safe import render
from updoot_app.services.platform.money_display import format_money
from updoot_app.services.profiles import wizard_draft
from updoot_app.state.app_state import AppState
from updoot_app.state.competitors.deal_competitor_panel_state import battlecard_dict
from updoot_app.state.guard import guard
from updoot_app.state.kpis import charts

MAX_COMPARE = 3
STATUS_TEXT = {"overlap": "Overlap", "no_overlap": "No overlap", "not_stated": "Not stated"}


def _form_payload(form: object) -> dict:
    if not isinstance(form, dict):
        return {}
    data: dict = {}
    for key in ("name", "website", *MARKDOWN_FIELDS):
        if key in form:
            data[key] = form[key]
    target = {}
    for key in ("industries", "geography", "segments"):
        if key in form:
            target[key] = form[key]
    for key in ("employees_min", "employees_max"):
        if key in form:
            target[key] = form[key].strip() if isinstance(form[key], str) else form[key]
    if target:
        data["target"] = target
    return data


def win_rate_figure(quarters: list[dict]) -> dict:
    """Bars: deals won and lost per quarter; line: the win rate (hover shows n)."""
    traces = []
    if quarters:
        labels = [q["quarter"] for q in quarters]
        traces = [
            charts.bar(labels, [q["won"] for q in quarters], name="Won",
                        marker={"color": "#30a46c"}, yaxis="y2", opacity=0.35),
            charts.bar(labels, [q["lost"] for q in quarters], name="Lost",
                        marker={"color": "#e5484d"}, yaxis="y2", opacity=0.35),
            charts.scatter(labels, [q["percent"] for q in quarters], name="Win rate %",
                            mode="lines+markers+text", line={"color": "#3e63dd", "width": 3},
                            text=[q["label"] for q in quarters], textposition="top center",
                            hovertemplate="%{x}: %{text}<extra></extra>"),
        ]
    return charts.chart(
        traces, height=320, margin={"l": 40, "r": 40, "t": 30, "b": 40}, barmode="group",
        bargap=0.5, yaxis={"title": {"text": "Win rate %"}, "range": [0, 110]},
        yaxis2={"title": {"text": "Deals"}, "overlaying": "y", "side": "right",
                "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2})


class CompetitorsState(AppState):
    rows: list[dict[str, str]] = []
    new_error: str = ""
    new_open: bool = False

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        with db.session_scope() as session:
            sums = win_loss.summaries(session, p.workspace_id)
            empty = win_loss.no_deals_summary()
            rows = []
            for c in battlecards.list_competitors(session, p.workspace_id):
                win = sums.get(c.id, empty)
                rows.append({"id": str(c.id), "name": c.name, "website": c.website,
                             "win_label": win["label"], "won": str(win["won"]),
                             "lost": str(win["lost"]), "open": str(win["open"]),
                             "reviewed": c.reviewed_at.strftime("%Y-%m-%d")
                             if c.reviewed_at else "never"})
        self.rows = rows

    @rx.event
    @guard("member")
    def set_new_open(self, p: Principal, is_open: bool):
        self.new_open = bool(is_open)
        self.new_error = ""

    @rx.event
    @guard("member")
    def create(self, p: Principal, form: dict):
        try:
            with db.session_scope() as session:
                competitor = battlecards.create_competitor(session, p, _form_payload(form))
                cid = competitor.id
        except DomainError as exc:
            self.new_error = str(exc)
            return None
        self.new_error = ""
        self.new_open = False
        return rx.redirect(f"/competitors/{cid}")


class CompetitorDetailState(AppState):
    card: dict[str, str] = {}
    form: dict[str, str] = {}
    tier_rows: list[dict[str, str]] = []
    overlap_rows: list[dict[str, str]] = []
    industry_rows: list[dict[str, str]] = []
    country_rows: list[dict[str, str]] = []
    overall: dict[str, str] = {}
    has_quarters: bool = False
    figure: dict = charts.EMPTY
    edit_error: str = ""
    form_key: int = 0

    def _cid(self) -> str:
        return self.router.page.params.get("competitor_id", "")

    def _fill(self, session, p: Principal) -> None:
        competitor = battlecards.get_competitor(session, p.workspace_id, self._cid())
        self.card = battlecard_dict(session, p.workspace_id, competitor)
        out = battlecards.competitor_out(session, competitor, html=False)
        target = out["target"]
        self.form = {
            "name": out["name"], "website": out["website"],
            **{key: out[key] for key in MARKDOWN_FIELDS},
            "industries": ", ".join(target["industries"]),
            "geography": ", ".join(target["geography"]),
            "segments": ", ".join(target["segments"]),
            "employees_min": "" if target["employees_min"] is None
            else str(target["employees_min"]),
            "employees_max": "" if target["employees_max"] is None
            else str(target["employees_max"]),
        }
        stats = win_loss.competitor_stats(session, p.workspace_id, competitor.id)
        cur = stats["currency"]
        ov = stats["overall"]
        self.overall = {"label": ov["label"], "won": str(ov["won"]), "lost": str(ov["lost"]),
                        "open": str(ov["open"]), "deals": str(ov["deals"])}
        self.tier_rows = [
            {"tier": r["label"], "key": r["key"], "rate": r["rate_label"], "won": str(r["won"]),
             "lost": str(r["lost"]), "open": str(r["open"]),
             "avg_size": format_money(r["avg_deal_size"], cur)
             if r["avg_deal_size"] is not None else "—",
             "avg_cycle": f"{r['avg_cycle_days']:g} days"
             if r["avg_cycle_days"] is not None else "—"}
            for r in stats["by_fit_tier"]]
        self.overlap_rows = [{"icp": r["icp"], "label": r["label"], "ours": r["ours"],
                              "status": r["status"], "status_text": STATUS_TEXT[r["status"]],
                              "shared": r["shared"] or "—"} for r in stats["overlap"]]
        self.industry_rows = [_segment_row(r) for r in stats["top_industries"]]
        self.country_rows = [_segment_row(r) for r in stats["top_countries"]]
        self.has_quarters = bool(stats["by_quarter"])
        self.figure = win_rate_figure(stats["by_quarter"])

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        self.edit_error = ""
        self.card = {}
        with db.session_scope() as session:
            self._fill(session, p)
        self.form_key += 1

    @rx.event
    @guard("member")
    def save(self, p: Principal, form: dict):
        try:
            with db.session_scope() as session:
                battlecards.update_competitor(session, p, self._cid(), _form_payload(form))
        except DomainError as exc:
            self.edit_error = str(exc)
            return None
        self.edit_error = ""
        with db.session_scope() as session:
            self._fill(session, p)
        self.form_key += 1
        return rx.toast.success("Battlecard saved.")

    @rx.event
    @guard("member")
    def mark_reviewed(self, p: Principal):
        with db.session_scope() as session:
            battlecards.mark_reviewed(session, p, self._cid())
        with db.session_scope() as session:
            self._fill(session, p)
        return rx.toast.success("Marked as reviewed today.")

    @rx.event
    @guard("member")
    def delete(self, p: Principal):
        with db.session_scope() as session:
            battlecards.delete_competitor(session, p, self._cid())
        return [rx.toast.success("Battlecard deleted."), rx.redirect("/competitors")]


def _segment_row(r: dict) -> dict[str, str]:
    return {"segment": r["segment"], "deals": str(r["deals"]), "win_label": r["label"]}


class CompareState(AppState):
    options: list[dict[str, str]] = []
    selected: list[str] = []
    selected_rows: list[dict[str, str]] = []
    headers: list[str] = []
    rows: list[list[str]] = []

    def _fill(self, session, p: Principal) -> None:
        all_comp = battlecards.list_competitors(session, p.workspace_id)
        by_id = {str(c.id): c for c in all_comp}
        self.selected = [s for s in self.selected if s in by_id][:MAX_COMPARE]
        self.options = [{"id": str(c.id), "name": c.name} for c in all_comp
                        if str(c.id) not in self.selected]
        chosen = [by_id[s] for s in self.selected]
        self.selected_rows = [{"id": str(c.id), "name": c.name} for c in chosen]
        sums = win_loss.summaries(session, p.workspace_id)
        empty = win_loss.no_deals_summary()
        ours = [f"- **{wizard_draft.FIELD_LABELS.get(crit['field'], crit['field'])}**: "
                f"{wizard_draft.describe_condition(crit)}"
                for _icp, crit in win_loss.active_icp_criteria(session, p.workspace_id)]
        self.headers = ["", "Us", *[c.name for c in chosen]]

        def target_md(c) -> str:
            t = battlecards.describe_target(c.target)
            parts = [f"- **{label}**: {t[key]}" for key, label in
                     (("industries", "Industries"), ("employees", "Employees"),
                      ("geography", "Geography"), ("segments", "Segments")) if t[key]]
            return "\n".join(parts)

        gaps = "\n".join(f"- {line.lstrip('-* ').strip()}" for c in chosen
                         for line in c.gaps.splitlines() if line.strip())
        rows = [["Who they target", render("\n".join(ours)) or "<p>No active ICP</p>",
                 *[render(target_md(c)) or "<p>—</p>" for c in chosen]]]
        us_text = {"strengths": gaps, "talk_track": ""}
        for key in ("strengths", "weaknesses", "where_they_win", "pricing_notes",
                    "talk_track"):
            rows.append([FIELD_LABELS[key], render(us_text.get(key, "")) or "<p>—</p>",
                         *[render(getattr(c, key)) or "<p>—</p>" for c in chosen]])
        overall = win_loss.overall(session, p.workspace_id)
        rows.append(["Win rate", f"<p>{overall['label']} overall</p>",
                     *[f"<p>{sums.get(c.id, empty)['label']} against them</p>"
                       for c in chosen]])
        self.rows = rows

    @rx.event
    @guard("viewer", page=True)
    def load(self, p: Principal):
        raw = self.router.page.params.get("ids", "") or ""
        if isinstance(raw, list):
            raw = ",".join(raw)
        self.selected = [s.strip() for s in str(raw).split(",") if s.strip().isdigit()][:3]
        with db.session_scope() as session:
            self._fill(session, p)

    @rx.event
    @guard("viewer")
    def add(self, p: Principal, competitor_id: str):
        if not isinstance(competitor_id, str) or not competitor_id.isdigit():
            return None
        if len(self.selected) >= MAX_COMPARE:
            return rx.toast.error(f"Compare at most {MAX_COMPARE} competitors.")
        if competitor_id not in self.selected:
            self.selected = [*self.selected, competitor_id]
        with db.session_scope() as session:
            self._fill(session, p)
        return None

    @rx.event
    @guard("viewer")
    def remove(self, p: Principal, competitor_id: str):
        self.selected = [s for s in self.selected if s != competitor_id]
        with db.session_scope() as session:
            self._fill(session, p)
