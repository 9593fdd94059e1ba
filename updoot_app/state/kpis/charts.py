"""Plotly charts as the plain JSON plotly.js reads (its "figure":
{"data": [...], "layout": {...}}).

Building `plotly.graph_objects` figures validates every property against
plotly's schema: about 25 ms a chart, 80 ms for the dashboard's three, on every
dashboard load of every session. The dicts below are what those objects
serialised to, built directly; rx.plotly takes either.
"""

from __future__ import annotations

from typing import Any

TRANSPARENT = "rgba(0,0,0,0)"


def chart(traces: list[dict[str, Any]], height: int = 300,
          margin: dict[str, int] | None = None, **layout: Any) -> dict[str, Any]:
    """A chart with transparent backgrounds (the card's colour shows in light and
    dark mode; rx.plotly applies plotly / plotly_dark by colour mode)."""
    return {
        "data": traces,
        "layout": {
            "height": height,
            "margin": margin or {"l": 10, "r": 10, "t": 30, "b": 10},
            "paper_bgcolor": TRANSPARENT, "plot_bgcolor": TRANSPARENT,
            "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
            "font": {"size": 12},
            **layout,
        },
    }


def bar(x: list, y: list, **props: Any) -> dict[str, Any]:
    return {"type": "bar", "x": x, "y": y, **props}


def scatter(x: list, y: list, **props: Any) -> dict[str, Any]:
    return {"type": "scatter", "x": x, "y": y, **props}


EMPTY: dict[str, Any] = {"data": [], "layout": {}}
