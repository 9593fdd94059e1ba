"""Every kind of chart trace the app builds is in the plotly.js bundle it loads
(updoot_app/components/plot.py: the basic bundle, not the full one)."""

import re
from pathlib import Path

from updoot_app.components.plot import BUNDLE_TRACES
from updoot_app.state.kpis import charts

ROOT = Path(__file__).resolve().parents[2] / "updoot_app"


def test_the_trace_helpers_build_bundled_traces():
    assert charts.bar([], [])["type"] in BUNDLE_TRACES
    assert charts.scatter([], [])["type"] in BUNDLE_TRACES


def test_no_module_builds_another_trace_type():
    """Traces are dicts with a "type" key, built in the modules that use charts."""
    found = {}
    for path in ROOT.rglob("*.py"):
        text = path.read_text()
        if "charts" not in text and path.name != "charts.py":
            continue
        for kind in re.findall(r'"type":\s*"([a-z0-9]+)"', text):
            found.setdefault(kind, []).append(path.name)
    assert found, "no trace found: the scan looks in the wrong place"
    assert set(found) <= BUNDLE_TRACES, found
