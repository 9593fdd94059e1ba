"""GET /api/v1/me: who the token belongs to."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from updoot_app.api.deps import SessionRoute, principal
from updoot_app.services.identity.access import Principal

router = APIRouter(tags=["me"], route_class=SessionRoute)


class UserOut(BaseModel):
    id: int
    email: str
    name: str


class WorkspaceOut(BaseModel):
    id: int
    name: str
    slug: str


class MeOut(BaseModel):
    user: UserOut
    workspace: WorkspaceOut
    role: str


@router.get("/me", response_model=MeOut)
def me(p: Principal = Depends(principal)) -> MeOut:
    return MeOut(
        user=UserOut(id=p.user_id, email=p.email, name=p.name),
        workspace=WorkspaceOut(id=p.workspace_id, name=p.workspace_name, slug=p.workspace_slug),
        role=p.role,
    )
