"""PostgreSQL backups through the machine's own client tools: pg_dump, pg_restore and
psql, found on PATH (the server's version or newer; Debian: `postgresql-client`).

Nothing home-made: pg_dump takes one consistent snapshot while the app runs, in its
custom format (compressed, checked by pg_restore). A restore empties the `public`
schema and loads the dump in ONE psql transaction (`--single-transaction`,
`ON_ERROR_STOP`): a dump that fails half-way leaves the database as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from updoot_app.services.platform.errors import DomainError

TOOLS = ("pg_dump", "pg_restore", "psql")
_COPY_VERSION = re.compile(r"COPY public\.alembic_version \(version_num\) FROM stdin;\n(.*?)\n\\\.",
                           re.S)


class BackupRefused(DomainError):
    """A backup or restore that cannot go ahead; nothing was written."""


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupRefused(
            f"{name} is not on PATH. PostgreSQL backups use the machine's client tools: "
            "install them (Debian/Ubuntu: apt-get install postgresql-client, the server's "
            "major version or newer) and try again.")
    return path


def libpq_target(url: str | URL) -> tuple[str, dict[str, str]]:
    """The connection URI the client tools take, and their environment: the password
    goes in PGPASSWORD, not on a command line other users can read."""
    parsed = make_url(url) if isinstance(url, str) else url
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, capture_output=True, **kwargs)
    if result.returncode:
        err = result.stderr.decode("utf-8", "replace").strip() if isinstance(
            result.stderr, bytes) else (result.stderr or "").strip()
        raise BackupRefused(f"{what} failed: {err or f'exit status {result.returncode}'}")
    return result


def dump(url: str | URL, dest: Path) -> None:
    """pg_dump of the whole database into `dest` (custom format)."""
    uri, env = libpq_target(url)
    _run([require_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
          f"--file={dest}", f"--dbname={uri}"], env, "pg_dump")


def dump_revision(dump_path: Path) -> str | None:
    """The schema revision stored in a dump (its alembic_version row); reading it
    also proves pg_restore can read the dump."""
    result = _run([require_tool("pg_restore"), "--data-only", "--table=alembic_version",
                   "--file=-", str(dump_path)], dict(os.environ),
                  "Reading the dump (pg_restore)")
    match = _COPY_VERSION.search(result.stdout.decode("utf-8", "replace"))
    return match.group(1).strip() if match else None


def check_dump(dump_path: Path) -> None:
    """pg_restore reads the dump's table of contents: a truncated or foreign file fails."""
    _run([require_tool("pg_restore"), "--list", str(dump_path)], dict(os.environ),
         "Reading the dump (pg_restore --list)")


def restore_dump(url: str | URL, dump_path: Path) -> None:
    """Replace everything in the database's public schema with the dump, in one
    transaction. The dump becomes an SQL script on disk first (beside the dump),
    never in memory, and psql runs it only once pg_restore wrote all of it: psql
    commits at the end of its input, so a cut-off script must never reach it."""
    uri, env = libpq_target(url)
    script = dump_path.with_suffix(".sql")
    _run([require_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}",
          str(dump_path)], dict(os.environ), "Reading the dump (pg_restore)")
    try:
        _run([require_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
              "--set=ON_ERROR_STOP=1", f"--dbname={uri}",
              "--command=DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
              f"--file={script}"], env, "Restoring the dump with psql (rolled back, nothing changed)")
    finally:
        script.unlink(missing_ok=True)
