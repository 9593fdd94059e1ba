"""Files a page links to, outside /api/v1 and its tokens: the browser's session
cookie is the credential (a plain link cannot send a bearer token).

GET /downloads/archives/{id}.zip: a workspace archive prepared in Settings
(services/archive/archive_jobs.py), for an owner of the workspace the session is
in. No session: 401; not an owner: 403; anything not a done archive of this
workspace, another workspace's included: 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from updoot_app import db
from updoot_app.api.deps import SessionRoute
from updoot_app.services.archive import archive_job_reads
from updoot_app.services.identity import access
from updoot_app.services.identity.sessions import SESSION_COOKIE

router = APIRouter(tags=["downloads"], route_class=SessionRoute)


@router.get(f"{archive_job_reads.DOWNLOAD_PREFIX}/{{export_id}}.zip")
def workspace_archive(export_id: int, request: Request) -> FileResponse:
    with db.session_scope() as session:
        principal = access.resolve_session(session, request.cookies.get(SESSION_COOKIE))
        path, name = archive_job_reads.archive_file(session, principal, export_id)
    return FileResponse(path, media_type="application/zip", filename=name,
                        headers={"Cache-Control": "no-store"})
