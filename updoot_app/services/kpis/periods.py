"""KPI periods: a month, quarter, year or range of whole days, as aware UTC bounds
(start inclusive, end exclusive), parsed from what the API, the goals and the
dashboard accept."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_

from updoot_app.services.platform.errors import ValidationError

PERIOD_KINDS = ("month", "quarter", "year", "custom")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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
    first, last = clean_date(start, "start"), clean_date(end, "end")
    if last < first:
        raise ValidationError("end", "The end date must not be before the start date.")
    if (last - first).days > 366 * 20:
        raise ValidationError("end", "A period can span at most 20 years.")
    return Period("custom", _at(first), _at(last + timedelta(days=1)))


def clean_date(raw: object, name: str) -> date:
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


def in_period(column, period: Period):
    """The SQL condition: ``column`` falls in the period."""
    return and_(column >= period.start, column < period.end)


def month_label(key: str) -> str:
    """``2026-11`` (a trend month) as ``Nov 26``."""
    year, month = key.split("-")
    return f"{calendar.month_abbr[int(month)]} {year[2:]}"
