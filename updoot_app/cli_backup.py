"""`updoot backup` and `updoot restore` (added to the `updoot` command in cli.py):
the whole database (services/archive/backup.py; README, "Backups and upgrades")."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from updoot_app.services.archive import backup as backups
from updoot_app.services.archive import rotation
from updoot_app.services.platform.errors import DomainError


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.command("backup")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The backup file to write")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write today's backup into this folder (updoot-YYYY-MM-DD.backup.zip)")
@click.option("--keep", type=int, default=None,
              help="With --out-dir: keep this many daily backups, prune older ones")
def backup_cmd(out: Path | None, out_dir: Path | None, keep: int | None) -> None:
    """Back up the whole database, consistent while the server runs."""
    if (out is None) == (out_dir is None):
        _fail("Give either --out FILE or --out-dir DIR.")
    if keep is not None and out_dir is None:
        _fail("--keep goes with --out-dir.")
    try:
        if out is not None:
            manifest = backups.write_backup(out)
            pruned = []
        else:
            result = rotation.backup_daily(out_dir, 7 if keep is None else keep)
            out, manifest, pruned = result.written, result.manifest, result.pruned
    except DomainError as exc:
        _fail(str(exc))
    click.echo(f"Backed up the {manifest.engine} database (schema revision "
               f"{manifest.revision}) to {out}.")
    for path in pruned:
        click.echo(f"Pruned {path}.")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that is not empty")
def restore_cmd(file: Path, force: bool) -> None:
    """Restore a backup made by `updoot backup` (stop the server first)."""
    try:
        result = backups.restore(file, force=force)
    except DomainError as exc:
        _fail(str(exc))
    if not result.replaced.empty:
        click.echo(f"Replaced: {result.replaced.describe()}")
    if result.kept_copy is not None:
        click.echo(f"The replaced database file is kept at {result.kept_copy}.")
    moved = (f", migrated from {result.revision} to {result.migrated_to}"
             if result.revision != result.migrated_to else "")
    click.echo(f"Restored {file} (schema revision {result.revision}{moved}).")
