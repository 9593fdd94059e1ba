"""/companies — and the small helpers the CRM routers share.

Money contract: money goes in and out as decimal strings ("12000.00"). A JSON
number in a money field is refused with 422 (a float cannot carry an exact
amount). Amounts go out rounded half-up to the currency's minor unit
(2 decimals when there is no currency, e.g. a company's annual revenue).

List endpoints answer {"items": [...], "total": N, "page": P, "page_size": S}.
Sessions end (commit or roll back) before the response is sent, so a 2xx
means the write is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute, get_session, principal, role
from updoot_app.services.crm import companies
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.api_json import money_str, to_json  # noqa: F401 - re-exported

# --- shared by the CRM routers ------------------------------------------------------

DB = Depends(get_session, scope="function")
READ = Depends(principal)
WRITE = Depends(role("member"))


def paged(rows: list[dict], total: int, page: int, page_size: int,
          currency: str | None = None) -> dict:
    return {"items": to_json(rows, currency), "total": total, "page": page,
            "page_size": page_size}


def _money_text_only(value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, int | float):
        raise ValueError('money must be a decimal string such as "1234.50", not a JSON number')
    return value


MoneyStr = Annotated[str | None, BeforeValidator(_money_text_only)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- companies ---------------------------------------------------------------------

router = APIRouter(tags=["companies"], route_class=SessionRoute)


class CompanyIn(Body):
    name: str | None = None
    domain: str | None = None
    industry: str | None = None
    employees: int | None = None
    annual_revenue: MoneyStr = None
    country: str | None = None
    tech_stack: list[str] | None = None
    triggers: list[str] | None = None
    tags: list[str] | None = None
    owner_id: int | None = None
    notes: str | None = None
    tax_id: str | None = None
    billing_address: str | None = None


def _company_out(session: Session, company) -> dict:
    return to_json(companies.company_dict(session, company))


@router.get("/companies")
def list_companies(
    p: Principal = READ, session: Session = DB,
    search: str | None = None, fit_tier: str | None = None, industry: str | None = None,
    country: str | None = None, owner_id: int | None = None, tag: str | None = None,
    has_open_deal: bool | None = None, sort: str = "name",
    direction: str = "asc", page: int = 1, page_size: int = Query(25),
) -> dict:
    rows, total = companies.list_companies(
        session, p.workspace_id, search=search, fit_tier=fit_tier, industry=industry,
        country=country, owner_id=owner_id, tag=tag, has_open_deal=has_open_deal, sort=sort,
        direction=direction, page=page, page_size=page_size)
    return paged(rows, total, page, page_size)


@router.post("/companies", status_code=201)
def create_company(body: CompanyIn, p: Principal = WRITE, session: Session = DB) -> dict:
    company = companies.create_company(session, p, body.model_dump(exclude_unset=True))
    return _company_out(session, company)


@router.get("/companies/{company_id}")
def get_company(company_id: int, p: Principal = READ, session: Session = DB) -> dict:
    return _company_out(session, companies.get_company(session, p.workspace_id, company_id))


@router.patch("/companies/{company_id}")
def update_company(company_id: int, body: CompanyIn, p: Principal = WRITE,
                   session: Session = DB) -> dict:
    company = companies.update_company(session, p, company_id,
                                       body.model_dump(exclude_unset=True))
    return _company_out(session, company)


@router.delete("/companies/{company_id}", status_code=204)
def delete_company(company_id: int, p: Principal = WRITE, session: Session = DB) -> Response:
    companies.delete_company(session, p, company_id)
    return Response(status_code=204)
