"""The accessibility audit shared by the browser tests: axe-core (bundled by
the axe-playwright-python package, nothing downloaded at run time) run on the
page as it is drawn, keeping the violations of impact "serious" or "critical".
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

BLOCKING_IMPACTS = ("serious", "critical")
# Of axe's "moderate" rules, the ones about the page's structure, kept at zero
# too: every page has its landmarks (content inside header/nav/main), one main,
# an h1, and headings that do not skip a level.
STRUCTURE_RULES = ("region", "landmark-one-main", "page-has-heading-one", "heading-order")
TARGETS_SHOWN = 4

_AXE = Axe()


def audit(page: Page) -> list[dict]:
    """axe-core's violations on the page now, of impact serious or critical or
    of a STRUCTURE_RULES rule: [{"rule", "impact", "count", "targets", "help"}]
    (targets: a css selector per element)."""
    options = {"resultTypes": ["violations"]}
    response = _AXE.run(page, options=options).response
    return [{"rule": v["id"], "impact": v["impact"], "count": len(v["nodes"]),
             "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]],
             "help": v["help"]}
            for v in response["violations"]
            if v["impact"] in BLOCKING_IMPACTS or v["id"] in STRUCTURE_RULES]


def describe(where: str, violations: list[dict]) -> str:
    """One line per violation: where, rule id, impact, count, first targets."""
    return "\n".join(
        f"{where}: {v['rule']} ({v['impact']}, {v['count']}x: {v['help']}) at "
        + ", ".join(v["targets"][:TARGETS_SHOWN])
        + (" …" if len(v["targets"]) > TARGETS_SHOWN else "")
        for v in violations)
