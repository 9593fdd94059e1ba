"""A plotly chart from a plain-dict figure var (state/kpis/charts.py).

rx.plotly types its `data` prop as a plotly Figure; the figure JSON is what
plotly.js reads either way, so the var is cast, not converted.

Drawn with plotly.js's basic bundle (rx.plotly.basic: scatter, bar and pie
traces, the only kinds state/kpis/charts.py builds) rather than the full one:
about 1 MB of JavaScript instead of 4.6 MB (gzip: ~0.35 MB instead of 1.4 MB),
so a page with a chart draws it sooner on a cold load. Either is loaded only
when a chart is first drawn (a lazy import): pages without one never fetch it
(bench/bench_browser.py checks both). A new kind of trace must be in the bundle
(tests/unit/test_plot_bundle.py).
"""

from __future__ import annotations

import reflex as rx
from plotly.graph_objects import Figure

# The trace types of plotly.js-basic-dist (its README: "scatter, bar, pie").
BUNDLE_TRACES = frozenset({"scatter", "bar", "pie"})


def plot(figure: rx.Var, **props) -> rx.Component:
    return rx.plotly.basic(data=figure.to(Figure), **props)
