"""The complete archive of one workspace (`updoot export`): every table of the
workspace as JSON with its ids, the users its rows refer to, the logo, the CSVs,
and a manifest with the schema revision (the format: workspace_format.py). Written
into a file object with progress reports for the job of Settings (archive_jobs.py),
or into memory for `updoot export`.

Owners only: the archive holds everything, members' emails included. Rows are
read with core selects, one table at a time, in id order.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlmodel import Session

from updoot_app import migrations
from updoot_app.models import BillingLogo, User, Workspace
from updoot_app.models.types import utcnow
from updoot_app.services.archive import export, journal
from updoot_app.services.archive import workspace_format as fmt
from updoot_app.services.identity.access import Principal


def _rows(session: Session, name: str, workspace_id: int) -> list[dict]:
    t = fmt.table(name)
    cols = fmt.columns(name)
    query = select(*(t.c[c] for c in cols))
    if "workspace_id" in t.c:
        query = query.where(t.c.workspace_id == workspace_id)
    else:  # a document's lines: those of the workspace's documents
        parent, key = fmt.LINE_PARENTS[name]
        p = fmt.table(parent)
        query = query.where(t.c[key].in_(select(p.c.id).where(p.c.workspace_id == workspace_id)))
    order = [t.c[k.name] for k in t.primary_key.columns]
    return [{c: fmt.to_json(v) for c, v in zip(cols, row, strict=True)}
            for row in session.execute(query.order_by(*order))]


def _json(value: object) -> bytes:
    """One row per line: readable, and a diff of two archives reads row by row."""
    if isinstance(value, list):
        body = ",\n".join(json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value)
        return f"[\n{body}\n]\n".encode() if value else b"[]\n"
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).encode()


def _user_ids(name: str, rows: list[dict]) -> set[int]:
    """The users one table's rows refer to."""
    ids = set()
    for col, target in fmt.references(name).items():
        if target == "users":
            ids.update(r[col] for r in rows if r.get(col) is not None)
    if name == "activities":
        ids.update(r["entity_id"] for r in rows
                   if r["entity_type"] == "user" and r["entity_id"] is not None)
    return ids


def _users(session: Session, ids: set[int]) -> list[dict]:
    users = session.execute(select(User.id, User.email, User.name)
                            .where(User.id.in_(ids)).order_by(User.id)).all()
    return [{"id": i, "email": e, "name": n} for i, e, n in users]


@dataclass(frozen=True)
class Progress:
    """How far an archive is: files written into the zip of all it will hold, and
    the table rows written so far."""

    files_done: int
    files_total: int
    rows_written: int


def write_workspace(session: Session, principal: Principal, out: BinaryIO,
                    progress: Callable[[Progress], None] | None = None) -> dict:
    """Write the zip of the caller's whole workspace into `out`, one table at a time
    (only one table's rows in memory), calling `progress` after each file; returns
    the manifest. The manifest goes last: it counts what was written."""
    principal.require("owner")
    ws_id = principal.workspace_id
    workspace = session.get(Workspace, ws_id)
    logo = session.get(BillingLogo, ws_id)
    logo_name = fmt.LOGO_NAMES.get(logo.content_type) if logo is not None else None
    started = utcnow().isoformat(timespec="seconds")
    total = len(fmt.TABLES) + len(export.ZIP_FILES) + 2 + (1 if logo_name else 0)
    counts: dict[str, int] = {}
    user_ids: set[int] = set()
    done = rows_written = 0

    def wrote(name: str, content: bytes, rows: int = 0) -> None:
        nonlocal done, rows_written
        archive.writestr(name, content)
        done, rows_written = done + 1, rows_written + rows
        if progress is not None:
            progress(Progress(done, total, rows_written))

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in fmt.TABLES:
            rows = _rows(session, name, ws_id)
            counts[name] = len(rows)
            user_ids |= _user_ids(name, rows)
            wrote(f"data/{name}.json", _json(rows), len(rows))
        wrote(fmt.USERS, _json(_users(session, user_ids)))
        if logo_name:
            wrote(logo_name, logo.data)
        for kind in export.KINDS:
            wrote(f"{kind}.csv", export.export_csv(session, principal, kind))
        wrote("journal.csv", journal.journal_csv(session, principal))
        manifest = {
            "format": fmt.FORMAT, "format_version": fmt.FORMAT_VERSION,
            "schema_revision": migrations.head_revision(), "exported_at": started,
            "workspace": {"id": ws_id, "name": workspace.name, "slug": workspace.slug,
                          "currency": workspace.currency,
                          "stale_after_days": workspace.stale_after_days,
                          "time_zone": workspace.time_zone},
            "tables": counts, "logo": logo_name, "csv": list(export.ZIP_FILES),
        }
        wrote(fmt.MANIFEST, _json(manifest))
    return manifest


def dump_workspace(session: Session, principal: Principal) -> bytes:
    """The zip of the caller's whole workspace, in memory (`updoot export`)."""
    out = io.BytesIO()
    write_workspace(session, principal, out)
    return out.getvalue()
