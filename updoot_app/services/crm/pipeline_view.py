"""What the pipeline pages show, as plain strings: board columns and cards.
No business rules here: deal_reads.board / list_deals compute, this module only
shapes their rows for the screen (the filters' choices are options.py's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

from sqlmodel import Session

from updoot_app.services.crm import buying_committee, deal_reads, follow_up_reads
from updoot_app.services.platform.money_display import format_money


def owner_label(email: str | None) -> str:
    return (email or "").split("@")[0] or "—"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else ""


@lru_cache(maxsize=8192)
def money(value: Decimal | None, currency: str) -> str:
    """format_money, remembered: babel's locale lookups cost ~0.2 ms a call, and a
    board shows the same amounts on every load."""
    return format_money(value, currency)


# What a board card does not show (the list and the deal page do): a move resends
# every card of the board, so each key left out here is 84 fewer strings a move.
NOT_ON_BOARD = ("fit_summary", "company_id", "stage", "kind")


def card(row: dict, mark: dict | None, *, board: bool = False,
         has_next: bool | None = None) -> dict[str, str]:
    """A deal as strings for the screen; `board=True` leaves out NOT_ON_BOARD (the
    board builds the fit sentence in the browser). `has_next` False flags an open
    deal "no next step" (None: not known here, no flag)."""
    tier = row["fit_tier"] or ""
    score = "" if row["fit_score"] is None else str(row["fit_score"])
    out = {
        "id": str(row["id"]),
        "title": row["title"],
        "company": row["company_name"],
        "company_id": str(row["company_id"]),
        "value": money(row["value"], row["currency"]),
        "fit_tier": tier,
        "fit_score": score,
        "fit_summary": (f"Fit score {score}, tier {tier}: open the company for the "
                        "criterion-by-criterion explanation.") if tier else "",
        "owner": owner_label(row["owner_email"]),
        "days": str(row["days_in_stage"]),
        "stale": "yes" if row["stale"] else "",
        "stage_id": str(row["stage_id"]),
        "stage": row["stage"],
        "kind": row["stage_kind"],
        "closed": when(row["closed_at"]),
        "coverage": (mark or {}).get("mark", f"0/{len(buying_committee.HELPFUL_ROLES)}"),
        "covered": str((mark or {}).get("covered", 0)),
        "no_next": "yes" if has_next is False and row["stage_kind"] == "open" else "",
    }
    if board:
        for key in NOT_ON_BOARD:
            del out[key]
    return out


def column(col: dict, currency: str) -> dict[str, str]:
    return {
        "stage_id": str(col["stage_id"]),
        "name": col["name"],
        "kind": col["kind"],
        "probability": str(col["probability"]),
        "count": str(col["count"]),
        "value": money(col["value"], currency),
        "weighted": money(col["weighted_value"], currency),
        "more": str(col["more"]),
        "other": ", ".join(f"{money(v['value'], cur)}" for cur, v in
                           col["other_currencies"].items()),
    }


@dataclass
class BoardView:
    """A board as the page shows it, and what a move needs to update it in place
    (services/crm/board_patch.py): each column's probability and its (count, sum)
    per currency, by stage id."""

    headers: list[dict[str, str]]
    cards: dict[str, list[dict[str, str]]]
    totals: dict[str, dict]
    currency: str

    @property
    def empty(self) -> bool:
        """Loaded, and no deal matches: the page shows a hint instead of empty columns."""
        return bool(self.headers) and all(h["count"] == "0" for h in self.headers)


def board_view(session: Session, workspace_id: int, filters: dict, per_column_limit: int,
               only_stages: list[int] | None = None) -> BoardView:
    """Column headers and {stage_id: cards} with the compact coverage mark of the
    visible cards only (one GROUP BY over their ids); `only_stages` as in
    deal_reads.board."""
    result = deal_reads.board(session, workspace_id, filters=filters,
                              per_column_limit=per_column_limit, only_stages=only_stages)
    ids = [c["id"] for col in result["columns"] for c in col["cards"]]
    marks = buying_committee.coverage_marks(session, workspace_id, ids)
    nexts = follow_up_reads.next_steps(session, workspace_id, ids)
    headers = [column(col, result["currency"]) for col in result["columns"]]
    cards = {str(col["stage_id"]): [card(c, marks.get(c["id"]), board=True,
                                         has_next=c["id"] in nexts)
                                    for c in col["cards"]]
             for col in result["columns"]}
    totals = {str(col["stage_id"]): {"probability": col["probability"], "groups": col["groups"]}
              for col in result["columns"]}
    return BoardView(headers, cards, totals, result["currency"])
