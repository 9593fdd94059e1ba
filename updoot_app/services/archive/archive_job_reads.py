"""Reads of the archives of Settings → Your data (archive_jobs.py makes them): what
the page shows, and the file behind a download. Owners only; another workspace's
archive does not exist (NotFound), whatever its id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from updoot_app.models import ArchiveExport
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import NotFound

DOWNLOAD_PREFIX = "/downloads/archives"


def download_path(export_id: int) -> str:
    """The URL path of a done archive (api/routes_downloads.py serves it)."""
    return f"{DOWNLOAD_PREFIX}/{export_id}.zip"


@dataclass(frozen=True)
class ArchiveView:
    id: int
    status: str
    files_done: int
    files_total: int
    rows_written: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None
    file_size: int | None

    @property
    def in_progress(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return self.files_done * 100 // self.files_total if self.files_total else 0

    @property
    def download_url(self) -> str:
        return download_path(self.id) if self.status == "done" else ""


def latest_archive(session: Session, principal: Principal) -> ArchiveView | None:
    """The workspace's most recent archive request, whatever its state."""
    principal.require("owner")
    row = session.exec(select(ArchiveExport)
                       .where(ArchiveExport.workspace_id == principal.workspace_id)
                       .order_by(ArchiveExport.id.desc()).limit(1)).first()
    if row is None:
        return None
    return ArchiveView(row.id, row.status, row.files_done, row.files_total, row.rows_written,
                       row.error, row.created_at, row.finished_at, row.expires_at,
                       row.file_size)


def archive_file(session: Session, principal: Principal, export_id: object) -> tuple[Path, str]:
    """The file of a done archive of the caller's workspace and the name to save it
    as; NotFound for anything else (another workspace's, unfinished, expired)."""
    principal.require("owner")
    if not isinstance(export_id, int) or isinstance(export_id, bool):
        raise NotFound("Archive")
    row = session.exec(select(ArchiveExport)
                       .where(ArchiveExport.id == export_id,
                              ArchiveExport.workspace_id == principal.workspace_id,
                              ArchiveExport.status == "done")).first()
    if row is None or not row.file_path or not Path(row.file_path).is_file():
        raise NotFound("Archive")
    day = (row.finished_at or row.created_at).date().isoformat()
    return Path(row.file_path), f"{principal.workspace_slug}-archive-{day}.zip"


def _size(n: int | None) -> str:
    size = float(n or 0)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def describe(view: ArchiveView) -> str:
    """One line for the page: where the archive is, or until when it is kept."""
    if view.status == "queued":
        return "Waiting for a worker to start…"
    if view.status == "running":
        if not view.files_total:
            return "Starting…"
        return (f"Writing: {view.files_done} of {view.files_total} files, "
                f"{view.rows_written:,} rows so far.")
    if view.status == "done":
        return (f"Ready: {_size(view.file_size)}, made {_when(view.finished_at)}, "
                f"kept until {_when(view.expires_at)}.")
    return f"The archive could not be made: {view.error or 'unknown reason'}"
