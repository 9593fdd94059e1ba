"""Rewrite the "Module index" of docs/architecture.md from the modules on disk:
each module of services/ and state/ with the first paragraph of its docstring.

    python scripts/module_index.py        (tests/unit/test_architecture_doc.py checks it)
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
HEADING = "## Module index"
INTRO = ("What each module of `services/` and `state/` holds (its docstring's first\n"
         "paragraph).\n")
MAX_LEN = 110


def summary(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    first = " ".join(doc.split("\n\n", 1)[0].split())
    return first if len(first) <= MAX_LEN else first[:MAX_LEN].rsplit(" ", 1)[0] + " …"


def index() -> str:
    out = [HEADING, "", INTRO]
    for layer in ("services", "state"):
        for package in sorted(p for p in (ROOT / "updoot_app" / layer).iterdir()
                              if p.is_dir() and (p / "__init__.py").exists()):
            modules = sorted(p for p in package.glob("*.py") if p.name != "__init__.py")
            if not modules:
                continue
            out += [f"**{layer}/{package.name}/**", "", "| module | holds |", "|---|---|"]
            out += [f"| `{m.stem}` | {summary(m).replace('|', '/')} |" for m in modules]
            out.append("")
    return "\n".join(out)


def main() -> None:
    text = DOC.read_text()
    before = text.split(HEADING, 1)[0]
    DOC.write_text(before + index())


if __name__ == "__main__":
    main()
