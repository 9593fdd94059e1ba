"""/exports/journal.csv?from=YYYY-MM-DD&to=YYYY-MM-DD: the accounting journal
(services/archive/journal.py), one line per document and tax rate plus payments
and refunds, as a CSV attachment. Either end of the range may be left out."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute
from updoot_app.api.routes_companies import DB, READ
from updoot_app.services.archive import journal
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["exports"], route_class=SessionRoute)


@router.get("/exports/journal.csv")
def journal_csv(p: Principal = READ, session: Session = DB,
                start: str | None = Query(None, alias="from"),
                end: str | None = Query(None, alias="to")) -> Response:
    data = journal.journal_csv(session, p, start, end)
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename="
                             f'"{journal.journal_filename(p, start, end)}"'})
