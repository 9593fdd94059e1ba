"""The complete archive of one workspace (`updoot export`): every table of the
workspace as JSON with its ids, the users its rows refer to, the logo, the CSVs,
and a manifest with the schema revision (the format: workspace_format.py).

Owners only: the archive holds everything, members' emails included. Rows are
read with core selects, one table at a time, in id order.
"""

from __future__ import annotations

import io
import json
import zipfile

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


def _users(session: Session, data: dict[str, list[dict]]) -> list[dict]:
    ids = set()
    for name, rows in data.items():
        for col, target in fmt.references(name).items():
            if target == "users":
                ids.update(r[col] for r in rows if r.get(col) is not None)
        if name == "activities":
            ids.update(r["entity_id"] for r in rows
                       if r["entity_type"] == "user" and r["entity_id"] is not None)
    users = session.execute(select(User.id, User.email, User.name)
                            .where(User.id.in_(ids)).order_by(User.id)).all()
    return [{"id": i, "email": e, "name": n} for i, e, n in users]


def dump_workspace(session: Session, principal: Principal) -> bytes:
    """The zip of the caller's whole workspace."""
    principal.require("owner")
    ws_id = principal.workspace_id
    workspace = session.get(Workspace, ws_id)
    data = {name: _rows(session, name, ws_id) for name in fmt.TABLES}
    logo = session.get(BillingLogo, ws_id)
    logo_name = fmt.LOGO_NAMES.get(logo.content_type) if logo is not None else None
    manifest = {
        "format": fmt.FORMAT, "format_version": fmt.FORMAT_VERSION,
        "schema_revision": migrations.head_revision(),
        "exported_at": utcnow().isoformat(timespec="seconds"),
        "workspace": {"id": ws_id, "name": workspace.name, "slug": workspace.slug,
                      "currency": workspace.currency,
                      "stale_after_days": workspace.stale_after_days,
                      "time_zone": workspace.time_zone},
        "tables": {name: len(rows) for name, rows in data.items()},
        "logo": logo_name, "csv": list(export.ZIP_FILES),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(fmt.MANIFEST, _json(manifest))
        archive.writestr(fmt.USERS, _json(_users(session, data)))
        for name, rows in data.items():
            archive.writestr(f"data/{name}.json", _json(rows))
        if logo_name:
            archive.writestr(logo_name, logo.data)
        for kind in export.KINDS:
            archive.writestr(f"{kind}.csv", export.export_csv(session, principal, kind))
        archive.writestr("journal.csv", journal.journal_csv(session, principal))
    return out.getvalue()
