"""A plotly chart from a plain-dict figure var (state/kpis/charts.py).

rx.plotly types its `data` prop as a plotly Figure; the figure JSON is what
plotly.js reads either way, so the var is cast, not converted."""

from __future__ import annotations

import reflex as rx
from plotly.graph_objects import Figure


def plot(figure: rx.Var, **props) -> rx.Component:
    return rx.plotly(data=figure.to(Figure), **props)
