"""KPIs: every figure of the Goals module, as SQL aggregates over the database.

Each metric is a function of ``(session, workspace_id, period, segment)`` and
returns a :class:`Figure` (the value and ``n``, the number of rows behind it).
Queries aggregate in the database (COUNT/SUM/GROUP BY on covering indexes, see
``models/goals.py``); Python only sees a handful of grouped rows, so the same
code answers for ten deals or a million.

Definitions (the dashboard, the API and the goals all use these):

- **new_leads**: companies created in the period. **icp_fit_leads**: those of
  them whose current fit tier is A or B.
- **deals_created**: deals created in the period.
- **win_rate**: won / (won + lost) among deals *closed* in the period.
- **revenue**: the value of deals won in the period (see ``revenue_source``:
  ``invoiced_revenue`` / ``paid_revenue`` answer ``None`` until the billing
  module provides ``services/revenue.py``).
- **avg_deal_size**: revenue / number of deals won in the period.
- **sales_cycle_days**: mean days from creation to closing of deals won in
  the period.
- **pipeline_value** / **pipeline_weighted**: open deals created before the
  period's end, at face value / value × stage probability (a snapshot: deals
  that are open now).
- **conversion_rate** and the **funnel**: the cohort of deals created in the
  period. A deal *reached* every open stage up to the furthest one it got to:
  its current stage if it is open, every open stage if it was won, and, if it
  was lost, the open stage it was lost from (its move into the lost stage in
  DealStageChange). A deal that skips stages therefore counts as passing
  through the skipped ones; backward moves are not counted twice. Conversion from stage S = reached(next stage) / reached(S); the last
  open stage converts into Won. Without a stage, conversion_rate is the
  overall rate: won / reached(first stage).

Money is summed as stored (exact integers, see ``models.types.Money``); deals
in several currencies are added as they are (the workspace sells in one).

Segments filter the rows: ``all``, ``fit_tier`` (A/B/C/D/not_a_fit, or
``none`` for unscored), ``icp`` (the ICP the company matched best),
``industry``, ``country`` (ISO alpha-2), ``region`` (a region name, expanded
to its countries), ``persona`` (the company has a contact with that persona),
``owner`` (the deal's owner; a company's owner for lead metrics), and
``competitor`` (deals where that competitor was present).
"""

from __future__ import annotations

import calendar
import contextvars
import copy
import functools
import re
import threading
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, case, func, literal
from sqlmodel import Session, select

from updoot_app.models import Company, Contact, Deal, DealStageChange, Stage
from updoot_app.models.types import money_from_db
from updoot_app.services.platform import geo
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.profiles import tiers

# metric -> (label, unit, kind). unit: count | rate | money | days.
# kind "sum": accumulates over the period (goals compare with the pace so far);
# "level": a rate, average or snapshot (goals compare with the target itself).
METRICS: dict[str, tuple[str, str, str]] = {
    "new_leads": ("New leads", "count", "sum"),
    "icp_fit_leads": ("ICP-fit leads (tier A/B)", "count", "sum"),
    "deals_created": ("Deals created", "count", "sum"),
    "conversion_rate": ("Stage conversion rate", "rate", "level"),
    "win_rate": ("Win rate", "rate", "level"),
    "revenue": ("Revenue (won deals)", "money", "sum"),
    "revenue_invoiced": ("Revenue invoiced", "money", "sum"),
    "revenue_paid": ("Revenue paid", "money", "sum"),
    "pipeline_value": ("Pipeline value", "money", "level"),
    "pipeline_weighted": ("Weighted pipeline", "money", "level"),
    "avg_deal_size": ("Average deal size", "money", "level"),
    "sales_cycle_days": ("Sales cycle (days)", "days", "level"),
}
LOWER_IS_BETTER = frozenset({"sales_cycle_days"})
SEGMENT_TYPES = ("all", "fit_tier", "icp", "industry", "country", "region", "persona",
                 "owner", "competitor")
SEGMENT_LABELS = {"all": "All deals", "fit_tier": "Fit tier", "icp": "ICP",
                  "industry": "Industry", "country": "Country", "region": "Region",
                  "persona": "Persona", "owner": "Owner",
                  "competitor": "Competitor"}
FIT_TIERS = (*tiers.FIT_TIERS, "none")  # "none": the segment of unscored companies
FIT_SEGMENTS = ("fit_tier", "icp")  # segments that are a condition on the fit itself
PERIOD_KINDS = ("month", "quarter", "year", "custom")
BREAKDOWNS = ("fit_tier", "industry", "country", "owner", "icp")
MAX_SEGMENT_VALUE = 100
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime  # aware UTC, inclusive
    end: datetime  # aware UTC, exclusive

    @property
    def label(self) -> str:
        s = self.start
        if self.kind == "month":
            return s.strftime("%b %Y")
        if self.kind == "quarter":
            return f"Q{(s.month - 1) // 3 + 1} {s.year}"
        if self.kind == "year":
            return str(s.year)
        last = self.end - timedelta(days=1)
        return f"{s.date().isoformat()} – {last.date().isoformat()}"

    def elapsed_fraction(self, now: datetime | None = None) -> float:
        now = now or datetime.now(UTC)
        total = (self.end - self.start).total_seconds()
        done = (min(max(now, self.start), self.end) - self.start).total_seconds()
        return done / total if total > 0 else 1.0

    def to_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start.date().isoformat(),
                "end": (self.end - timedelta(days=1)).date().isoformat(), "label": self.label}


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def period_of(kind: str, ref: date | None = None) -> Period:
    """The month, quarter or year containing ``ref`` (today by default)."""
    ref = ref or datetime.now(UTC).date()
    if kind == "month":
        start = date(ref.year, ref.month, 1)
        end = date(ref.year + ref.month // 12, ref.month % 12 + 1, 1)
    elif kind == "quarter":
        first = (ref.month - 1) // 3 * 3 + 1
        start = date(ref.year, first, 1)
        end = date(ref.year + (first + 3 > 12), (first + 2) % 12 + 1, 1)
    elif kind == "year":
        start, end = date(ref.year, 1, 1), date(ref.year + 1, 1, 1)
    else:
        raise ValidationError("period", "Period must be month, quarter, year or a date range.")
    return Period(kind, _at(start), _at(end))


def custom_period(start: object, end: object) -> Period:
    """A custom range of whole days, ``end`` included."""
    first, last = _clean_date(start, "start"), _clean_date(end, "end")
    if last < first:
        raise ValidationError("end", "The end date must not be before the start date.")
    if (last - first).days > 366 * 20:
        raise ValidationError("end", "A period can span at most 20 years.")
    return Period("custom", _at(first), _at(last + timedelta(days=1)))


def _clean_date(raw: object, name: str) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip()[:10])
        except ValueError:
            pass
    raise ValidationError(name, f"Give the {name} date as YYYY-MM-DD.")


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(raw: object, today: date | None = None) -> Period:
    """``month`` | ``quarter`` | ``year`` (the current one), ``2026-11``,
    ``2026-Q4``, ``2026``, ``all`` or a range ``2026-01-01..2026-03-31``."""
    if raw is None or raw == "":
        raw = "year"
    if not isinstance(raw, str) or len(raw) > 40:
        raise ValidationError("period", "Invalid period.")
    text = raw.strip()
    try:
        if text in ("month", "quarter", "year"):
            return period_of(text, today)
        if text == "all":
            return Period("custom", EPOCH, _at((today or datetime.now(UTC).date())
                                               + timedelta(days=1)))
        if m := _MONTH.match(text):
            return period_of("month", date(int(m[1]), int(m[2]), 1))
        if m := _QUARTER.match(text):
            return period_of("quarter", date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1))
        if m := _YEAR.match(text):
            return period_of("year", date(int(m[1]), 1, 1))
    except ValueError:
        pass
    if ".." in text:
        start, end = text.split("..", 1)
        return custom_period(start, end)
    raise ValidationError(
        "period", "Period must be month, quarter, year, YYYY-MM, YYYY-Qn, YYYY or START..END.")


# --------------------------------------------------------------------------- segments


@dataclass(frozen=True)
class Segment:
    type: str = "all"
    value: str = ""

    @property
    def label(self) -> str:
        if self.type == "all":
            return "All"
        return f"{SEGMENT_LABELS[self.type]}: {self.value}"


ALL = Segment()


def clean_segment(seg_type: object, value: object = "") -> Segment:
    if seg_type in (None, ""):
        seg_type = "all"
    if seg_type not in SEGMENT_TYPES:
        raise ValidationError("segment_type", f"Segment must be one of {', '.join(SEGMENT_TYPES)}.")
    if seg_type == "all":
        return ALL
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("segment_value", "Choose a value for the segment.")
    value = value.strip()
    if len(value) > MAX_SEGMENT_VALUE:
        raise ValidationError("segment_value", "The segment value is too long.")
    if seg_type == "fit_tier":
        tier = value if value in ("not_a_fit", "none") else value.upper()
        if tier not in FIT_TIERS:
            raise ValidationError("segment_value", "Fit tier must be A, B, C, D, not_a_fit or none.")
        value = tier
    elif seg_type in ("icp", "persona", "owner", "competitor"):
        if not re.fullmatch(r"\d{1,12}", value) or int(value) <= 0:
            raise ValidationError("segment_value", f"The {seg_type} must be an id.")
    elif seg_type == "country":
        code = geo.normalise_country(value)
        if code is None:
            raise ValidationError("segment_value", f"Unknown country: {value!r}.")
        value = code
    elif seg_type == "region":
        name = geo.region_name(value)
        if name is None:
            raise ValidationError("segment_value", f"Unknown region: {value!r}.")
        value = name
    return Segment(seg_type, value)


def parse_segment(raw: object) -> Segment:
    """``all`` or ``type:value``, e.g. ``fit_tier:A``, ``region:Europe``, ``owner:3``."""
    if raw in (None, "", "all"):
        return ALL
    if not isinstance(raw, str) or ":" not in raw:
        raise ValidationError("segment", "Segment must be 'all' or 'type:value'.")
    seg_type, value = raw.split(":", 1)
    return clean_segment(seg_type.strip(), value)


def _company_conds(seg: Segment, workspace_id: int) -> list:
    """Conditions on Company for a segment (lead metrics, and deals joined to companies)."""
    t, v = seg.type, seg.value
    if t == "fit_tier":
        return [Company.fit_tier.is_(None)] if v == "none" else [Company.fit_tier == v]
    if t == "icp":
        return [Company.fit_icp_id == int(v)]
    if t == "industry":
        return [func.lower(Company.industry) == v.lower()]
    if t == "country":
        return [Company.country == v]
    if t == "region":
        return [Company.country.in_(sorted(geo.expand_geography([v])))]
    if t == "persona":
        return [Company.id.in_(select(Contact.company_id).where(
            Contact.workspace_id == workspace_id, Contact.persona_id == int(v)))]
    if t == "owner":
        return [Company.owner_id == int(v)]
    if t == "competitor":  # companies with a deal where the competitor was present
        return [Company.id.in_(select(Deal.company_id).where(
            Deal.id.in_(_competitor_deal_ids(workspace_id, int(v)))))]
    return []  # all


def _competitor_deal_ids(workspace_id: int, competitor_id: int):
    from updoot_app.models import DealCompetitor

    return select(DealCompetitor.deal_id).where(DealCompetitor.workspace_id == workspace_id,
                                                DealCompetitor.competitor_id == competitor_id)


def _deals(stmt, seg: Segment, workspace_id: int):
    """Restrict a statement over Deal to a segment (joining Company when needed)."""
    if seg.type == "all":
        return stmt
    if seg.type == "competitor":
        return stmt.where(Deal.id.in_(_competitor_deal_ids(workspace_id, int(seg.value))))
    if seg.type == "owner":
        return stmt.where(Deal.owner_id == int(seg.value))
    if seg.type == "persona":
        return stmt.where(Deal.company_id.in_(select(Contact.company_id).where(
            Contact.workspace_id == workspace_id, Contact.persona_id == int(seg.value))))
    return stmt.join(Company, Company.id == Deal.company_id).where(
        *_company_conds(seg, workspace_id))


# --------------------------------------------------------------------------- memo

_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kpi_memo", default=None)
_MEMO_LOCK = threading.Lock()


@contextmanager
def memoized():
    """Within this block, identical aggregate queries (same function, workspace,
    period, segment) run once: the dashboard and its goals share them. Inside an
    active block, a nested one shares the outer one's results."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _memo(fn):
    """Share a result inside ``memoized()``; a query already running in another worker
    thread is waited for, not run a second time."""
    @functools.wraps(fn)
    def wrapper(session, workspace_id, period, seg=None, *args, **kwargs):
        seg = seg or ALL
        memo = _MEMO.get()
        if memo is None:
            return fn(session, workspace_id, period, seg, *args, **kwargs)
        key = (fn.__name__, workspace_id, period, seg,
               tuple(a for a in args if not isinstance(a, Stages)),
               tuple(sorted((k, v) for k, v in kwargs.items() if k != "stages")))
        with _MEMO_LOCK:
            entry = memo.get(key)
            owner = entry is None
            if owner:
                entry = memo[key] = Future()
        if owner:
            try:
                entry.set_result(fn(session, workspace_id, period, seg, *args, **kwargs))
            except BaseException as exc:
                entry.set_exception(exc)
                with _MEMO_LOCK:
                    memo.pop(key, None)
                raise
        return copy.deepcopy(entry.result())
    return wrapper


# --------------------------------------------------------------------------- figures


@dataclass
class Figure:
    value: Any  # int | float | Decimal | None
    n: int = 0  # rows behind the figure
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Stages:
    rows: tuple  # (id, name, position, probability, kind) by position
    open_ids: tuple[int, ...]
    won_ids: tuple[int, ...]
    lost_ids: tuple[int, ...]

    def position_of(self, stage_id: int) -> int | None:
        return next((r[2] for r in self.rows if r[0] == stage_id), None)


def _shared(key: tuple, read):
    """An immutable value read once inside ``memoized()`` (``read()`` otherwise)."""
    memo = _MEMO.get()
    if memo is None:
        return read()
    with _MEMO_LOCK:
        if key in memo:
            return memo[key]
    value = read()
    with _MEMO_LOCK:
        memo[key] = value
    return value


def stages_of(session: Session, workspace_id: int) -> Stages:
    """The workspace's stages (shared inside ``memoized()``: a Stages is immutable)."""
    return _shared(("stages_of", workspace_id), lambda: _read_stages(session, workspace_id))


def _read_stages(session: Session, workspace_id: int) -> Stages:
    rows = tuple(session.exec(
        select(Stage.id, Stage.name, Stage.position, Stage.probability, Stage.kind)
        .where(Stage.workspace_id == workspace_id).order_by(Stage.position, Stage.id)
    ).all())
    return Stages(rows, tuple(r[0] for r in rows if r[4] == "open"),
                  tuple(r[0] for r in rows if r[4] == "won"),
                  tuple(r[0] for r in rows if r[4] == "lost"))


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _days(session: Session, later, earlier):
    if _is_sqlite(session):
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / 86400.0


def _money(raw) -> Decimal:
    """A SUM of money: SQLAlchemy keeps the Money type (a Decimal already)."""
    if raw is None:
        return Decimal("0.0000")
    return raw if isinstance(raw, Decimal) else money_from_db(raw)


def _in_period(column, period: Period):
    return and_(column >= period.start, column < period.end)


def _count_companies(session: Session, workspace_id: int, period: Period, seg: Segment,
                     *extra) -> Figure:
    n = session.exec(
        select(func.count()).select_from(Company).where(
            Company.workspace_id == workspace_id, _in_period(Company.created_at, period),
            *_company_conds(seg, workspace_id), *extra)
    ).one()
    return Figure(int(n), int(n))


@_memo
def new_leads(session: Session, workspace_id: int, period: Period, seg: Segment = ALL) -> Figure:
    return _count_companies(session, workspace_id, period, seg)


def icp_fit_leads(session: Session, workspace_id: int, period: Period,
                  seg: Segment = ALL) -> Figure:
    figure = _count_companies(session, workspace_id, period, seg,
                              Company.fit_tier.in_(("A", "B")))
    total = new_leads(session, workspace_id, period, seg).value
    figure.detail = {"of_new_leads": total}
    return figure


@_memo
def deals_created(session: Session, workspace_id: int, period: Period,
                  seg: Segment = ALL) -> Figure:
    stmt = select(func.count()).select_from(Deal).where(
        Deal.workspace_id == workspace_id, _in_period(Deal.created_at, period))
    n = int(session.exec(_deals(stmt, seg, workspace_id)).one())
    return Figure(n, n)


def closed_columns(session: Session, stages: Stages) -> tuple[list, list]:
    """Aggregates of deals closed (won or lost) and their conditions, without the
    period: (wins, closed, won value, won cycle days) — see ``summary_of``."""
    won = Deal.stage_id.in_(stages.won_ids or (-1,))
    columns = [func.sum(case((won, 1), else_=0)), func.count(),
               func.sum(case((won, Deal.value), else_=None)),
               func.sum(case((won, _days(session, Deal.closed_at, Deal.created_at)),
                             else_=None))]
    return columns, [Deal.stage_id.in_((stages.won_ids + stages.lost_ids) or (-1,))]


def summary_of(wins, closed, value, days) -> dict:
    """A ``closed_summary`` from the ``closed_columns`` of a row (NULL sums are 0)."""
    wins, closed = int(wins or 0), int(closed or 0)
    return {"won": wins, "lost": closed - wins, "closed": closed,
            "won_value": _money(value), "cycle_days_sum": float(days or 0.0)}


@_memo
def closed_summary(session: Session, workspace_id: int, period: Period,
                   seg: Segment = ALL, stages: Stages | None = None) -> dict:
    """Won and lost counts, won value and summed cycle days of deals closed in the period."""
    stages = stages or stages_of(session, workspace_id)
    if seg.type in FIT_SEGMENTS and _is_sqlite(session):
        # SQLite: from the deals' copy of their company's fit, one index range per fit
        # of the segment (``_closed_by_deal_fit``), not a lookup of each deal's company
        rows = _closed_by_deal_fit(session, workspace_id, period, stages, seg)
        return summary_of(sum(r[3] for r in rows), sum(r[4] for r in rows),
                          sum((r[5] for r in rows), Decimal("0.0000")) if rows else None,
                          sum(r[6] for r in rows))
    columns, conds = closed_columns(session, stages)
    stmt = select(*columns).select_from(Deal).where(
        Deal.workspace_id == workspace_id, _in_period(Deal.closed_at, period), *conds)
    return summary_of(*session.exec(_deals(stmt, seg, workspace_id)).one())


def win_rate_of(s: dict) -> Figure:
    """Win rate from a ``closed_summary``."""
    rate = s["won"] / s["closed"] if s["closed"] else None
    return Figure(rate, s["closed"], {"won": s["won"], "lost": s["lost"]})


def revenue_of(s: dict) -> Figure:
    """Revenue (value won) from a ``closed_summary``."""
    return Figure(s["won_value"], s["won"])


def win_rate(session: Session, workspace_id: int, period: Period, seg: Segment = ALL) -> Figure:
    return win_rate_of(closed_summary(session, workspace_id, period, seg))


def revenue_source(session: Session, workspace_id: int, period: Period,
                   seg: Segment = ALL) -> Figure:
    """Revenue as the value of deals won in the period (until billing exists)."""
    return revenue_of(closed_summary(session, workspace_id, period, seg))


revenue = revenue_source


def _currency_of(session: Session, workspace_id: int) -> str:
    """The workspace currency (shared inside ``memoized()``, like ``stages_of``)."""
    from updoot_app.models import Workspace

    return _shared(("currency_of", workspace_id), lambda: session.exec(
        select(Workspace.currency).where(Workspace.id == workspace_id)).one())


def _billing_figure(rows: list[dict], amount_key: str, workspace_id: int,
                    session: Session) -> Figure:
    """Sum billing rows in the workspace currency; other currencies go to detail."""
    currency = _currency_of(session, workspace_id)
    total = sum((r[amount_key] for r in rows if r["currency"] == currency), Decimal("0"))
    count = sum(r["count"] for r in rows if r["currency"] == currency)
    others = {r["currency"]: str(r[amount_key]) for r in rows if r["currency"] != currency}
    return Figure(total, count, {"other_currencies": others} if others else {})


def _billing_range(period: Period) -> tuple[str, str]:
    # Billing documents are dated by day; the period's end is exclusive.
    return period.start.date().isoformat(), (period.end - timedelta(days=1)).date().isoformat()


def invoiced_revenue(session: Session, workspace_id: int, period: Period,
                     seg: Segment = ALL) -> Figure:
    """Finalised, non-void invoice totals issued in the period (services/revenue.py)."""
    if seg.type != "all":
        return Figure(None, 0, {"note": "Invoiced revenue is shown for all segments only."})
    from updoot_app.services.billing import revenue as billing_revenue

    start, end = _billing_range(period)
    rows = billing_revenue.invoiced(session, workspace_id, group_by="none", start=start,
                                    end=end)
    return _billing_figure(rows, "total", workspace_id, session)


def paid_revenue(session: Session, workspace_id: int, period: Period,
                 seg: Segment = ALL) -> Figure:
    """Payments received in the period (services/revenue.py)."""
    if seg.type != "all":
        return Figure(None, 0, {"note": "Paid revenue is shown for all segments only."})
    from updoot_app.services.billing import revenue as billing_revenue

    start, end = _billing_range(period)
    rows = billing_revenue.payments(session, workspace_id, group_by="none", start=start,
                                    end=end)
    return _billing_figure(rows, "amount", workspace_id, session)


def avg_of(s: dict) -> Figure:
    """Average deal size from a ``closed_summary``."""
    value = (s["won_value"] / s["won"]).quantize(Decimal("0.01")) if s["won"] else None
    return Figure(value, s["won"])


def cycle_of(s: dict) -> Figure:
    """Mean sales-cycle days from a ``closed_summary``."""
    value = round(s["cycle_days_sum"] / s["won"], 1) if s["won"] else None
    return Figure(value, s["won"])


def avg_deal_size(session: Session, workspace_id: int, period: Period,
                  seg: Segment = ALL) -> Figure:
    return avg_of(closed_summary(session, workspace_id, period, seg))


def sales_cycle_days(session: Session, workspace_id: int, period: Period,
                     seg: Segment = ALL) -> Figure:
    return cycle_of(closed_summary(session, workspace_id, period, seg))


@_memo
def pipeline(session: Session, workspace_id: int, period: Period, seg: Segment = ALL,
             stages: Stages | None = None) -> dict:
    """Open deals created before the period's end: count, value, weighted value."""
    stages = stages or stages_of(session, workspace_id)
    stmt = select(Deal.stage_id, func.count(), func.sum(Deal.value)).select_from(Deal).where(
        Deal.workspace_id == workspace_id, Deal.stage_id.in_(stages.open_ids or (-1,)),
        Deal.created_at < period.end).group_by(Deal.stage_id)
    probability = {r[0]: r[3] for r in stages.rows}
    n, total, weighted = 0, Decimal(0), Decimal(0)
    for stage_id, count, raw in session.exec(_deals(stmt, seg, workspace_id)).all():
        value = _money(raw)
        n += int(count)
        total += value
        weighted += value * probability.get(stage_id, 0) / 100
    return {"open": n, "value": total.quantize(Decimal("0.01")),
            "weighted": weighted.quantize(Decimal("0.01"))}


def pipeline_value(session: Session, workspace_id: int, period: Period,
                   seg: Segment = ALL) -> Figure:
    p = pipeline(session, workspace_id, period, seg)
    return Figure(p["value"], p["open"])


def pipeline_weighted(session: Session, workspace_id: int, period: Period,
                      seg: Segment = ALL) -> Figure:
    p = pipeline(session, workspace_id, period, seg)
    return Figure(p["weighted"], p["open"])


@_memo
def funnel(session: Session, workspace_id: int, period: Period, seg: Segment = ALL,
           stages: Stages | None = None) -> list[dict]:
    """Deals created in the period that reached each open stage, then Won (see the
    module docstring); each row with its conversion into the next row."""
    stages = stages or stages_of(session, workspace_id)
    cohort = [Deal.workspace_id == workspace_id, _in_period(Deal.created_at, period)]
    # Naming every stage lets the (workspace, stage, created) index answer per stage,
    # already grouped; deals are only ever in their workspace's stages.
    counts = dict(session.exec(_deals(
        select(Deal.stage_id, func.count()).select_from(Deal)
        .where(*cohort, Deal.stage_id.in_([r[0] for r in stages.rows] or (-1,)))
        .group_by(Deal.stage_id), seg, workspace_id)).all())
    open_rows = [r for r in stages.rows if r[4] == "open"]
    won = sum(int(counts.get(i, 0)) for i in stages.won_ids)
    lost_at = _lost_from(session, workspace_id, period, seg, stages, cohort) \
        if stages.lost_ids and open_rows else {}
    rows = []
    for _sid, name, pos, _prob, _kind in open_rows:
        reached = won + sum(int(counts.get(r[0], 0)) for r in open_rows if r[2] >= pos) \
            + sum(n for p, n in lost_at.items() if p >= pos)
        rows.append({"stage_id": _sid, "stage": name, "reached": reached})
    if stages.won_ids:
        won_row = next(r for r in stages.rows if r[0] == stages.won_ids[0])
        rows.append({"stage_id": won_row[0], "stage": won_row[1], "reached": won})
    for i, row in enumerate(rows):
        nxt = rows[i + 1]["reached"] if i + 1 < len(rows) else None
        row["next_rate"] = (nxt / row["reached"]) if nxt is not None and row["reached"] else None
    return rows


def _lost_from(session: Session, workspace_id: int, period: Period, seg: Segment,
               stages: Stages, cohort: list) -> dict[int, int]:
    """Lost deals of the cohort by the furthest open stage they were lost from
    (position -> count): their moves into a lost stage, by ``from_stage_id``.

    The moves are read from the (workspace, to_stage, changed_at) index and kept when
    the deal is in the cohort (``deal_id IN``: a hash/ephemeral-table probe) rather
    than looking up each move's deal; the stage position is a CASE on the id (the
    open stages are known), not a join."""
    position = case({r[0]: r[2] for r in stages.rows if r[4] == "open"},
                    value=DealStageChange.from_stage_id, else_=None)
    lost_deals = _deals(select(Deal.id).where(*cohort, Deal.stage_id.in_(stages.lost_ids)),
                        seg, workspace_id)
    furthest = (
        select(func.max(position).label("pos"))
        .where(DealStageChange.workspace_id == workspace_id,
               DealStageChange.to_stage_id.in_(stages.lost_ids),
               DealStageChange.changed_at >= period.start,
               # "+ 0": not a seek per deal on the deal_id index (SQLite's choice)
               (DealStageChange.deal_id + 0).in_(lost_deals))
        .group_by(DealStageChange.deal_id).subquery()
    )
    return {int(p): int(n) for p, n in session.exec(
        select(furthest.c.pos, func.count()).where(furthest.c.pos.is_not(None))
        .group_by(furthest.c.pos)).all()}


def conversion_rate(session: Session, workspace_id: int, period: Period, seg: Segment = ALL,
                    stage_id: int | None = None) -> Figure:
    rows = funnel(session, workspace_id, period, seg)
    if not rows:
        return Figure(None, 0)
    if stage_id is None:
        first, last = rows[0], rows[-1]
        rate = last["reached"] / first["reached"] if first["reached"] else None
        return Figure(rate, first["reached"], {"from": first["stage"], "to": last["stage"]})
    for i, row in enumerate(rows[:-1]):
        if row["stage_id"] == stage_id:
            return Figure(row["next_rate"], row["reached"],
                          {"from": row["stage"], "to": rows[i + 1]["stage"]})
    raise ValidationError("stage_id", "Choose an open stage of this workspace.")


METRIC_FUNCS = {
    "new_leads": new_leads,
    "icp_fit_leads": icp_fit_leads,
    "deals_created": deals_created,
    "win_rate": win_rate,
    "revenue": revenue,
    "revenue_invoiced": invoiced_revenue,
    "revenue_paid": paid_revenue,
    "pipeline_value": pipeline_value,
    "pipeline_weighted": pipeline_weighted,
    "avg_deal_size": avg_deal_size,
    "sales_cycle_days": sales_cycle_days,
}


def clean_metric(raw: object) -> str:
    if raw not in METRICS:
        raise ValidationError("metric", f"Metric must be one of {', '.join(METRICS)}.")
    return raw  # type: ignore[return-value]


def metric_value(session: Session, workspace_id: int, metric: object, period: Period,
                 seg: Segment = ALL, stage_id: int | None = None) -> Figure:
    metric = clean_metric(metric)
    if metric == "conversion_rate":
        return conversion_rate(session, workspace_id, period, seg, stage_id)
    return METRIC_FUNCS[metric](session, workspace_id, period, seg)


def to_json(value: Any) -> Any:
    """API form of a figure's value: money as a decimal string, rates as floats."""
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, float):
        return round(value, 4)
    return value


# --------------------------------------------------------------------------- trends, breakdowns


def _months_back(end: datetime, months: int) -> datetime:
    year, month = end.year, end.month - months
    while month <= 0:
        month += 12
        year -= 1
    return datetime(year, month, 1, tzinfo=UTC)


def trend(session: Session, workspace_id: int, end: datetime, seg: Segment = ALL,
          months: int = 12, stages: Stages | None = None) -> list[dict]:
    """Per month for the ``months`` months before ``end`` (or before the end of the
    current month, if that is sooner): deals created, deals won, won value, new leads.

    One statement of scalar subqueries, each a COUNT/SUM over one month's range of a
    covering index: no per-row month expression and no sort (SQLite groups by an
    expression through a temporary B-tree, which cost more than the scans). The
    statement is built once per shape with bound parameters (``_trend_statement``):
    building and hashing 48 subqueries cost more than running them on a small
    workspace."""
    stages = stages or stages_of(session, workspace_id)
    today = datetime.now(UTC)
    end = min(end, datetime(today.year + today.month // 12, today.month % 12 + 1, 1,
                            tzinfo=UTC))
    last = end - timedelta(microseconds=1)
    start = _months_back(datetime(last.year, last.month, 1, tzinfo=UTC), months - 1)
    bounds = []
    cursor = start
    while cursor < end:
        nxt = datetime(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1, tzinfo=UTC)
        bounds.append((cursor, min(nxt, end)))
        cursor = nxt
    if not bounds:
        return []
    params: dict[str, Any] = {"ws": workspace_id, "won": list(stages.won_ids or (-1,))}
    for i, (lo, hi) in enumerate(bounds):
        params[f"lo{i}"], params[f"hi{i}"] = lo, hi
    stmt = _trend_statement(len(bounds), seg, None if seg.type == "all" else workspace_id)
    values = session.exec(stmt, params=params).one()
    out = []
    for i, (lo, _hi) in enumerate(bounds):
        n_created, n_won, raw, n_leads = values[4 * i: 4 * i + 4]
        out.append({"month": lo.strftime("%Y-%m"), "deals_created": int(n_created or 0),
                    "won": int(n_won or 0), "won_value": _money(raw),
                    "new_leads": int(n_leads or 0)})
    return out


@functools.lru_cache(maxsize=256)
def _trend_statement(months: int, seg: Segment, seg_workspace_id: int | None):
    """The trend's statement for ``months`` months, with the workspace (``ws``), the won
    stage ids (``won``, expanding) and each month's bounds (``lo{i}``, ``hi{i}``) as
    parameters. A segment's own conditions carry their workspace, hence the key."""
    ws = bindparam("ws")
    won = Deal.stage_id.in_(bindparam("won", expanding=True))
    when = Deal.created_at.type
    columns = []
    for i in range(months):
        lo, hi = bindparam(f"lo{i}", type_=when), bindparam(f"hi{i}", type_=when)
        created = select(func.count()).select_from(Deal).where(
            Deal.workspace_id == ws, Deal.created_at >= lo, Deal.created_at < hi)
        closed = [Deal.workspace_id == ws, Deal.closed_at >= lo, Deal.closed_at < hi, won]
        won_n = select(func.count()).select_from(Deal).where(*closed)
        won_value = select(func.sum(Deal.value)).select_from(Deal).where(*closed)
        leads = select(func.count()).select_from(Company).where(
            Company.workspace_id == ws, Company.created_at >= lo, Company.created_at < hi,
            *_company_conds(seg, seg_workspace_id or 0))
        columns += [_deals(created, seg, seg_workspace_id or 0).scalar_subquery(),
                    _deals(won_n, seg, seg_workspace_id or 0).scalar_subquery(),
                    _deals(won_value, seg, seg_workspace_id or 0).scalar_subquery(),
                    leads.scalar_subquery()]
    return select(*columns)


def _breakdown_key(by: str):
    return {"fit_tier": func.coalesce(Company.fit_tier, literal("none")),
            "industry": func.coalesce(Company.industry, literal("(none)")),
            "country": func.coalesce(Company.country, literal("(none)")),
            "icp": Company.fit_icp_id,
            "owner": Deal.owner_id}[by]


@_memo
def closed_by_fit(session: Session, workspace_id: int, period: Period, seg: Segment = ALL,
                  stages: Stages | None = None) -> list[tuple]:
    """Deals closed in the period grouped by the company's fit (tier, ICP, per-criterion
    results): (tier, icp_id, results, won, closed, won value, won cycle days). One query
    serves the tier breakdown, the ICP calibration and the goals on fit tier or ICP.

    For all deals it reads the deal's copy of its company's fit (``deal_fit``) rather
    than joining each closed deal to its company; a segment filters through the join."""
    stages = stages or stages_of(session, workspace_id)
    if seg.type == "all" or (seg.type in FIT_SEGMENTS and _is_sqlite(session)):
        return _closed_by_deal_fit(session, workspace_id, period, stages, seg)
    won = Deal.stage_id.in_(stages.won_ids or (-1,))
    stmt = (
        select(Company.fit_tier, Company.fit_icp_id, Company.fit_results,
               func.sum(case((won, 1), else_=0)), func.count(),
               func.sum(case((won, Deal.value), else_=None)),
               func.sum(case((won, _days(session, Deal.closed_at, Deal.created_at)),
                             else_=None)))
        .select_from(Deal)
        .join(Company, Company.id == Deal.company_id)
        .where(Deal.workspace_id == workspace_id, _in_period(Deal.closed_at, period),
               Deal.stage_id.in_((stages.won_ids + stages.lost_ids) or (-1,)))
        .group_by(Company.fit_tier, Company.fit_icp_id, Company.fit_results)
    )
    if seg.type == "owner":
        stmt = stmt.where(Deal.owner_id == int(seg.value))
    else:
        stmt = stmt.where(*_company_conds(seg, workspace_id))
    return [(tier, icp_id, results, int(w or 0), int(n or 0), _money(v), float(d or 0.0))
            for tier, icp_id, results, w, n, v, d in session.exec(stmt).all()]


def _closed_by_deal_fit(session: Session, workspace_id: int, period: Period,
                        stages: Stages, seg: Segment = ALL) -> list[tuple]:
    """``closed_by_fit`` from the fit copied on each deal (all deals; on SQLite also a
    fit-tier or ICP segment, a condition on the fit itself).

    SQLite groups with a sort (a temporary B-tree of every closed deal); instead, for
    each distinct fit of the workspace's companies (``ix_companies_kpi_fit``, those of
    the segment) one correlated subquery reads that fit's deals closed in the period,
    a range of ``ix_deals_kpi_fit``, and returns its four sums in one printf'd string
    (a scalar subquery has one column). Every deal's copy is its company's fit, so the
    groups hold every closed deal. PostgreSQL groups the same rows by hashing (all
    deals only: its segments go through the join, which it plans well)."""
    sums, closed_conds = closed_columns(session, stages)
    closed = [Deal.workspace_id == workspace_id, _in_period(Deal.closed_at, period),
              *closed_conds]
    if _is_sqlite(session):
        keys = (select(Company.fit_tier, Company.fit_icp_id, Company.fit_results)
                .where(Company.workspace_id == workspace_id,
                       *_company_conds(seg, workspace_id)).distinct().subquery("k"))
        packed = (select(func.printf("%d %d %d %.17g", *sums)).select_from(Deal)
                  .where(*closed, Deal.company_fit_tier.is_not_distinct_from(keys.c.fit_tier),
                         Deal.company_fit_icp_id.is_not_distinct_from(keys.c.fit_icp_id),
                         Deal.company_fit_results.is_not_distinct_from(keys.c.fit_results))
                  .scalar_subquery())
        out = []
        for tier, icp_id, results, text in session.exec(
                select(keys.c.fit_tier, keys.c.fit_icp_id, keys.c.fit_results, packed)).all():
            w, n, v, d = text.split(" ")
            if int(n):
                out.append((tier, icp_id, results, int(w), int(n), money_from_db(v), float(d)))
        return out
    stmt = (select(Deal.company_fit_tier, Deal.company_fit_icp_id, Deal.company_fit_results,
                   *sums).where(*closed)
            .group_by(Deal.company_fit_tier, Deal.company_fit_icp_id, Deal.company_fit_results))
    return [(tier, icp_id, results, int(w or 0), int(n or 0), _money(v), float(d or 0.0))
            for tier, icp_id, results, w, n, v, d in session.exec(stmt).all()]


def _breakdown_rows(groups: dict) -> list[dict]:
    rows = []
    for k, (wins, closed, revenue_value, days) in groups.items():
        rows.append({
            "key": "none" if k is None else str(k),
            "closed": closed, "won": wins, "lost": closed - wins,
            "win_rate": wins / closed if closed else None,
            "revenue": revenue_value.quantize(Decimal("0.01")),
            "avg_deal_size": (revenue_value / wins).quantize(Decimal("0.01")) if wins else None,
            "avg_cycle_days": round(float(days) / wins, 1) if wins else None,
        })
    return rows


@_memo
def closed_by(session: Session, workspace_id: int, period: Period, by: str,
              seg: Segment = ALL, stages: Stages | None = None, limit: int = 50) -> list[dict]:
    """Deals closed in the period grouped by ``by``: won, lost, win rate, revenue,
    average deal size, average cycle days — each with its n."""
    if by not in BREAKDOWNS:
        raise ValidationError("by", f"Break down by one of {', '.join(BREAKDOWNS)}.")
    stages = stages or stages_of(session, workspace_id)
    if by == "fit_tier":
        groups: dict = {}
        for tier, _icp, _res, w, n, v, d in closed_by_fit(session, workspace_id, period, seg,
                                                           stages):
            g = groups.setdefault(tier or "none", [0, 0, Decimal(0), 0.0])
            g[0] += w
            g[1] += n
            g[2] += v
            g[3] += d
        order = {t: i for i, t in enumerate(FIT_TIERS)}
        return sorted(_breakdown_rows(groups), key=lambda r: order.get(r["key"], 99))
    won = Deal.stage_id.in_(stages.won_ids or (-1,))
    key = _breakdown_key(by).label("key")
    stmt = (
        select(key, func.sum(case((won, 1), else_=0)), func.count(),
               func.sum(case((won, Deal.value), else_=None)),
               func.sum(case((won, _days(session, Deal.closed_at, Deal.created_at)),
                             else_=None)))
        .select_from(Deal)
        .join(Company, Company.id == Deal.company_id)
        .where(Deal.workspace_id == workspace_id, _in_period(Deal.closed_at, period),
               Deal.stage_id.in_((stages.won_ids + stages.lost_ids) or (-1,)))
        .group_by(key)
    )
    if seg.type == "owner":
        stmt = stmt.where(Deal.owner_id == int(seg.value))
    else:
        stmt = stmt.where(*_company_conds(seg, workspace_id))
    groups = {k: [int(w or 0), int(n or 0), _money(v), float(d or 0.0)]
              for k, w, n, v, d in session.exec(stmt).all()}
    rows = _breakdown_rows(groups)
    rows.sort(key=lambda r: (-r["closed"], r["key"]))
    return rows[:limit]


def dashboard(session: Session, workspace_id: int, period: Period, seg: Segment = ALL) -> dict:
    """Every figure the dashboard shows, with as few scans as the definitions allow."""
    stages = stages_of(session, workspace_id)
    closed = closed_summary(session, workspace_id, period, seg, stages)
    pipe = pipeline(session, workspace_id, period, seg, stages)
    created = deals_created(session, workspace_id, period, seg)
    leads = new_leads(session, workspace_id, period, seg)
    fit_leads = _count_companies(session, workspace_id, period, seg,
                                 Company.fit_tier.in_(("A", "B")))
    won = closed["won"]
    summary = {
        "new_leads": Figure(leads.value, leads.n),
        "icp_fit_leads": Figure(fit_leads.value, fit_leads.n),
        "deals_created": created,
        "win_rate": Figure(won / closed["closed"] if closed["closed"] else None,
                           closed["closed"]),
        "revenue": Figure(closed["won_value"], won),
        "revenue_invoiced": invoiced_revenue(session, workspace_id, period, seg),
        "revenue_paid": paid_revenue(session, workspace_id, period, seg),
        "pipeline_value": Figure(pipe["value"], pipe["open"]),
        "pipeline_weighted": Figure(pipe["weighted"], pipe["open"]),
        "avg_deal_size": Figure((closed["won_value"] / won).quantize(Decimal("0.01"))
                                if won else None, won),
        "sales_cycle_days": Figure(round(closed["cycle_days_sum"] / won, 1) if won else None,
                                   won),
    }
    funnel_rows = funnel(session, workspace_id, period, seg, stages)
    summary["conversion_rate"] = Figure(
        funnel_rows[-1]["reached"] / funnel_rows[0]["reached"]
        if funnel_rows and funnel_rows[0]["reached"] else None,
        funnel_rows[0]["reached"] if funnel_rows else 0)
    return {
        "period": period,
        "summary": summary,
        "funnel": funnel_rows,
        "trend": trend(session, workspace_id, period.end, seg, stages=stages),
        "by_tier": closed_by(session, workspace_id, period, "fit_tier", seg, stages),
    }


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{calendar.month_abbr[int(month)]} {year[2:]}"
