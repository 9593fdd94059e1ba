"""`updoot` console command (a public contract: docs/architecture.md, "Command line")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from updoot_app import db
from updoot_app.cli_backup import backup_cmd, restore_cmd
from updoot_app.cli_jobs import jobs_cmd, mail_group
from updoot_app.services.platform.errors import DomainError
from updoot_app.settings import PROJECT_ROOT


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.group()
def main() -> None:
    """Updoot: ICP, fit-scored pipeline, quotes, invoices and KPIs."""


def _migrate_safely() -> None:
    """Migrate to the code's head (services/archive/schema_guard.py): refuse a database
    ahead of the code, back SQLite up first, stop with the reason on a failure."""
    from updoot_app.services.archive import schema_guard

    try:
        result = schema_guard.migrate()
    except DomainError as exc:
        _fail(str(exc))
    if result.backup is not None:
        click.echo(f"Backed up the database before migrating: {result.backup}")
    if result.changed:
        click.echo(f"Migrated the database from revision {result.from_revision or 'none'} "
                   f"to {result.to_revision}.")


@main.command()
def migrate() -> None:
    """Apply database migrations (DATABASE_URL, SQLite under ./data/ by default).

    On SQLite a database with data is backed up beside its file first."""
    _migrate_safely()
    click.echo(f"Database is up to date ({db.get_engine().url.render_as_string()}).")


def _reflex_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("REFLEX_USE_NPM", "1")
    env["UPDOOT_PORT"] = str(port)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.setdefault("UPDOOT_PUBLIC_URL", f"http://localhost:{port}")
    return env


@main.command()
@click.option("--port", default=3000, show_default=True, type=int)
@click.option("--host", default="0.0.0.0", show_default=True)
def serve(port: int, host: str) -> None:
    """Migrate, then serve the production build on one port (/ping answers when ready)."""
    from updoot_app.settings import DEV_SECRET, load_settings

    if load_settings().secret_key == DEV_SECRET:
        click.echo("Warning: UPDOOT_SECRET_KEY is not set; using a development key. Set a "
                   "long random value for any real deployment.", err=True)
    _migrate_safely()
    from updoot_app.services.demo import lifecycle

    with db.session_scope() as session:
        purged = lifecycle.purge_old_demos(session)
    if purged:
        click.echo(f"Purged {purged} old demo workspace(s).")
    from updoot_app import asgi_server

    env = _reflex_env(port)
    env["UPDOOT_SERVE_JOBS"] = "1"  # the server keeps a job worker beside it (beside_server.py)
    if subprocess.run(_frontend_build_command(), cwd=PROJECT_ROOT, env=env).returncode:
        _fail("the frontend build failed (its output is above).")
    click.echo(f"Starting Updoot on {host}:{port}; open {env['UPDOOT_PUBLIC_URL']} "
               "once it answers (a few seconds).")
    asgi_server.exec_server(PROJECT_ROOT, host, port, env, mount_frontend=True)


def _frontend_build_command() -> list[str]:
    """Compile the pages and build the frontend into .web/build/client."""
    reflex = str(Path(sys.executable).parent / "reflex")
    return [reflex, "export", "--frontend-only", "--no-zip", "--env", "prod",
            "--loglevel", "warning"]


@main.command()
def build() -> None:
    """Migrate, then build the frontend once into .web/build/client (scaled setup).

    The browser's websocket URL is UPDOOT_PUBLIC_URL: set it to the address
    people use (the proxy), then serve .web/build/client with nginx
    (deploy/nginx/updoot-scaled.conf) in front of `updoot worker` processes.
    """
    _migrate_safely()
    cmd = _frontend_build_command()
    env = _reflex_env(int(os.environ.get("UPDOOT_PORT", "3000")))
    os.chdir(PROJECT_ROOT)
    os.execve(cmd[0], cmd, env)


@main.command()
@click.option("--port", required=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def worker(port: int, host: str) -> None:
    """Serve the backend only (events, API) as ONE process on --port.

    Run several behind nginx with REDIS_URL and a PostgreSQL DATABASE_URL set;
    `updoot build` (or `updoot migrate`) must have run first. Workers neither
    migrate nor touch .web, so any number can start at once.
    """
    from updoot_app import asgi_server
    from updoot_app.services.archive import schema_guard

    try:
        schema_guard.require_current()
    except DomainError as exc:
        _fail(f"{exc} Workers never migrate.")
    env = _reflex_env(port)
    env["UPDOOT_WORKER"] = "1"
    # One process per worker: the proxy balances, and a crash takes one down.
    asgi_server.exec_server(PROJECT_ROOT, host, port, env, mount_frontend=False)


@main.group()
def user() -> None:
    """Manage users."""


@user.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--workspace", "workspace_name", required=True, help="Workspace name")
def user_create(email: str, password: str, workspace_name: str) -> None:
    """Create a user who owns a new workspace."""
    from sqlmodel import select

    from updoot_app.models import Membership, Workspace
    from updoot_app.services.identity import auth

    try:
        with db.session_scope() as session:
            created, _token = auth.signup(session, email, password, workspace_name)
            slug = session.exec(
                select(Workspace.slug).join(Membership, Membership.workspace_id == Workspace.id)
                .where(Membership.user_id == created.id)
            ).first()
    except DomainError as exc:
        _fail(str(exc))
    click.echo(f"Created {created.email} in workspace '{slug}'.")


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.option("--email", required=True)
@click.option("--workspace", "slug", required=True, help="Workspace slug")
@click.option("--name", default="CLI token", show_default=True)
def token_create(email: str, slug: str, name: str) -> None:
    """Print a new API token for a member of a workspace."""
    from sqlmodel import select

    from updoot_app.models import Membership, User, Workspace
    from updoot_app.services.identity import tokens
    from updoot_app.services.identity.access import Principal

    with db.session_scope() as session:
        row = session.exec(
            select(User, Workspace, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .join(Workspace, Workspace.id == Membership.workspace_id)
            .where(User.email == email.strip().lower(), Workspace.slug == slug)
        ).first()
        if row is None:
            _fail("No such member: check the email and the workspace slug.")
        u, ws, role = row
        principal = Principal(user_id=u.id, email=u.email, name=u.name, workspace_id=ws.id,
                              workspace_name=ws.name, workspace_slug=ws.slug, role=role)
        try:
            raw = tokens.create_token(session, principal, name)
        except DomainError as exc:
            _fail(str(exc))
    click.echo(raw)


@main.command()
@click.option("--companies", default=120, show_default=True, type=int)
def demo(companies: int) -> None:
    """Seed a demo workspace and print how to log in to it."""
    from updoot_app.services.demo import lifecycle

    _migrate_safely()
    with db.session_scope() as session:
        workspace, _token = lifecycle.create_demo(session, companies=companies)
        slug = workspace.slug
    click.echo(f"Demo workspace '{slug}' created with {companies} companies. "
               "Open the app and use 'Try the demo' for a fresh one of your own.")


@main.command("purge-demos")
@click.option("--max-age-hours", type=int, default=None)
def purge_demos(max_age_hours: int | None) -> None:
    """Delete demo workspaces older than UPDOOT_DEMO_MAX_AGE_HOURS."""
    from updoot_app.services.demo import lifecycle

    with db.session_scope() as session:
        count = lifecycle.purge_old_demos(session, max_age_hours)
    click.echo(f"Purged {count} demo workspace(s).")


def _workspace_principal(session, slug: str):
    """Act as the workspace's owner (the CLI runs on the server, like `updoot demo`)."""
    from sqlmodel import select

    from updoot_app.models import Membership, User, Workspace
    from updoot_app.services.identity.access import ROLE_RANK, Principal

    rows = session.exec(
        select(User, Workspace, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .join(Workspace, Workspace.id == Membership.workspace_id)
        .where(Workspace.slug == slug)
    ).all()
    if not rows:
        _fail(f"No workspace with the slug '{slug}' (or it has no members).")
    u, ws, role = max(rows, key=lambda r: (ROLE_RANK.get(r[2], 0), -r[0].id))
    return Principal(user_id=u.id, email=u.email, name=u.name, workspace_id=ws.id,
                     workspace_name=ws.name, workspace_slug=ws.slug, role=role)


@main.group("import")
def import_group() -> None:
    """Import CSV files (the same service as the web importer)."""


@import_group.command("companies")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--workspace", "slug", required=True, help="Workspace slug")
@click.option("--on-duplicate", type=click.Choice(["skip", "update"]), default="skip",
              show_default=True, help="What to do with a company whose domain exists")
@click.option("--errors-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the per-row error report (CSV) to this file")
def import_companies_cmd(file: Path, slug: str, on_duplicate: str, errors_out: Path | None) -> None:
    """Import companies from FILE.csv, mapping columns from the header."""
    from updoot_app.services.crm import company_import
    from updoot_app.services.csvio.mapping import check_mapping, guess_mapping
    from updoot_app.services.csvio.reading import CsvFormatError, read_csv_bytes
    from updoot_app.services.csvio.row_validation import errors_to_csv

    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"Cannot read {file}: {exc.strerror or exc}")
    try:
        frame = read_csv_bytes(data, max_rows=company_import.MAX_IMPORT_ROWS)
    except CsvFormatError as exc:
        _fail(str(exc))
    mapping = guess_mapping(list(frame.columns), company_import.IMPORT_COMPANY_FIELDS)
    problems = check_mapping(mapping, company_import.IMPORT_COMPANY_FIELDS, frame.columns)
    if problems:
        _fail(" ".join(problems) + f" Columns found: {', '.join(frame.columns)}.")
    mapped = ", ".join(f"{h} -> {n}" for h, n in mapping.items() if n)
    click.echo(f"Columns: {mapped}")
    validation = company_import.validate_companies(frame, mapping)
    with db.session_scope() as session:
        principal = _workspace_principal(session, slug)

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "import" and total and (done == total or done % 10_000 == 0):
            click.echo(f"  {done:,}/{total:,} rows")

    result = company_import.import_companies(
        principal, validation.records, on_duplicate=on_duplicate,
        invalid_rows=validation.invalid_rows, progress=progress)
    errors = validation.errors + result.errors
    click.echo(f"Imported: {result.summary()}.")
    for error in errors[:20]:
        click.echo(f"  row {error.row}, {error.column}: {error.reason}")
    if len(errors) > 20:
        click.echo(f"  … and {len(errors) - 20:,} more problems.")
    if errors_out is not None and errors:
        errors_out.write_bytes(errors_to_csv(errors))
        click.echo(f"Error report written to {errors_out}.")


@import_group.command("signals")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--workspace", "slug", required=True, help="Workspace slug")
@click.option("--errors-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the per-row error report (CSV) to this file")
def import_signals_cmd(file: Path, slug: str, errors_out: Path | None) -> None:
    """Import buying signals from FILE.csv (columns: domain, trigger, occurred_on, note)."""
    from updoot_app.services.crm import signal_import
    from updoot_app.services.csvio.reading import CsvFormatError, read_csv_bytes
    from updoot_app.services.csvio.row_validation import errors_to_csv

    try:
        frame = read_csv_bytes(file.read_bytes(), max_rows=signal_import.MAX_ROWS)
    except OSError as exc:
        _fail(f"Cannot read {file}: {exc.strerror or exc}")
    except CsvFormatError as exc:
        _fail(str(exc))
    try:
        with db.session_scope() as session:
            principal = _workspace_principal(session, slug)
            result = signal_import.import_signals(session, principal, frame)
    except DomainError as exc:
        _fail(str(exc))
    click.echo(f"Imported: {result.summary()}.")
    for error in result.errors[:20]:
        click.echo(f"  row {error.row}, {error.column}: {error.reason}")
    if len(result.errors) > 20:
        click.echo(f"  … and {len(result.errors) - 20:,} more problems.")
    if errors_out is not None and result.errors:
        errors_out.write_bytes(errors_to_csv(result.errors))
        click.echo(f"Error report written to {errors_out}.")


@main.command("export")
@click.option("--workspace", "slug", required=True, help="Workspace slug")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The zip file to write")
def export_cmd(slug: str, out: Path) -> None:
    """Write the whole workspace into FILE.zip: every table as JSON (with ids), the
    logo, a manifest, and companies, contacts, deals, quotes, invoices and the
    accounting journal as CSV."""
    from updoot_app.services.archive import backup as backups
    from updoot_app.services.archive import workspace_dump

    with db.session_scope() as session:
        data = workspace_dump.dump_workspace(session, _workspace_principal(session, slug))
    try:
        with backups.part_file(out) as part:
            part.write_bytes(data)
    except OSError as exc:
        _fail(f"Cannot write {out}: {exc.strerror or exc}")
    click.echo(f"Exported workspace '{slug}' to {out}.")


@main.command("import-workspace")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="Name of the new workspace (default: the archive's)")
@click.option("--owner", "owner_email", default=None,
              help="Email of the user who owns it (default: the archive's owner, if here)")
def import_workspace_cmd(file: Path, name: str | None, owner_email: str | None) -> None:
    """Load an archive from `updoot export` as a NEW workspace, all or nothing."""
    from updoot_app.services.archive import workspace_load, workspace_read

    try:
        contents = workspace_read.read_archive(file)
        with db.session_scope(write=True) as session:
            owner_id = workspace_load.importing_owner(session, contents, owner_email)
            result = workspace_load.import_workspace(session, contents, owner_id, name)
    except DomainError as exc:
        _fail(f"{exc} Nothing was imported.")
    click.echo(f"Imported '{result.name}' as workspace '{result.slug}': "
               f"{sum(result.rows.values()):,} rows; people matched by email: "
               f"{', '.join(result.matched_users) or 'none'}.")


main.add_command(backup_cmd)
main.add_command(restore_cmd)
main.add_command(jobs_cmd)
main.add_command(mail_group)


if __name__ == "__main__":  # pragma: no cover
    main()
