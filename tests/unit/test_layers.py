"""The layers of the house hold: the checks of tests/unit/layer_checks.py run on
the real tree, then on a small package built in tmp_path with a planted
violation, to prove that each catches it."""

from __future__ import annotations

from pathlib import Path

from tests.unit.layer_checks import (
    CONTEXTS,
    PACKAGE,
    ROOT,
    big_modules,
    context_of,
    context_order,
    import_circles,
    local_imports,
    modules,
    queries_in_ui,
    reflex_in_services,
)


def _report(title: str, offenders: list[str]) -> str:
    return f"{title} ({len(offenders)}):\n  " + "\n  ".join(offenders)


# --------------------------------------------------------------------------- the real tree


def test_the_tree_is_read():
    found = modules(ROOT)
    assert f"{PACKAGE}.cli" in found and f"{PACKAGE}.state.guard" in found
    assert {context_of(n) for n in found} - {None} == set(CONTEXTS)


def test_services_do_not_import_reflex():
    offenders = reflex_in_services(ROOT)
    assert not offenders, _report("services/ importing reflex", offenders)


def test_state_and_pages_run_no_query():
    offenders = queries_in_ui(ROOT)
    assert not offenders, _report("queries in state/ or pages/ (move them to a read "
                                  "function in services/)", offenders)


def test_no_import_circles():
    offenders = import_circles(ROOT)
    assert not offenders, _report("import circles", offenders)


def test_no_module_over_400_lines():
    offenders = big_modules(ROOT)
    assert not offenders, _report("modules over 400 lines", offenders)


def test_no_function_local_imports_outside_cli():
    offenders = local_imports(ROOT)
    assert not offenders, _report("function-local imports", offenders)


def test_contexts_import_only_lower_contexts():
    offenders = context_order(ROOT)
    assert not offenders, _report("imports against the context order "
                                  f"({' < '.join(CONTEXTS)})", offenders)


# --------------------------------------------------------------------------- each check on a plant


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    """A fake package under tmp_path: {"services/crm/deals.py": source, ...}."""
    top = tmp_path / PACKAGE
    for rel, source in files.items():
        path = top / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        folder = path.parent
        while folder != tmp_path:
            (folder / "__init__.py").touch()
            folder = folder.parent
        path.write_text(source, encoding="utf-8")
    return tmp_path


CLEAN = {
    "db.py": "import sqlmodel\n",
    "services/platform/errors.py": "class NotFound(Exception):\n    pass\n",
    "services/crm/deals.py": "from sqlmodel import select\n"
                             "from updoot_app.services.platform import errors\n\n\n"
                             "def deals(session):\n    return session.exec(select(1))\n",
    "state/deal_state.py": "import reflex as rx\n\nfrom updoot_app.services.crm import deals\n\n\n"
                           "def page():\n    return rx.select(['a'], on_change=deals.deals)\n",
    "cli.py": "def main():\n    from updoot_app.services.crm import deals\n    return deals\n",
}


def test_a_clean_fake_package_passes(tmp_path):
    root = _package(tmp_path, CLEAN)
    for check in (reflex_in_services, queries_in_ui, import_circles, big_modules,
                  local_imports, context_order):
        assert check(root) == [], check.__name__


def test_reflex_in_services_is_found(tmp_path):
    root = _package(tmp_path, CLEAN | {
        "services/crm/board.py": "import os\nimport reflex as rx\n",
        "services/crm/view.py": "from reflex.event import EventSpec\n"})
    assert reflex_in_services(root) == [
        "updoot_app/services/crm/board.py:2: imports reflex",
        "updoot_app/services/crm/view.py:1: imports reflex.event"]


def test_queries_in_state_and_pages_are_found(tmp_path):
    root = _package(tmp_path, CLEAN | {
        "state/list_state.py": "from sqlmodel import select\n\n\n"
                               "def load(session):\n    return session.exec(select(1)).all()\n",
        "pages/report.py": "import sqlalchemy as sa\n\n\n"
                           "def rows(conn):\n    return conn.execute(sa.select(1))\n"})
    assert sorted(queries_in_ui(root)) == [
        "updoot_app/pages/report.py:5: calls .execute(...)",
        "updoot_app/pages/report.py:5: calls sa.select(...)",
        "updoot_app/state/list_state.py:1: imports select from sqlmodel",
        "updoot_app/state/list_state.py:5: calls .exec(...)"]


def test_import_circles_are_found(tmp_path):
    root = _package(tmp_path, CLEAN | {
        "services/crm/a.py": "from updoot_app.services.crm import b\n",
        "services/crm/b.py": "import os\n\n\ndef f():\n    from updoot_app.services.crm.c import g\n",
        "services/crm/c.py": "from . import a\n\n\ndef g():\n    pass\n"})
    (found,) = import_circles(root)
    assert found.startswith("circle of 3: updoot_app.services.crm.a, updoot_app.services.crm.b, "
                            "updoot_app.services.crm.c")
    assert "updoot_app/services/crm/b.py:5 -> updoot_app.services.crm.c" in found
    assert "updoot_app/services/crm/c.py:1 -> updoot_app.services.crm.a" in found


def test_big_modules_are_found(tmp_path):
    root = _package(tmp_path, CLEAN | {"services/crm/huge.py": "x = 1\n" * 401,
                                       "services/crm/full.py": "x = 1\n" * 400})
    assert big_modules(root) == ["updoot_app/services/crm/huge.py:401: 401 lines (at most 400)"]


def test_local_imports_are_found(tmp_path):
    root = _package(tmp_path, CLEAN | {
        "state/x_state.py": "import json\n\n\nclass S:\n    def load(self):\n"
                            "        import os\n"
                            "        from updoot_app.services.crm import deals\n"
                            "        return json, os, deals\n"})
    assert local_imports(root) == [
        "updoot_app/state/x_state.py:7: imports updoot_app.services.crm.deals inside a function"]


def test_context_order_is_enforced(tmp_path):
    root = _package(tmp_path, CLEAN | {
        "services/platform/workspace_rows.py": "from updoot_app.services.identity.access import Principal\n",
        "services/crm/quote_link.py": "from updoot_app.services.billing import quotes\n",
        "services/billing/quotes.py": "from updoot_app.services.crm import deals\n",
        "services/sales/x.py": "pass\n"})
    assert sorted(context_order(root)) == [
        "updoot_app/services/crm/quote_link.py:1: crm imports "
        "updoot_app.services.billing.quotes (billing is not below crm)",
        "updoot_app/services/platform/workspace_rows.py:1: platform imports "
        "updoot_app.services.identity.access (identity is not below platform)",
        f"updoot_app/services/sales/: a context missing from the order {CONTEXTS}"]
