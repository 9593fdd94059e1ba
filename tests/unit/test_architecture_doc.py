"""docs/architecture.md stays the map of the code: every module of services/
and state/ is named in its module index, and the index names no module that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"


def modules_on_disk(root: Path) -> set[str]:
    found = set()
    for layer in ("services", "state"):
        for path in (root / "updoot_app" / layer).glob("*/*.py"):
            if path.name != "__init__.py":
                found.add(f"{layer}/{path.parent.name}/{path.stem}")
    return found


def modules_in_index(text: str) -> set[str]:
    index = text.split("## Module index", 1)[1] if "## Module index" in text else ""
    named, package = set(), None
    for line in index.splitlines():
        heading = re.fullmatch(r"\*\*((?:services|state)/\w+)/\*\*", line.strip())
        if heading:
            package = heading.group(1)
            continue
        row = re.match(r"\| `(\w+)` \|", line)
        if row and package:
            named.add(f"{package}/{row.group(1)}")
    return named


def test_every_module_is_in_the_index_and_no_other():
    on_disk, listed = modules_on_disk(ROOT), modules_in_index(DOC.read_text())
    assert not on_disk - listed, f"missing from the module index: {sorted(on_disk - listed)}"
    assert not listed - on_disk, f"in the module index but gone: {sorted(listed - on_disk)}"


def test_the_check_sees_a_missing_module(tmp_path):
    (tmp_path / "updoot_app" / "services" / "crm").mkdir(parents=True)
    (tmp_path / "updoot_app" / "state").mkdir(parents=True)
    (tmp_path / "updoot_app" / "services" / "crm" / "deals.py").write_text("")
    (tmp_path / "updoot_app" / "services" / "crm" / "quotes_copy.py").write_text("")
    doc = "## Module index\n\n**services/crm/**\n\n| module | holds |\n|---|---|\n| `deals` | x |\n"
    assert modules_on_disk(tmp_path) - modules_in_index(doc) == {"services/crm/quotes_copy"}
