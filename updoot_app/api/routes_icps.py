"""ICPs (versioned), their personas, starter templates, and a company's fit.

Bodies are the API shapes of docs/architecture.md ("Fit scoring"), validated by
the services (422 names the field); reads need any role, writes need "member".
Rows of another workspace answer 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Response
from sqlmodel import Session

from updoot_app.api.deps import SessionRoute, get_session, principal, role
from updoot_app.services.identity.access import Principal
from updoot_app.services.profiles import examples, fit, icp_reads, icps, personas

router = APIRouter(tags=["icps"], route_class=SessionRoute)

ICP_EXAMPLE = {**examples.DESIGN_ICP, "pain_points": ["compliance"]}
PERSONA_EXAMPLE = icps.SECURITY_SARAH

IcpBody = Body(..., examples=[ICP_EXAMPLE])
IcpPatchBody = Body(..., examples=[{"criteria": ICP_EXAMPLE["criteria"], "is_active": True}])
PersonaBody = Body(..., examples=[PERSONA_EXAMPLE])
PersonaPatchBody = Body(..., examples=[{"buying_role": "champion"}])


def _detail(session: Session, p: Principal, icp) -> dict:
    rows = personas.list_personas(session, p, icp.id)
    return icp_reads.icp_out(session, icp) | {
        "personas_count": len(rows),
        "persona_warnings": personas.persona_warnings(rows),
    }


def _written(session: Session, icp, workspace_id: int) -> dict:
    return icp_reads.icp_out(session, icp) | {
        "tier_counts": icp_reads.tier_counts(session, workspace_id)}


# --------------------------------------------------------------------------- ICPs


@router.get("/icps")
def list_icps(p: Principal = Depends(principal),
              s: Session = Depends(get_session)) -> list[dict[str, Any]]:
    return [icp_reads.icp_out(s, icp) for icp in icp_reads.list_icps(s, p)]


@router.post("/icps", status_code=201)
def create_icp(payload: dict[str, Any] = IcpBody, p: Principal = Depends(role("member")),
               s: Session = Depends(get_session)) -> dict[str, Any]:
    icp = icps.create_icp(s, p, payload)
    return _written(s, icp, p.workspace_id)


@router.get("/icps/templates")
def list_templates(_p: Principal = Depends(principal)) -> list[dict[str, Any]]:
    return icps.templates()


@router.get("/icps/{icp_id}")
def get_icp(icp_id: int, p: Principal = Depends(principal),
            s: Session = Depends(get_session)) -> dict[str, Any]:
    return _detail(s, p, icp_reads.get_icp(s, p, icp_id))


@router.patch("/icps/{icp_id}")
def update_icp(icp_id: int, changes: dict[str, Any] = IcpPatchBody,
               p: Principal = Depends(role("member")),
               s: Session = Depends(get_session)) -> dict[str, Any]:
    icp = icps.update_icp(s, p, icp_id, changes)
    return _written(s, icp, p.workspace_id)


@router.delete("/icps/{icp_id}", status_code=204)
def delete_icp(icp_id: int, p: Principal = Depends(role("member")),
               s: Session = Depends(get_session)) -> Response:
    icps.delete_icp(s, p, icp_id)
    return Response(status_code=204)


@router.get("/icps/{icp_id}/versions")
def list_versions(icp_id: int, p: Principal = Depends(principal),
                  s: Session = Depends(get_session)) -> list[dict[str, Any]]:
    return [icp_reads.version_out(v) for v in icp_reads.versions(s, p, icp_id)]


@router.post("/icps/{icp_id}/versions/{number}/restore")
def restore_version(icp_id: int, number: int, p: Principal = Depends(role("member")),
                    s: Session = Depends(get_session)) -> dict[str, Any]:
    icps.restore_version(s, p, icp_id, number)
    icp = icp_reads.get_icp(s, p, icp_id)
    return _written(s, icp, p.workspace_id) | {"restored_from": number}


# --------------------------------------------------------------------------- personas


@router.get("/icps/{icp_id}/personas")
def list_personas(icp_id: int, p: Principal = Depends(principal),
                  s: Session = Depends(get_session)) -> list[dict[str, Any]]:
    return [personas.persona_out(x) for x in personas.list_personas(s, p, icp_id)]


@router.post("/icps/{icp_id}/personas", status_code=201)
def create_persona(icp_id: int, payload: dict[str, Any] = PersonaBody,
                   p: Principal = Depends(role("member")),
                   s: Session = Depends(get_session)) -> dict[str, Any]:
    return personas.persona_out(personas.create_persona(s, p, icp_id, payload))


@router.get("/personas/{persona_id}")
def get_persona(persona_id: int, p: Principal = Depends(principal),
                s: Session = Depends(get_session)) -> dict[str, Any]:
    return personas.persona_out(personas.get_persona(s, p, persona_id))


@router.patch("/personas/{persona_id}")
def update_persona(persona_id: int, changes: dict[str, Any] = PersonaPatchBody,
                   p: Principal = Depends(role("member")),
                   s: Session = Depends(get_session)) -> dict[str, Any]:
    return personas.persona_out(personas.update_persona(s, p, persona_id, changes))


@router.delete("/personas/{persona_id}", status_code=204)
def delete_persona(persona_id: int, p: Principal = Depends(role("member")),
                   s: Session = Depends(get_session)) -> Response:
    personas.delete_persona(s, p, persona_id)
    return Response(status_code=204)


# --------------------------------------------------------------------------- fit


@router.get("/companies/{company_id}/fit")
def company_fit(company_id: int, p: Principal = Depends(principal),
                s: Session = Depends(get_session)) -> dict[str, Any]:
    return fit.get_fit(s, p, company_id)
