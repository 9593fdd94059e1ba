"""/profiles/suggest: an ICP drafted from your best customers, with its evidence and
its backtest beside the current ICP's; the draft opens in the wizard (nothing is
saved here)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import reflex as rx

from updoot_app import db
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import icp_history
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles.tiers import FIT_TIERS, TIER_LABELS
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard

# What "best" means, as the form offers it (value -> label).
BEST_CHOICES = {"won": "Companies with a won deal", "top_revenue": "Top N by won revenue",
                "top_paid": "Top N by paid invoices", "tag": "Companies with a tag"}


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{round(100 * share)} %"


def _auc(bt: dict | None) -> str:
    if not bt or bt.get("auc") is None:
        return "—"
    return f"{bt['auc']:.2f} (n = {bt['n']})"


def _holdout(bt: dict | None, learned: bool) -> str:
    hold = (bt or {}).get("holdout")
    if not hold:
        return "not enough recent deals"
    note = ", learned from these deals too" if learned and not hold["learned_without_it"] \
        else ""
    return f"{_auc(hold)}, since {hold['since'][:10]}{note}"


def _tier_cell(bt: dict | None, tier: str) -> str:
    row = next((t for t in (bt or {}).get("tiers", []) if t["tier"] == tier), None)
    if not row or not row["closed"]:
        return "—"
    return f"{_pct(row['win_rate'])} of {row['closed']}"


def backtest_rows(draft: dict | None, current: dict | None,
                  learned: bool = True) -> tuple[list, list]:
    """Tier rows and figure rows, the draft beside the current ICP, as display text;
    ``learned``: the left one was learned from the deals (a draft, not a saved ICP)."""
    tiers = [{"tier": TIER_LABELS.get(t, t), "draft": _tier_cell(draft, t),
              "current": _tier_cell(current, t)} for t in FIT_TIERS]
    figures = [
        {"figure": "AUC of score vs won", "draft": _auc(draft), "current": _auc(current)},
        {"figure": "Won revenue in tiers A and B",
         "draft": _pct((draft or {}).get("won_revenue_share_ab")),
         "current": _pct((current or {}).get("won_revenue_share_ab"))},
        {"figure": "Holdout: most recent 30 % of deals", "draft": _holdout(draft, learned),
         "current": _holdout(current, False)},
        {"figure": "Deals left out (closed before the company was added)",
         "draft": str((draft or {}).get("excluded", "—")),
         "current": str((current or {}).get("excluded", "—"))},
    ]
    return tiers, figures


# The reads below are pandas work over every company and closed deal: they run on a
# worker thread (asyncio.to_thread), never on the event loop.
def _suggest(p: Principal, request: dict) -> dict:
    with db.session_scope() as session:
        return icp_history.suggest_icp(session, p, request)


def _backtest(p: Principal, icp_id: str) -> dict:
    with db.session_scope() as session:
        return icp_history.backtest_icp(session, p, icp_id, with_current=True)


class IcpSuggestState(AppState):
    best: str = "won"
    top: str = "20"
    tag: str = ""
    error: str = ""
    status: str = ""
    message: str = ""
    reasons: list[dict[str, str]] = []
    evidence: list[dict[str, str]] = []
    thin: list[str] = []
    bt_tiers: list[dict[str, str]] = []
    bt_figures: list[dict[str, str]] = []
    current_names: str = ""
    wizard_href: str = "/profiles/new"

    async def _compute(self, p: Principal, request: dict) -> None:
        try:
            out = await asyncio.to_thread(_suggest, p, request)
        except ValidationError as exc:
            self.error = str(exc)
            return
        self.error, self.status, self.message = "", out["status"], out["message"]
        self.reasons = [{"weight": str(r["weight"]), "line": r["line"]} for r in out["reasons"]]
        self.evidence = [{"line": e["line"], "proposed": "yes" if e["proposed"] else ""}
                         for e in out["evidence"]]
        self.thin = [f"{t['label']}: known for {t['n_best']} best customers and {t['n_rest']}"
                     " others" for t in out["not_enough_data"]]
        current = out["backtest"]["current"]
        self.bt_tiers, self.bt_figures = backtest_rows(out["backtest"]["draft"], current)
        self.current_names = ", ".join(i["name"] for i in (current or {}).get("icps", []))
        self.wizard_href = "/profiles/new?" + urlencode(out["best"])

    @rx.event
    @guard("viewer", page=True)
    async def load(self, p: Principal):
        self.best, self.top, self.tag = "won", "20", ""
        await self._compute(p, {"best": "won"})

    @rx.event
    @guard("viewer")
    async def suggest(self, p: Principal, form: dict):
        if not isinstance(form, dict) or form.get("best") not in BEST_CHOICES:
            self.error = "Pick what best customers means."
            return
        self.best = form["best"]
        self.top = str(form.get("top", "20"))[:6]
        self.tag = str(form.get("tag", ""))[:100]
        request: dict = {"best": self.best}
        if self.best in ("top_revenue", "top_paid"):
            request["top"] = self.top.strip()
        if self.best == "tag":
            request["tag"] = self.tag
        await self._compute(p, request)


class IcpBacktestState(AppState):
    """The backtest card of one ICP's page: this ICP beside the active ones."""

    bt_tiers: list[dict[str, str]] = []
    bt_figures: list[dict[str, str]] = []
    bt_note: str = ""

    @rx.event
    @guard("viewer")
    async def load(self, p: Principal):
        out = await asyncio.to_thread(_backtest, p, self.router.page.params.get("icp_id", ""))
        self.bt_tiers, self.bt_figures = backtest_rows(out, out["current"], learned=False)
        self.bt_note = ("" if out["n"] else
                        "No closed deals yet: win and lose a few deals to see a backtest.")
