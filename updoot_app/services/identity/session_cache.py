"""Browser sessions this process has resolved, reused while the auth epoch holds.

Every websocket event resolves its session token to a Principal. The full lookup
(session, user, membership, workspace) was the largest part of a light event's
work; reading `auth_epoch.version` is one row by primary key. Database triggers
give that version a new random value in the same transaction as any change to a
row the lookup reads (models.AuthEpoch, migration 0010_auth_epoch). So a Principal
read together with version V (in one statement) is still what the lookup would
return whenever the database's version is still V and the session has not
expired: the check stays per event and against the database, only cheaper.

Each entry carries its own version and is served only when the caller has just
read that same version; threads that race can cause a miss, never a stale hit.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 10_000  # about 1 KB each; past it, start afresh


class SessionCache(Generic[T]):
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries: dict[str, tuple[int, datetime, T]] = {}
        self._lock = threading.Lock()

    def get(self, version: int | None, digest: str, now: datetime) -> T | None:
        """The value kept for `digest` at `version`, unless it has expired by `now`."""
        if version is None:
            return None
        entry = self._entries.get(digest)
        if entry is None or entry[0] != version or not now < entry[1]:
            return None
        return entry[2]

    def put(self, version: int | None, digest: str, expires_at: datetime, value: T) -> None:
        if version is None:
            return
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries = {}
            self._entries[digest] = (version, expires_at, value)

    def clear(self) -> None:
        with self._lock:
            self._entries = {}

    def __len__(self) -> int:
        return len(self._entries)
