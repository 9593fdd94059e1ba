"""Datetimes as the services hand them out: aware, in UTC; and the days of a
workspace's calendar (its time zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from updoot_app.services.platform.errors import ValidationError


def aware(moment: datetime | None) -> datetime | None:
    """Datetimes from the database as aware UTC (naive ones are UTC)."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- the workspace's calendar -------------------------------------------------------
# "Due today" and "overdue" are days in the workspace's time zone, not UTC's: a task
# due on the 6th is overdue at 00:00 on the 7th in Berlin, an hour before UTC's.

DEFAULT_TIME_ZONE = "UTC"


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone of a stored name (UTC for an unknown or empty one)."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def local_today(now: datetime, time_zone: str | None) -> date:
    """The day it is at the aware moment `now` in `time_zone`."""
    return aware(now).astimezone(zone(time_zone)).date()


def clean_time_zone(raw: object, field: str = "time_zone") -> str:
    """An IANA time zone name such as Europe/Berlin (checked against the tz database)."""
    if not isinstance(raw, str) or not raw.strip() or len(raw.strip()) > 64:
        raise ValidationError(field, "Time zone must be a name such as Europe/Berlin or UTC.")
    name = raw.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            field, f"Unknown time zone {name[:64]!r}: use a name such as Europe/Berlin.") from None
    return name
