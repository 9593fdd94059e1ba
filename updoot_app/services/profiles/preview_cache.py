"""Companies for the wizard's live preview, loaded once and kept briefly.

Every keystroke of the wizard re-scores the preview; reading 50,000 companies
from the database each time would dominate, so the frame is cached per
workspace for a short while (per process).

The key is the workspace's id AND its creation time: SQLite may give a new
workspace the id of one just deleted (a purged demo), and a cached frame must
never show one workspace's companies to another.
"""

from __future__ import annotations

import threading
import time

import pandas as pd
from sqlmodel import Session, select

from updoot_app.models import Company, Workspace
from updoot_app.services.profiles import fit

TTL_SECONDS = 30
_cache: dict[tuple, tuple[float, pd.DataFrame, dict[int, str]]] = {}
_lock = threading.Lock()


def companies_for_preview(session: Session, workspace_id: int) -> tuple[pd.DataFrame, dict]:
    now = time.monotonic()
    key = (workspace_id, session.exec(select(Workspace.created_at)
                                      .where(Workspace.id == workspace_id)).first())
    with _lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < TTL_SECONDS:
            return hit[1], hit[2]
    frame = fit.companies_frame(session, workspace_id)
    names = dict(session.exec(select(Company.id, Company.name)
                              .where(Company.workspace_id == workspace_id)).all())
    with _lock:
        _cache[key] = (now, frame, names)
    return frame, names


def clear() -> None:
    with _lock:
        _cache.clear()
