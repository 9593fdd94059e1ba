"""Workspace archives made by the job queue for Settings → Your data.

An owner asks (`request_archive`): one row, queued, handed to the queue after
COMMIT. The job (`run_archive`) claims it (queued -> running, one atomic UPDATE,
so a job that runs twice writes once), writes the zip of `updoot export`
(workspace_dump.write_workspace) into a part file beside its final name, records
its progress in the row as it goes (the page polls it), and ends it done (path,
size, expiry) or failed with the reason a person reads.

One archive in the making per workspace: `active_workspace_id`, unique, holds the
workspace's id while the row is queued or running, so a second request meanwhile
(another tab, a double click, a race on PostgreSQL) gets the row in the making.

Files live under UPDOOT_EXPORTS_DIR, one folder per workspace (several hosts:
a folder they share). A workspace keeps its latest archive only, for
EXPIRES_AFTER; the sweep (every few minutes) deletes expired ones, fails rows a
dead worker left running (no progress for LEASE), and hands queued rows whose job
was lost to the queue again.

All but `request_archive` take no session: the job commits each step on its own
(the claim, every progress report, the outcome).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from updoot_app import db
from updoot_app.models import ArchiveExport
from updoot_app.models.types import utcnow
from updoot_app.services.archive import backup, workspace_dump
from updoot_app.services.identity.access import Principal, principal_for
from updoot_app.services.platform import activity
from updoot_app.services.platform.errors import DomainError
from updoot_app.settings import DEFAULT_DATA_DIR, Settings, beside_database, load_settings

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")
LEASE = timedelta(minutes=10)          # a running job reports far more often than this
REQUEUE_AFTER = timedelta(minutes=1)   # a queued row this old lost its hand-over
EXPIRES_AFTER = timedelta(hours=24)
PROGRESS_EVERY_S = 0.5
INTERRUPTED = "The worker stopped while writing this archive. Prepare it again."
# What the sweep may delete in the folder: only names this module gives files.
_ZIP_NAME = re.compile(r"^\d+-[0-9a-f]{16}\.zip$")
_PART_NAME = re.compile(r"^\.\d+-[0-9a-f]{16}\.zip\..*\.part$")

_dispatcher: Callable[[int], None] | None = None


def set_dispatcher(dispatcher: Callable[[int], None] | None) -> None:
    """The job queue registers itself here (services sit below updoot_app/jobs/).
    Without one, requests stay queued until the sweep or `run_archive` picks them up."""
    global _dispatcher
    _dispatcher = dispatcher


def exports_dir(settings: Settings | None = None) -> Path:
    """UPDOOT_EXPORTS_DIR, or `<database>-exports/` beside a SQLite database, or
    data/exports."""
    settings = settings or load_settings()
    if settings.exports_dir:
        return Path(settings.exports_dir)
    return beside_database(settings, "-exports") or DEFAULT_DATA_DIR / "exports"


# --- asking -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Requested:
    export_id: int
    started: bool    # False: one was already in the making, and this is it


def _active(session: Session, workspace_id: int) -> ArchiveExport | None:
    return session.exec(select(ArchiveExport)
                        .where(ArchiveExport.active_workspace_id == workspace_id)).first()


def request_archive(session: Session, principal: Principal) -> Requested:
    """Queue an archive of the caller's workspace (owners only), unless one is
    already queued or running: then that one."""
    principal.require("owner")
    ws = principal.workspace_id
    if (active := _active(session, ws)) is not None:
        return Requested(active.id, started=False)
    row = ArchiveExport(workspace_id=ws, created_by=principal.user_id, active_workspace_id=ws)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:   # another request won the race since the read above
        return Requested(_active(session, ws).id, started=False)
    activity.log(session, workspace_id=ws, user_id=principal.user_id,
                 action="workspace.archive_requested", entity_type="workspace", entity_id=ws,
                 summary="Asked for an archive of the whole workspace")
    if _dispatcher is not None:
        dispatcher, export_id = _dispatcher, row.id
        db.call_after_commit(session, lambda: dispatcher(export_id))
    return Requested(row.id, started=True)


# --- the job ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    status: str                 # "done" | "failed" | "skipped" (not queued: nothing to do)
    error: str | None = None
    path: Path | None = None


def _claim(export_id: int, now: datetime) -> bool:
    with db.session_scope(write=True) as session:
        result = session.execute(
            update(ArchiveExport)
            .where(ArchiveExport.id == export_id, ArchiveExport.status == "queued")
            .values(status="running", started_at=now, updated_at=now))
        return result.rowcount == 1


def _update_running(export_id: int, **values) -> bool:
    """Change a row that is still running (the sweep may have failed it meanwhile)."""
    with db.session_scope(write=True) as session:
        result = session.execute(
            update(ArchiveExport)
            .where(ArchiveExport.id == export_id, ArchiveExport.status == "running")
            .values(updated_at=utcnow(), **values))
        return result.rowcount == 1


def write_progress(export_id: int, progress: workspace_dump.Progress) -> None:
    _update_running(export_id, files_done=progress.files_done,
                    files_total=progress.files_total, rows_written=progress.rows_written)


def _reporter(export_id: int) -> Callable[[workspace_dump.Progress], None]:
    """Progress into the row, at most every PROGRESS_EVERY_S (and the first and last
    file): a small workspace's archive is not a burst of writes."""
    last = [float("-inf")]

    def report(progress: workspace_dump.Progress) -> None:
        now = time.monotonic()
        edge = progress.files_done in (1, progress.files_total)
        if edge or now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            write_progress(export_id, progress)

    return report


def _write_zip(export_id: int, workspace_id: int, user_id: int | None, dest: Path) -> None:
    """The zip at `dest`, whole or not at all; as the owner who asked, if they still are."""
    with db.session_scope() as session:
        if user_id is None:
            raise DomainError("The owner who asked for this archive has left the workspace.")
        principal = principal_for(session, user_id, workspace_id)
        with backup.part_file(dest) as part:
            with open(part, "wb") as out:
                workspace_dump.write_workspace(session, principal, out, _reporter(export_id))


def run_archive(export_id: int, *, now: datetime | None = None) -> Outcome:
    """Write one queued archive, if nobody else has it."""
    if not _claim(export_id, now or utcnow()):
        return Outcome("skipped")
    with db.session_scope() as session:
        row = session.get(ArchiveExport, export_id)
        if row is None:   # its workspace was deleted since the claim
            return Outcome("skipped")
        workspace_id, user_id = row.workspace_id, row.created_by
    folder = exports_dir() / str(workspace_id)
    dest = folder / f"{export_id}-{secrets.token_hex(8)}.zip"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_zip(export_id, workspace_id, user_id, dest)
    except DomainError as exc:
        reason = str(exc)
    except OSError as exc:
        reason = f"The archive could not be written: {exc.strerror or exc}"
    except Exception as exc:  # noqa: BLE001 - the owner sees why, the log has the rest
        log.exception("archive %s failed", export_id)
        reason = f"The archive could not be written: {exc}"
    else:
        finished = utcnow()
        if _update_running(export_id, status="done", active_workspace_id=None,
                           file_path=str(dest), file_size=dest.stat().st_size,
                           finished_at=finished, expires_at=finished + EXPIRES_AFTER):
            _keep_latest(workspace_id, export_id)
            return Outcome("done", path=dest)
        dest.unlink(missing_ok=True)   # failed by the sweep meanwhile: nobody will fetch it
        return Outcome("skipped")
    _update_running(export_id, status="failed", active_workspace_id=None, error=reason[:1000],
                    finished_at=utcnow())
    _keep_latest(workspace_id, export_id)
    return Outcome("failed", error=reason)


# --- pruning and the sweep ----------------------------------------------------------------

def _delete_rows(where) -> int:
    """Delete the rows matching `where`, then their files (after the COMMIT: a file
    whose row is gone is an orphan the sweep deletes, never the other way round)."""
    with db.session_scope(write=True) as session:
        paths = [p for p in session.exec(select(ArchiveExport.file_path).where(*where)) if p]
        session.execute(delete(ArchiveExport).where(*where))
    for path in paths:
        Path(path).unlink(missing_ok=True)
    return len(paths)


def _keep_latest(workspace_id: int, export_id: int) -> None:
    """The workspace's older archives go once a newer one has ended."""
    _delete_rows([ArchiveExport.workspace_id == workspace_id, ArchiveExport.id < export_id,
                  ArchiveExport.status.not_in(ACTIVE)])


@dataclass(frozen=True)
class SweepResult:
    interrupted: int
    expired: int
    orphans: int
    requeue: list[int]   # queued archives whose job was lost: for the queue again


def _fail_interrupted(now: datetime) -> int:
    with db.session_scope(write=True) as session:
        return session.execute(
            update(ArchiveExport)
            .where(ArchiveExport.status == "running", ArchiveExport.updated_at < now - LEASE)
            .values(status="failed", active_workspace_id=None, error=INTERRUPTED,
                    finished_at=now, updated_at=now)).rowcount


def _lost_queued(now: datetime) -> list[int]:
    with db.session_scope() as session:
        return list(session.exec(
            select(ArchiveExport.id)
            .where(ArchiveExport.status == "queued",
                   ArchiveExport.updated_at < now - REQUEUE_AFTER)
            .order_by(ArchiveExport.id)))


def _orphans(folder: Path, now: datetime) -> int:
    """Files of ours no row refers to (a part file of a killed job, a file whose
    row was deleted), once older than LEASE so a job's file in the making is safe."""
    if not folder.is_dir():
        return 0
    with db.session_scope() as session:
        known = {Path(p).name for p in session.exec(
            select(ArchiveExport.file_path).where(ArchiveExport.file_path.is_not(None)))}
    removed, cutoff = 0, (now - LEASE).timestamp()
    for path in folder.glob("[0-9]*/*"):
        name = path.name
        ours = _ZIP_NAME.match(name) or _PART_NAME.match(name)
        if ours and name not in known and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def sweep(now: datetime | None = None) -> SweepResult:
    now = now or utcnow()
    interrupted = _fail_interrupted(now)
    expired = _delete_rows([ArchiveExport.status == "done", ArchiveExport.expires_at < now])
    _delete_rows([ArchiveExport.status == "failed",
                  ArchiveExport.finished_at < now - EXPIRES_AFTER])
    return SweepResult(interrupted, expired, _orphans(exports_dir(), now), _lost_queued(now))
