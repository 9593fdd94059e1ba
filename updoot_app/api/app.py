"""The REST API under /api/v1 (FastAPI, mounted on Reflex's backend)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from updoot_app.api import (
    routes_activities,
    routes_billing_settings,
    routes_companies,
    routes_competitors,
    routes_contacts,
    routes_credit_notes,
    routes_deal_contacts,
    routes_deals,
    routes_downloads,
    routes_exports,
    routes_goals,
    routes_icp_evidence,
    routes_icps,
    routes_invoices,
    routes_kpis,
    routes_mail,
    routes_me,
    routes_products,
    routes_quotes,
    routes_schedules,
    routes_signals,
    routes_stages,
    routes_tasks,
    routes_webhooks,
)
from updoot_app.api.deps import principal
from updoot_app.services.platform.errors import (
    AuthRequired,
    DomainError,
    Forbidden,
    NotConfigured,
    NotFound,
    RateLimited,
    ValidationError,
)

API_PREFIX = "/api/v1"
# Routes reachable without a token, by design. Everything else must answer 401.
PUBLIC_PATHS = {f"{API_PREFIX}/openapi.json", f"{API_PREFIX}/docs",
                f"{API_PREFIX}/docs/oauth2-redirect", f"{API_PREFIX}/redoc"}

STATUS = {AuthRequired: 401, Forbidden: 403, NotFound: 404, ValidationError: 422,
          RateLimited: 429, NotConfigured: 503}


def _error(status: int, message: str, field: str | None = None) -> JSONResponse:
    body = {"detail": message}
    if field:
        body["field"] = field
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
    return _error(status, str(exc), getattr(exc, "field", None))


async def _request_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with a sentence a person can read, naming the field."""
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    field = ".".join(loc) or None
    message = first.get("msg", "Invalid input")
    return _error(422, f"{field}: {message}" if field else message, field)


def create_api() -> FastAPI:
    api = FastAPI(
        title="Updoot API",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    api.add_exception_handler(DomainError, _domain_error)
    api.add_exception_handler(RequestValidationError, _request_error)
    v1 = APIRouter(prefix=API_PREFIX, dependencies=[Depends(principal)])
    v1.include_router(routes_me.router)
    v1.include_router(routes_companies.router)
    v1.include_router(routes_contacts.router)
    v1.include_router(routes_deals.router)
    v1.include_router(routes_deal_contacts.router)
    v1.include_router(routes_stages.router)
    v1.include_router(routes_activities.router)
    v1.include_router(routes_icp_evidence.router)
    v1.include_router(routes_icps.router)
    v1.include_router(routes_competitors.router)
    v1.include_router(routes_products.router)
    v1.include_router(routes_quotes.router)
    v1.include_router(routes_billing_settings.router)
    v1.include_router(routes_credit_notes.router)
    v1.include_router(routes_invoices.router)
    v1.include_router(routes_schedules.router)
    v1.include_router(routes_exports.router)
    v1.include_router(routes_goals.router)
    v1.include_router(routes_kpis.router)
    v1.include_router(routes_mail.router)
    v1.include_router(routes_tasks.router)
    v1.include_router(routes_signals.router)
    v1.include_router(routes_webhooks.router)
    api.include_router(v1)
    # Outside /api/v1 and without a token: the client's PDF behind a quote's public link.
    api.include_router(routes_quotes.public_router)
    # Outside /api/v1, with the browser's session cookie: files a page links to.
    api.include_router(routes_downloads.router)
    return api
