"""The rows a workspace is born with: its default pipeline stages.

A workspace is created in identity (sign-up, "new workspace", the demo) and
must have a pipeline from its first page. The default stages are data, so
inserting them needs only the `Stage` model, not crm: identity sits below crm
and must not import it. Every change to the stages afterwards is crm's
(`crm.stages`).
"""

from __future__ import annotations

from sqlmodel import Session

from updoot_app.models import Stage

DEFAULT_STAGES = (
    ("New", 5, "open"),
    ("Contacted", 10, "open"),
    ("Qualified", 25, "open"),
    ("Proposal", 50, "open"),
    ("Negotiation", 75, "open"),
    ("Won", 100, "won"),
    ("Lost", 0, "lost"),
)


def create_default_stages(session: Session, workspace_id: int) -> list[Stage]:
    stages = [
        Stage(workspace_id=workspace_id, name=name, position=i, probability=p, kind=kind)
        for i, (name, p, kind) in enumerate(DEFAULT_STAGES)
    ]
    session.add_all(stages)
    session.flush()
    return stages
