"""An ICP from your best customers, and the backtest of an ICP on your sales
history: the reads behind them (one query per table, never one per company) and
the two reads the API and the pages call.

- ``suggest_icp``: who is "best" (``{"best": "won"}``, ``{"best": "top_revenue",
  "top": 20}``, ``{"best": "top_paid", "top": 20}`` or ``{"best": "tag", "tag":
  "..."}``), the evidence and the draft (``icp_suggest``), and two backtests side
  by side: the draft's and the workspace's current one (its active ICPs). The
  draft's holdout figure comes from a second draft learned without the holdout
  deals, so it is not flattered by leakage (not possible for a tag or for paid
  invoices, which carry no close date: the answer says so).
- ``backtest_icp``: one saved ICP at its current version, active or not;
  ``backtest_draft``: an unsaved one (the wizard's, before saving).
- ``review_prompts``: the active ICPs due for review ("Time to review"), each
  with its reasons (``icp_backtest.review_reasons``).

Nothing is written: a draft is saved only through the wizard or ``POST /icps``.
Any role may read these.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, func, select, type_coerce
from sqlmodel import Session

from updoot_app.models import Company, Deal, Icp, IcpVersion, Invoice, Payment
from updoot_app.models.types import MONEY_SCALE, utcnow
from updoot_app.services.identity.access import Principal
from updoot_app.services.kpis import icp_backtest, icp_suggest
from updoot_app.services.kpis.memo import stages_of
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_text, reject_unknown
from updoot_app.services.profiles import icp_reads
from updoot_app.services.profiles.fit import SCORING_COLUMNS
from updoot_app.services.profiles.scoring_model import parse_icp

COMPANY_COLUMNS = (*SCORING_COLUMNS, "created_at")
MAX_TOP = 10_000
LEAKY_MODES = ("tag", "top_paid")  # "best" does not depend on when deals closed


# --------------------------------------------------------------------------- reads


def _money(column) -> Any:
    """The stored integer of a money column (divided by MONEY_SCALE in pandas)."""
    return type_coerce(column, BigInteger)


def read_companies(session: Session, workspace_id: int) -> pd.DataFrame:
    table = Company.__table__
    rows = session.execute(select(*(table.c[c] for c in COMPANY_COLUMNS))
                           .where(table.c.workspace_id == workspace_id)
                           .order_by(table.c.id)).all()
    return pd.DataFrame.from_records(rows, columns=list(COMPANY_COLUMNS))


def read_closed_deals(session: Session, workspace_id: int) -> pd.DataFrame:
    """Deals in a won or lost stage: id, company_id, won, value (float), closed_at."""
    stages = stages_of(session, workspace_id)
    table = Deal.__table__
    rows = session.execute(
        select(table.c.id, table.c.company_id, table.c.stage_id.in_(stages.won_ids or (-1,)),
               _money(table.c.value), table.c.closed_at)
        .where(table.c.workspace_id == workspace_id,
               table.c.stage_id.in_((stages.won_ids + stages.lost_ids) or (-1,)))).all()
    frame = pd.DataFrame.from_records(rows, columns=list(icp_backtest.DEAL_COLUMNS))
    frame["won"] = frame["won"].astype(bool)
    frame["value"] = frame["value"].astype(np.float64) / float(MONEY_SCALE)
    return frame


def read_paid(session: Session, workspace_id: int) -> pd.DataFrame:
    """Payments received per company (all currencies summed): company_id, amount."""
    rows = session.execute(
        select(Invoice.company_id, func.sum(_money(Payment.__table__.c.amount)))
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(Payment.workspace_id == workspace_id, Invoice.company_id.is_not(None))
        .group_by(Invoice.company_id)).all()
    frame = pd.DataFrame.from_records(rows, columns=["company_id", "amount"])
    frame["amount"] = frame["amount"].astype(np.float64) / float(MONEY_SCALE)
    return frame


# --------------------------------------------------------------------------- input


def clean_request(raw: Any) -> dict:
    """``{"best", "top", "tag"}`` from the API or a form; 422 names the field."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationError("best", "Send an object such as {\"best\": \"won\"}.")
    reject_unknown(raw, ("best", "top", "tag"))
    best = raw.get("best", "won")
    if best not in icp_suggest.BEST_MODES:
        raise ValidationError("best", f"best must be one of {', '.join(icp_suggest.BEST_MODES)}.")
    out: dict[str, Any] = {"best": best}
    if best in ("top_revenue", "top_paid"):
        top = raw.get("top", 20)
        if isinstance(top, str) and top.strip().isdigit():
            top = int(top.strip())
        if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_TOP:
            raise ValidationError("top", f"top must be a whole number from 1 to {MAX_TOP:,}.")
        out["top"] = top
    elif raw.get("top") is not None:
        raise ValidationError("top", "top goes with best \"top_revenue\" or \"top_paid\".")
    if best == "tag":
        out["tag"] = clean_text(raw.get("tag"), "tag", "Tag", max_len=100)
    elif raw.get("tag") is not None:
        raise ValidationError("tag", "tag goes with best \"tag\".")
    return out


def _draft_name(request: dict) -> str:
    if request["best"] == "tag":
        return f"Like our customers tagged {request['tag']}"[:120]
    if request["best"] in ("top_revenue", "top_paid"):
        what = "won revenue" if request["best"] == "top_revenue" else "paid invoices"
        return f"Like our top {request['top']} customers by {what}"
    return "Like our customers with won deals"


# --------------------------------------------------------------------------- the reads the API calls


def _best(companies: pd.DataFrame, deals: pd.DataFrame, request: dict,
          paid: pd.DataFrame | None) -> np.ndarray:
    return icp_suggest.pick_best(companies, deals, mode=request["best"],
                                 top=request.get("top", 20), tag=request.get("tag", ""),
                                 paid=paid)


def _holdout_specs(companies: pd.DataFrame, deals: pd.DataFrame, request: dict,
                   paid: pd.DataFrame | None) -> list | None:
    """The draft learned again without the holdout deals, when that means something."""
    if request["best"] in LEAKY_MODES:
        return None
    kept, _excluded = icp_backtest.usable(companies, deals)
    start = icp_backtest.holdout_start(kept)
    if start is None:
        return None
    train = deals[~deals["id"].isin(kept["id"].iloc[start:])]
    learned = icp_suggest.suggest(companies, _best(companies, train, request, paid),
                                  name=_draft_name(request), exclude_tag=request.get("tag", ""))
    return [parse_icp(learned["draft"])] if learned["draft"] else None


def suggest_icp(session: Session, principal: Principal, raw: Any) -> dict:
    """The suggestion with its evidence and backtests (see the module docstring)."""
    request = clean_request(raw)
    ws = principal.workspace_id
    companies, deals = read_companies(session, ws), read_closed_deals(session, ws)
    paid = read_paid(session, ws) if request["best"] == "top_paid" else None
    result = icp_suggest.suggest(companies, _best(companies, deals, request, paid),
                                 name=_draft_name(request), exclude_tag=request.get("tag", ""))
    specs = icp_reads.specs_for_workspace(session, ws)
    current = None
    if specs:
        current = icp_backtest.backtest(companies, deals, specs) | {
            "icps": [{"id": s.id, "name": s.name} for s in specs]}
    draft = None
    if result["draft"]:
        draft = icp_backtest.backtest(companies, deals, [parse_icp(result["draft"])],
                                      holdout_specs=_holdout_specs(companies, deals, request,
                                                                   paid))
    return result | {"best": request, "backtest": {"draft": draft, "current": current}}


def backtest_icp(session: Session, principal: Principal, icp_id: object, *,
                 with_current: bool = False) -> dict:
    """The backtest of one ICP of the caller's workspace at its current version; with
    ``with_current``, also ``current``: the backtest of the workspace's active ICPs
    (the fit every company has now), for the ICP's page to compare."""
    icp = icp_reads.get_icp(session, principal, icp_id)
    version = icp_reads.current_version(session, icp)
    ws = principal.workspace_id
    companies, deals = read_companies(session, ws), read_closed_deals(session, ws)
    out = icp_backtest.backtest(companies, deals, [parse_icp(version.payload, id=icp.id)])
    out |= {"icp_id": icp.id, "name": icp.name, "version": version.number}
    if with_current:
        specs = icp_reads.specs_for_workspace(session, ws)
        out["current"] = icp_backtest.backtest(companies, deals, specs) if specs else None
    return out


def backtest_draft(session: Session, principal: Principal, payload: Any) -> dict:
    """The backtest of an unsaved ICP (the wizard's draft, in the POST /icps shape),
    with ``current``: the workspace's active ICPs, to compare before saving."""
    spec = parse_icp(payload)
    ws = principal.workspace_id
    companies, deals = read_companies(session, ws), read_closed_deals(session, ws)
    specs = icp_reads.specs_for_workspace(session, ws)
    return icp_backtest.backtest(companies, deals, [spec]) | {
        "current": icp_backtest.backtest(companies, deals, specs) if specs else None}


def review_prompts(session: Session, principal: Principal, *, now=None) -> list[dict]:
    """Active ICPs due for review: [{"icp_id", "name", "reasons"}], oldest id first."""
    ws = principal.workspace_id
    rows = session.execute(
        select(Icp.id, Icp.name, IcpVersion.payload, IcpVersion.created_at)
        .join(IcpVersion, IcpVersion.id == Icp.current_version_id)
        .where(Icp.workspace_id == ws, Icp.is_active.is_(True)).order_by(Icp.id)).all()
    if not rows:
        return []
    companies, deals = read_companies(session, ws), read_closed_deals(session, ws)
    when = _naive_utc(now or utcnow())
    out = []
    for icp_id, name, payload, created in rows:
        reasons = icp_backtest.review_reasons(companies, deals, parse_icp(payload, id=icp_id),
                                              _naive_utc(created), when)
        if reasons:
            out.append({"icp_id": icp_id, "name": name, "reasons": reasons})
    return out


def _naive_utc(when) -> pd.Timestamp:
    stamp = pd.Timestamp(when)
    return stamp.tz_convert(None) if stamp.tzinfo else stamp
