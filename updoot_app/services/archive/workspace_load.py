"""Loading a workspace archive (`updoot import-workspace`) as a NEW workspace, in
this deployment or another: new ids, every reference remapped, quote and invoice
numbers (and the counters behind them) kept.

People are matched by email: a user of this deployment with the same email keeps
their rows and, if they were a member, their role; rows of anyone else go to the
importing owner, who owns the new workspace. The new workspace is never a demo
(a demo is purged after a day). Everything happens in the caller's transaction,
so an archive that fails anywhere, down to one row, leaves nothing behind; every
reference is checked before the first row is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from updoot_app.models import User, Workspace
from updoot_app.services.archive import workspace_format as fmt
from updoot_app.services.archive.workspace_read import ArchiveContents, ArchiveRefused
from updoot_app.services.identity.workspaces import unique_slug
from updoot_app.services.platform import activity, clock
from updoot_app.services.platform.errors import ValidationError
from updoot_app.services.platform.validation import clean_text


@dataclass(frozen=True)
class ImportResult:
    workspace_id: int
    slug: str
    name: str
    rows: dict[str, int]
    matched_users: list[str]  # emails of users of this deployment found in the archive


# --------------------------------------------------------------------------- checks


def check_references(contents: ArchiveContents) -> None:
    """Every id a row refers to is in the archive (or empty): nothing dangles."""
    ids = {name: {r["id"] for r in rows} for name, rows in contents.tables.items()
           if fmt.primary_key(name)}
    ids["users"] = {u["id"] for u in contents.users}
    workspace_id = contents.manifest["workspace"]["id"]
    for name, rows in contents.tables.items():
        refs = fmt.references(name)
        for number, row in enumerate(rows, start=1):
            for col, target in refs.items():
                value = row.get(col)
                if value is None:
                    continue
                if target == "workspaces":
                    ok = value == workspace_id
                else:
                    ok = value in ids[target]
                if not ok:
                    raise ArchiveRefused(f"data/{name}.json, row {number}: {col} {value} is "
                                         f"not a row of {target} in the archive.")


def importing_owner(session: Session, contents: ArchiveContents, email: object) -> int:
    """The user who will own the imported workspace: `email`, or else the archive's
    own owner when they have an account here."""
    if email is None:
        by_id = {u["id"]: u["email"] for u in contents.users}
        owners = [by_id.get(m["user_id"]) for m in contents.tables["memberships"]
                  if m.get("role") == "owner"]
        for candidate in owners:
            found = candidate and session.execute(select(User.id).where(
                User.email == candidate.strip().lower())).scalar_one_or_none()
            if found:
                return found
        raise ArchiveRefused("None of the archive's owners has an account here: name the "
                             "new workspace's owner (--owner EMAIL).")
    address = clean_text(email, "owner", "The owner's email", max_len=320).lower()
    found = session.execute(select(User.id).where(User.email == address)).scalar_one_or_none()
    if found is None:
        raise ArchiveRefused(f"No user with the email {address} here: create them first "
                             "(`updoot user create`), or name another owner.")
    return found


# --------------------------------------------------------------------------- writing


class _Remap:
    def __init__(self, workspace_id: int, users: dict[int, int]):
        self.ids: dict[str, dict[int, int]] = {"workspaces": {}, "users": users}
        self.workspace_id = workspace_id

    def row(self, name: str, row: dict) -> dict:
        out = {}
        for col, value in row.items():
            target = fmt.references(name).get(col)
            if col == "id" or (name, col) in fmt.DEFERRED:
                continue
            if target == "workspaces":
                value = self.workspace_id
            elif target is not None and value is not None:
                value = self.ids[target][value]
            out[col] = value
        if "workspace_id" in fmt.table(name).c:
            out["workspace_id"] = self.workspace_id
        return out

    def entity(self, entity_type: str, entity_id: int | None) -> int | None:
        """An activity's subject; one deleted before the export has no new id."""
        if entity_type == "workspace":
            return self.workspace_id
        target = fmt.ENTITY_TABLES.get(entity_type)
        return self.ids.get(target, {}).get(entity_id) if target else None


def _match_users(session: Session, contents: ArchiveContents, owner_id: int
                 ) -> tuple[dict[int, int], list[str]]:
    emails = {u["email"].strip().lower(): u["id"] for u in contents.users}
    found = dict(session.execute(select(User.email, User.id).where(
        User.email.in_(list(emails)))).all()) if emails else {}
    mapping = {old: found.get(email, owner_id) for email, old in emails.items()}
    return mapping, sorted(email for email in emails if email in found)


def _memberships(contents: ArchiveContents, remap: _Remap, owner_id: int
                 ) -> tuple[list[dict], list[int | None]]:
    """The new workspace's members (the owner once, as owner), and for each the
    archived membership it comes from."""
    rows, sources, seen = [], [], set()
    for row in contents.tables["memberships"]:
        user_id = remap.ids["users"][row["user_id"]]
        if user_id in seen:
            continue
        seen.add(user_id)
        new = remap.row("memberships", row)
        new["role"] = "owner" if user_id == owner_id else row["role"]
        rows.append(new)
        sources.append(row["id"])
    if owner_id not in seen:
        rows.append({"workspace_id": remap.workspace_id, "user_id": owner_id, "role": "owner"})
        sources.append(None)
    return rows, sources


def _insert(session: Session, name: str, rows: list[dict]) -> list[int]:
    """Insert a table's rows in one statement; the new ids in the rows' order."""
    if not rows:
        return []
    t = fmt.table(name)
    conn = session.connection()
    try:
        if fmt.primary_key(name) is None:
            conn.execute(insert(t), rows)
            return []
        result = conn.execute(insert(t).returning(t.c.id, sort_by_parameter_order=True), rows)
        return list(result.scalars())
    except IntegrityError as exc:  # the caller's transaction rolls all of it back
        reason = str(exc.orig).strip().splitlines()[0]
        raise ArchiveRefused(f"data/{name}.json breaks a rule of the database ({reason}).") \
            from exc


def import_workspace(session: Session, contents: ArchiveContents, owner_id: int,
                     name: object = None) -> ImportResult:
    """Write the archive as a new workspace owned by `owner_id` (see the module
    docstring); the caller's session commits it, or rolls all of it back."""
    check_references(contents)
    archived = contents.manifest["workspace"]
    if contents.tables["billing_logos"] and contents.logo is None:
        raise ArchiveRefused("data/billing_logos.json has a logo the archive does not hold.")
    name = clean_text(archived["name"] if name is None else name, "name", "Workspace name",
                      max_len=80)
    currency, stale = archived.get("currency", "USD"), archived.get("stale_after_days", 14)
    if not (isinstance(currency, str) and len(currency) == 3 and isinstance(stale, int)):
        raise ArchiveRefused("manifest.json: the workspace's currency or stale-deal days "
                             "are not valid.")
    try:
        time_zone = clock.clean_time_zone(archived.get("time_zone") or clock.DEFAULT_TIME_ZONE)
    except ValidationError as exc:
        raise ArchiveRefused(f"manifest.json: {exc}") from exc
    workspace = Workspace(name=name, slug=unique_slug(session, name), currency=currency,
                          stale_after_days=stale, time_zone=time_zone, is_demo=False)
    session.add(workspace)
    session.flush()
    users, matched = _match_users(session, contents, owner_id)
    remap = _Remap(workspace.id, users)
    counts = {}
    for table_name in fmt.TABLES:
        rows = contents.tables[table_name]
        if table_name == "memberships":
            new_rows, sources = _memberships(contents, remap, owner_id)
        else:
            new_rows, sources = [remap.row(table_name, r) for r in rows], [r.get("id") for r in rows]
        if table_name == "billing_logos":
            for row in new_rows:
                row["data"] = contents.logo
        if table_name == "activities":
            for row, old in zip(new_rows, rows, strict=True):
                row["entity_id"] = remap.entity(old["entity_type"], old.get("entity_id"))
        new_ids = _insert(session, table_name, new_rows)
        if new_ids:
            remap.ids[table_name] = {old: new for old, new in zip(sources, new_ids, strict=True)
                                     if old is not None}
        counts[table_name] = len(new_rows)
    _set_deferred(session, contents, remap)
    activity.log(session, workspace_id=workspace.id, user_id=owner_id,
                 action="workspace.imported", entity_type="workspace", entity_id=workspace.id,
                 summary=f"Imported from the archive of '{archived['name']}'")
    return ImportResult(workspace.id, workspace.slug, name, counts, matched)


def _set_deferred(session: Session, contents: ArchiveContents, remap: _Remap) -> None:
    for table_name, col in sorted(fmt.DEFERRED):
        target = fmt.references(table_name)[col]
        t = fmt.table(table_name)
        for row in contents.tables[table_name]:
            if row.get(col) is not None:
                session.connection().execute(
                    update(t).where(t.c.id == remap.ids[table_name][row["id"]])
                    .values({col: remap.ids[target][row[col]]}))
