"""Whole-database backups (`updoot backup`) and their restore (`updoot restore`).

A backup is one zip: `manifest.json` (format, database kind, schema revision, the
payload's SHA-256) and the payload. On SQLite the payload is a copy made by
SQLite's online backup API (a consistent snapshot while the server runs, WAL
included, checked with `PRAGMA integrity_check`); on PostgreSQL it is a pg_dump
(pg_backup.py). Every file is written beside its destination under a `.part` name
and renamed when complete, so a backup killed half-way never looks like a backup.

A restore reads and checks the whole file before it touches the database: a file
that is damaged, truncated, of another database kind or of a schema revision this
release does not know is refused with nothing written. Into a non-empty database
it goes only with `force`, and says what it would replace. On SQLite the backup is
unpacked and migrated forward in a temporary file beside the database, which then
atomically replaces it (the replaced file is kept beside it). Stop the server
before a restore: a running server keeps the old file open.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from updoot_app import db, migrations
from updoot_app.models.types import utcnow
from updoot_app.services.archive import pg_backup
from updoot_app.services.archive.pg_backup import BackupRefused
from updoot_app.services.archive.target import DatabaseSummary, summarise

FORMAT = "updoot-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1 << 20


@dataclass(frozen=True)
class Manifest:
    engine: str
    revision: str
    created_at: str
    sha256: str
    size: int

    @property
    def payload(self) -> str:
        return PAYLOADS[self.engine]

    def as_json(self) -> bytes:
        return json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION,
                           "engine": self.engine, "revision": self.revision,
                           "created_at": self.created_at, "payload": self.payload,
                           "sha256": self.sha256, "size": self.size}, indent=2).encode()


@dataclass(frozen=True)
class RestoreResult:
    revision: str  # of the backup
    migrated_to: str  # the code's head, where the database now is
    replaced: DatabaseSummary
    kept_copy: Path | None  # SQLite: the replaced database file, kept


# --------------------------------------------------------------------------- files


@contextmanager
def part_file(dest: Path) -> Iterator[Path]:
    """A temporary path beside `dest`, renamed to `dest` only if the block succeeds."""
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    part = Path(name)
    try:
        yield part
        with open(part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, dest)
        _fsync_dir(dest.parent)
    finally:
        part.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def sqlite_path(engine: Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:":
        raise BackupRefused("An in-memory SQLite database has nothing to back up or restore.")
    return Path(name).resolve()


def engine_kind(engine: Engine) -> str:
    return "sqlite" if db.is_sqlite(engine) else "postgresql"


# --------------------------------------------------------------------------- backup


def snapshot_sqlite(source: Path, dest: Path) -> str:
    """Copy the live database into `dest` with SQLite's online backup API; returns the
    copy's schema revision. The copy is one self-contained file (no WAL)."""
    if not source.exists():
        raise BackupRefused(f"There is no database at {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    out = sqlite3.connect(dest)
    try:
        src.backup(out)
        out.execute("PRAGMA journal_mode=DELETE")
        check = out.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupRefused(f"The database fails its integrity check: {check}")
        return _sqlite_revision(out)
    finally:
        out.close()
        src.close()


def _sqlite_revision(conn: sqlite3.Connection) -> str:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None:
        raise BackupRefused("The database has no schema revision: run `updoot migrate` first.")
    return row[0]


def write_backup(out: Path, engine: Engine | None = None) -> Manifest:
    """Back up the app's database (or `engine`'s) into the zip `out`."""
    engine = engine or db.get_engine()
    kind = engine_kind(engine)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".updoot-backup-", dir=out.parent) as work:
        payload = Path(work) / PAYLOADS[kind]
        if kind == "sqlite":
            revision = snapshot_sqlite(sqlite_path(engine), payload)
        else:
            pg_backup.dump(engine.url, payload)
            revision = pg_backup.dump_revision(payload)
            if revision is None:
                raise BackupRefused("The database has no schema revision: run "
                                    "`updoot migrate` first.")
        manifest = Manifest(kind, revision, utcnow().isoformat(timespec="seconds"),
                            _sha256(payload), payload.stat().st_size)
        with part_file(out) as part:
            with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED,
                                 compresslevel=6, allowZip64=True) as archive:
                archive.writestr(MANIFEST, manifest.as_json())
                archive.write(payload, manifest.payload)
    return manifest


# --------------------------------------------------------------------------- reading one


def read_manifest(path: Path) -> Manifest:
    """The manifest of a backup file, checked; BackupRefused says what is wrong."""
    try:
        with zipfile.ZipFile(path) as archive:
            raw = json.loads(archive.read(MANIFEST))
            names = set(archive.namelist())
    except FileNotFoundError as exc:
        raise BackupRefused(f"No such file: {path}.") from exc
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupRefused(f"{path} is not an Updoot backup, or it is damaged or truncated "
                            f"({exc}). Nothing was restored.") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise BackupRefused(f"{path} is not an Updoot backup (no '{FORMAT}' manifest).")
    if raw.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(f"{path} has backup format version {raw.get('format_version')!r}; "
                            f"this release reads version {FORMAT_VERSION}.")
    try:
        manifest = Manifest(str(raw["engine"]), str(raw["revision"]), str(raw["created_at"]),
                            str(raw["sha256"]), int(raw["size"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupRefused(f"{path} has an incomplete manifest ({exc}).") from exc
    if manifest.engine not in PAYLOADS or manifest.payload not in names:
        raise BackupRefused(f"{path} holds no database payload it names.")
    if manifest.revision not in migrations.known_revisions():
        raise BackupRefused(
            f"The backup is at schema revision {manifest.revision}, which this release does "
            f"not know (its newest is {migrations.head_revision()}): there is no migration "
            "path. Restore it with the release that wrote it, or a newer one.")
    return manifest


def unpack_payload(path: Path, manifest: Manifest, dest: Path) -> None:
    """Extract the payload into `dest`, checking its size and SHA-256 on the way."""
    digest, size = hashlib.sha256(), 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open(manifest.payload) as src, \
                open(dest, "wb") as out:
            while block := src.read(CHUNK):
                size += len(block)
                if size > manifest.size:
                    break
                digest.update(block)
                out.write(block)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupRefused(f"{path} is damaged or truncated ({exc}). Nothing was "
                            "restored.") from exc
    if size != manifest.size or digest.hexdigest() != manifest.sha256:
        raise BackupRefused(f"{path} is damaged: its database does not match the checksum "
                            "in its manifest. Nothing was restored.")


# --------------------------------------------------------------------------- restore


def restore(path: Path, *, force: bool = False, engine: Engine | None = None) -> RestoreResult:
    """Replace the app's database (or `engine`'s) with the backup at `path`,
    migrated forward to this release."""
    engine = engine or db.get_engine()
    manifest = read_manifest(path)
    kind = engine_kind(engine)
    if manifest.engine != kind:
        raise BackupRefused(f"{path} is a {manifest.engine} backup; this deployment's database "
                            f"is {kind}. Restore it into a {manifest.engine} database.")
    target_dir = sqlite_path(engine).parent if kind == "sqlite" else None
    with tempfile.TemporaryDirectory(prefix=".updoot-restore-", dir=target_dir) as work:
        payload = Path(work) / manifest.payload
        unpack_payload(path, manifest, payload)
        if kind == "sqlite":
            _check_sqlite_payload(path, payload, manifest)
        else:
            pg_backup.check_dump(payload)
        replaced = summarise(engine)
        if not replaced.empty and not force:
            raise BackupRefused(f"{replaced.describe()} Restoring would replace all of it: "
                                "pass --force to do so. Nothing was restored.")
        kept = None
        if kind == "sqlite":
            kept = _replace_sqlite(engine, payload)
        else:
            pg_backup.restore_dump(engine.url, payload)
            engine.dispose()
            migrations.upgrade(engine=engine)
    return RestoreResult(manifest.revision, migrations.head_revision(), replaced, kept)


def _check_sqlite_payload(path: Path, payload: Path, manifest: Manifest) -> None:
    try:
        conn = sqlite3.connect(payload)
        try:
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
            revision = _sqlite_revision(conn) if check == "ok" else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"The database in {path} is damaged ({exc}). Nothing was "
                            "restored.") from exc
    if check != "ok":
        raise BackupRefused(f"The database in {path} fails its integrity check ({check}). "
                            "Nothing was restored.")
    if revision != manifest.revision:
        raise BackupRefused(f"{path} is inconsistent: its manifest says revision "
                            f"{manifest.revision}, its database {revision}.")


def _replace_sqlite(engine: Engine, payload: Path) -> Path | None:
    """Migrate the unpacked copy forward, then swap it in with one rename."""
    temp_engine = db.make_engine(f"sqlite:///{payload}")
    try:
        migrations.upgrade(engine=temp_engine)
    finally:
        temp_engine.dispose()
    single_file = sqlite3.connect(payload)
    try:
        single_file.execute("PRAGMA journal_mode=DELETE")  # folds the WAL back in
    finally:
        single_file.close()
    target = sqlite_path(engine)
    engine.dispose()
    kept = None
    if target.exists():
        try:  # everything committed goes into the main file before it is set aside
            live = sqlite3.connect(target, timeout=30)
            try:
                live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                live.close()
        except sqlite3.DatabaseError:
            pass  # a damaged database is kept as it is
        kept = target.with_name(f"{target.name}.replaced-{utcnow():%Y%m%dT%H%M%SZ}")
        shutil.copy2(target, kept)
    with open(payload, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(payload, target)
    for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    _fsync_dir(target.parent)
    return kept
