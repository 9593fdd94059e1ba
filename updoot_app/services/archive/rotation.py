"""Daily backups in a folder (`updoot backup --out-dir DIR --keep N`, run by the
systemd timer in deploy/systemd/): one file per day, the newest N kept.

A file is named by its UTC day, so a second run on the same day replaces that day's
copy (atomically, like every backup) and the names sort by age. Only files with this
exact pattern are ever pruned: nothing else in the folder is touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from updoot_app.models.types import utcnow
from updoot_app.services.archive.backup import Manifest, write_backup
from updoot_app.services.platform.errors import ValidationError

PREFIX = "updoot-"
SUFFIX = ".backup.zip"
DAILY = re.compile(r"^updoot-\d{4}-\d{2}-\d{2}\.backup\.zip$")


@dataclass(frozen=True)
class RotationResult:
    written: Path
    manifest: Manifest
    pruned: list[Path]


def daily_name(day: str | None = None) -> str:
    return f"{PREFIX}{day or utcnow().date().isoformat()}{SUFFIX}"


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete the daily backups of `folder` beyond the newest `keep`."""
    daily = sorted(p for p in folder.iterdir() if p.is_file() and DAILY.match(p.name))
    doomed = daily[:-keep] if keep else daily
    for path in doomed:
        path.unlink()
    return doomed


def backup_daily(folder: Path, keep: int, engine: Engine | None = None,
                 day: str | None = None) -> RotationResult:
    """Write today's backup into `folder`, then prune. The new copy is complete
    before anything is pruned."""
    if keep < 1:
        raise ValidationError("keep", "--keep must be at least 1.")
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / daily_name(day)
    manifest = write_backup(out, engine)
    return RotationResult(out, manifest, prune(folder, keep))
