"""The house rules of docs/architecture.md as checks on the source with `ast`,
no database: services are plain Python, state and pages run no query of their
own, no import circles, no module over 400 lines, no function-local imports
outside cli.py, and each context of services/ imports only the contexts below it.

Each check is a function of the directory that holds the `updoot_app` package
and returns its offenders (tests/unit/test_layers.py runs them)."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "updoot_app"
MAX_LINES = 400
# Lowest first: a context imports only the contexts before it in this tuple.
CONTEXTS = ("platform", "csvio", "identity", "profiles", "crm", "competitors", "billing",
            "mail", "integrations", "kpis", "archive", "demo")
QUERY_MODULES = ("sqlmodel", "sqlalchemy")
QUERY_CALLS = ("exec", "execute")
LOCAL_IMPORTS_ALLOWED = {f"{PACKAGE}.cli"}


# --------------------------------------------------------------------------- reading the tree


@dataclass(frozen=True)
class Import:
    line: int
    module: str  # the dotted name as written ("updoot_app.db", "sqlmodel", ...)
    names: tuple[tuple[str, str], ...]  # (name, bound as) for `from m import name as x`
    local: bool  # inside a function body
    bound: str = ""  # the name `import m` / `import m as x` binds


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module
    lines: int

    def where(self, root: Path, line: int) -> str:
        return f"{self.path.relative_to(root)}:{line}"


@functools.lru_cache(maxsize=8)
def modules(root: Path) -> dict[str, Module]:
    """Every module of the package under `root`, by dotted name (read once per root)."""
    found = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        source = path.read_text(encoding="utf-8")
        found[".".join(parts)] = Module(".".join(parts), path, ast.parse(source, str(path)),
                                        len(source.splitlines()))
    return found


def imports(module: Module) -> Iterator[Import]:
    """Every import statement of a module, at any depth, relative ones resolved."""
    is_package = module.path.name == "__init__.py"

    def visit(node: ast.AST, local: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(child.lineno, alias.name, (), local,
                                 alias.asname or alias.name.split(".")[0])
            elif isinstance(child, ast.ImportFrom):
                yield Import(child.lineno, _absolute(module.name, is_package, child),
                             tuple((a.name, a.asname or a.name) for a in child.names), local)
            inner = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from visit(child, inner)

    yield from visit(module.tree, False)


def _absolute(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def targets(imp: Import, known: dict[str, Module]) -> list[str]:
    """The package modules an import loads: `from a import b` loads a.b when
    b is a submodule, and a otherwise."""
    if not imp.names:
        return [imp.module] if imp.module in known else []
    found = []
    for name, _ in imp.names:
        if f"{imp.module}.{name}" in known:
            found.append(f"{imp.module}.{name}")
        elif imp.module in known:
            found.append(imp.module)
    return list(dict.fromkeys(found))


def _under(name: str, *prefix: str) -> bool:
    dotted = ".".join((PACKAGE, *prefix))
    return name == dotted or name.startswith(dotted + ".")


# --------------------------------------------------------------------------- the checks


def reflex_in_services(root: Path) -> list[str]:
    """services/ is plain Python: no `import reflex`, no `from reflex...`."""
    out = []
    for mod in modules(root).values():
        if not _under(mod.name, "services"):
            continue
        for imp in imports(mod):
            if imp.module == "reflex" or imp.module.startswith("reflex."):
                out.append(f"{mod.where(root, imp.line)}: imports {imp.module}")
    return out


def queries_in_ui(root: Path) -> list[str]:
    """state/ and pages/ run no query: no `select` from sqlmodel/sqlalchemy, no
    `.exec(` / `.execute(` on anything. (`rx.select` is a UI component: it is
    neither imported from those packages nor called exec/execute.)"""
    out = []
    for mod in modules(root).values():
        if not (_under(mod.name, "state") or _under(mod.name, "pages")):
            continue
        query_modules = set()  # names bound to sqlmodel/sqlalchemy or their submodules
        for imp in imports(mod):
            if imp.module.split(".")[0] not in QUERY_MODULES:
                continue
            if imp.bound:
                query_modules.add(imp.bound)
            for name, bound in imp.names:
                if name == "select":
                    out.append(f"{mod.where(root, imp.line)}: imports select from {imp.module}")
                elif name in ("sql", "future", "orm", "expression"):
                    query_modules.add(bound)
        for node in ast.walk(mod.tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            attr = node.func.attr
            if attr in QUERY_CALLS:
                out.append(f"{mod.where(root, node.lineno)}: calls .{attr}(...)")
            elif attr == "select" and _root_name(node.func.value) in query_modules:
                out.append(f"{mod.where(root, node.lineno)}: calls {_root_name(node.func.value)}"
                           ".select(...)")
    return out


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def import_circles(root: Path) -> list[str]:
    """Every strongly connected component of more than one module in the import
    graph (module-level and function-level imports alike), with the imports
    that close it."""
    known = modules(root)
    edges: dict[str, dict[str, int]] = {name: {} for name in known}
    for mod in known.values():
        for imp in imports(mod):
            for target in targets(imp, known):
                if target != mod.name:
                    edges[mod.name].setdefault(target, imp.line)
    out = []
    for component in _strongly_connected(edges):
        if len(component) < 2:
            continue
        inside = set(component)
        links = [f"{known[a].where(root, line)} -> {b}"
                 for a in sorted(inside) for b, line in sorted(edges[a].items()) if b in inside]
        out.append(f"circle of {len(component)}: {', '.join(sorted(inside))}\n    "
                   + "\n    ".join(links))
    return out


def _strongly_connected(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (no recursion limit on a deep import chain)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def big_modules(root: Path) -> list[str]:
    """No module of the package over MAX_LINES lines."""
    return [f"{mod.where(root, mod.lines)}: {mod.lines} lines (at most {MAX_LINES})"
            for mod in modules(root).values() if mod.lines > MAX_LINES]


def local_imports(root: Path) -> list[str]:
    """No function-local import of a package module outside cli.py: an import
    put in a function to dodge a circle hides the circle."""
    known = modules(root)
    out = []
    for mod in known.values():
        if mod.name in LOCAL_IMPORTS_ALLOWED:
            continue
        for imp in imports(mod):
            if imp.local and _under(imp.module):
                what = ", ".join(targets(imp, known)) or imp.module
                out.append(f"{mod.where(root, imp.line)}: imports {what} inside a function")
    return out


def context_order(root: Path) -> list[str]:
    """services/<context>/ imports services/<other>/ only where other comes
    before it in CONTEXTS (platform imports no other context)."""
    known = modules(root)
    out = []
    for ctx in sorted({context_of(name) for name in known} - {None} - set(CONTEXTS)):
        out.append(f"{PACKAGE}/services/{ctx}/: a context missing from the order {CONTEXTS}")
    for mod in known.values():
        ctx = context_of(mod.name)
        if ctx not in CONTEXTS:
            continue
        for imp in imports(mod):
            for target in targets(imp, known) or [imp.module]:
                other = context_of(target)
                if other is None or other == ctx:
                    continue
                if other not in CONTEXTS or CONTEXTS.index(other) > CONTEXTS.index(ctx):
                    out.append(f"{mod.where(root, imp.line)}: {ctx} imports {target} "
                               f"({other} is not below {ctx})")
    return out


def context_of(name: str) -> str | None:
    parts = name.split(".")
    if len(parts) < 3 or parts[:2] != [PACKAGE, "services"]:
        return None
    return parts[2]
