"""Reading a workspace archive before anything is written: the zip is checked (no
zip bomb, no path outside the archive), then the manifest (format, schema
revision), then every JSON file, every row and every cell against the tables of
this release. Any problem raises ArchiveRefused with a message that names the file
and the row; the archive is read in memory, never unpacked on disk.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from updoot_app import migrations
from updoot_app.services.archive import workspace_format as fmt
from updoot_app.services.platform.errors import DomainError

MAX_TOTAL_BYTES = 1 << 30  # everything unpacked: 1 GiB
MAX_RATIO = 200  # a member over RATIO_FLOOR may not unpack to more than 200x its size
RATIO_FLOOR = 1 << 20
CHUNK = 1 << 16


class ArchiveRefused(DomainError):
    """A workspace archive that cannot be imported; nothing was written."""


@dataclass(frozen=True)
class ArchiveContents:
    manifest: dict
    users: list[dict]
    tables: dict[str, list[dict]]  # table -> rows, cells as Python values
    logo: bytes | None


def _check_names(infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        name = info.filename
        path = PurePosixPath(name)
        if (not name or name.startswith("/") or "\\" in name or ":" in name
                or ".." in path.parts):
            raise ArchiveRefused(f"The archive holds an unsafe path ({name!r}): refused.")


def _check_sizes(infos: list[zipfile.ZipInfo], max_total: int, max_ratio: int) -> None:
    total = sum(info.file_size for info in infos)
    if total > max_total:
        raise ArchiveRefused(f"The archive would unpack to {total:,} bytes, over the limit of "
                             f"{max_total:,}: refused as a possible zip bomb.")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > max_ratio:
            raise ArchiveRefused(f"{info.filename} compresses {ratio:,.0f} to 1 (the limit is "
                                 f"{max_ratio}): refused as a possible zip bomb.")


class _Reader:
    """Reads members while counting what they really unpack to (a header can lie)."""

    def __init__(self, archive: zipfile.ZipFile, budget: int):
        self.archive, self.budget = archive, budget

    def read(self, name: str) -> bytes:
        info = self.archive.getinfo(name)
        parts, size = [], 0
        with self.archive.open(info) as member:
            while block := member.read(CHUNK):
                size += len(block)
                if size > info.file_size or size > self.budget:
                    raise ArchiveRefused(f"{name} unpacks to more than it declares: refused as "
                                         "a possible zip bomb.")
                parts.append(block)
        self.budget -= size
        return b"".join(parts)

    def json(self, name: str) -> object:
        try:
            return json.loads(self.read(name))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ArchiveRefused(f"{name} is not valid JSON ({exc}).") from exc


def _manifest(reader: _Reader, names: set[str]) -> dict:
    if fmt.MANIFEST not in names:
        raise ArchiveRefused("This is not an Updoot workspace archive (no manifest.json).")
    manifest = reader.json(fmt.MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != fmt.FORMAT:
        raise ArchiveRefused("This is not an Updoot workspace archive (manifest.json does "
                             f"not say '{fmt.FORMAT}').")
    if manifest.get("format_version") != fmt.FORMAT_VERSION:
        raise ArchiveRefused(f"The archive has format version {manifest.get('format_version')!r};"
                             f" this release reads version {fmt.FORMAT_VERSION}.")
    revision = manifest.get("schema_revision")
    if revision not in migrations.known_revisions():
        raise ArchiveRefused(
            f"The archive is of schema revision {revision!r}, which this release does not "
            f"know (its newest is {migrations.head_revision()}): there is no migration path. "
            "Import it with the release that wrote it, or a newer one.")
    workspace = manifest.get("workspace")
    if not isinstance(workspace, dict) or not isinstance(workspace.get("id"), int) \
            or not isinstance(workspace.get("name"), str):
        raise ArchiveRefused("manifest.json does not describe its workspace (id and name).")
    return manifest


def _users(reader: _Reader, names: set[str]) -> list[dict]:
    users = reader.json(fmt.USERS) if fmt.USERS in names else []
    if not isinstance(users, list) or not all(
            isinstance(u, dict) and isinstance(u.get("id"), int)
            and isinstance(u.get("email"), str) for u in users):
        raise ArchiveRefused(f"{fmt.USERS} must be a list of users, each with an id and an "
                             "email.")
    return users


def _table(reader: _Reader, name: str, names: set[str]) -> list[dict]:
    member = f"data/{name}.json"
    if member not in names:
        return []  # a table younger than the archive's revision
    rows = reader.json(member)
    if not isinstance(rows, list):
        raise ArchiveRefused(f"{member} must hold a list of rows.")
    known = set(fmt.columns(name))
    decoded = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ArchiveRefused(f"{member}, row {number}: not an object.")
        unknown = set(row) - known
        if unknown:
            raise ArchiveRefused(f"{member}, row {number}: unknown column(s) "
                                 f"{', '.join(sorted(unknown))}.")
        key = fmt.primary_key(name)
        if key and not isinstance(row.get(key), int):
            raise ArchiveRefused(f"{member}, row {number}: no integer id.")
        try:
            decoded.append({col: fmt.from_json(name, col, value) for col, value in row.items()})
        except fmt.BadValue as exc:
            col = next(c for c, v in row.items() if _fails(name, c, v))
            raise ArchiveRefused(f"{member}, row {number}, column {col}: {exc}.") from exc
    return decoded


def _fails(name: str, column: str, value: object) -> bool:
    try:
        fmt.from_json(name, column, value)
    except fmt.BadValue:
        return True
    return False


def read_archive(source: Path | bytes, *, max_total: int = MAX_TOTAL_BYTES,
                 max_ratio: int = MAX_RATIO) -> ArchiveContents:
    """Every check of the module docstring, then the archive's contents."""
    try:
        archive = zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source))
    except FileNotFoundError as exc:
        raise ArchiveRefused(f"No such file: {source}.") from exc
    except zipfile.BadZipFile as exc:
        raise ArchiveRefused(f"This is not a zip file, or it is damaged or truncated ({exc}).") \
            from exc
    with archive:
        infos = archive.infolist()
        _check_names(infos)
        _check_sizes(infos, max_total, max_ratio)
        names = {info.filename for info in infos}
        extra = {n for n in names if n.startswith("data/")} - {
            f"data/{t}.json" for t in fmt.TABLES}
        if extra:
            raise ArchiveRefused(f"The archive holds tables this release does not know: "
                                 f"{', '.join(sorted(extra))}.")
        reader = _Reader(archive, max_total)
        try:
            manifest = _manifest(reader, names)
            users = _users(reader, names)
            tables = {name: _table(reader, name, names) for name in fmt.TABLES}
            logo_name = manifest.get("logo")
            if logo_name is not None and (logo_name not in fmt.LOGO_NAMES.values()
                                          or logo_name not in names):
                raise ArchiveRefused(f"manifest.json names a logo ({logo_name!r}) the archive "
                                     "does not hold.")
            logo = reader.read(logo_name) if logo_name else None
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise ArchiveRefused(f"The archive is damaged or truncated ({exc}).") from exc
    return ArchiveContents(manifest, users, tables, logo)
