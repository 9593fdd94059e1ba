"""Dashboard (the home page after login): goal progress, KPIs, funnel, trend,
breakdown by fit tier, and "Is our ICP working?" — every chart with its table
and a CSV download."""

import reflex as rx

from updoot_app.components.layout import app_shell, link_button, page_header
from updoot_app.components.plot import plot
from updoot_app.components.review_prompts import review_prompts
from updoot_app.components.stat import named_progress, stat_card
from updoot_app.state.kpis.dashboard_state import DashboardState as D
from updoot_app.state.profiles.review_state import ReviewPromptsState

PERIODS = [("month", "This month"), ("quarter", "This quarter"), ("year", "This year")]
SIGNALS = [("all", "All deals"), ("fresh", "Fresh signal"), ("none", "No signal")]


def period_picker() -> rx.Component:
    return rx.segmented_control.root(
        *[rx.segmented_control.item(label, value=key) for key, label in PERIODS],
        value=D.period,
        on_change=D.set_period,
        id="period-picker",
    )


def signal_picker() -> rx.Component:
    """The KPI segment "signal": deals opened within 30 days after a buying signal on
    their company, or the rest ("do our triggers predict buying?")."""
    return rx.segmented_control.root(
        *[rx.segmented_control.item(label, value=key) for key, label in SIGNALS],
        value=D.signal,
        on_change=D.set_signal,
        id="signal-picker",
        aria_label="Deals by buying signal",
    )


def simple_table(rows, columns: list[tuple[str, str]], table_id: str) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[
                rx.table.column_header_cell(label, text_align="left" if i == 0 else "right")
                for i, (_key, label) in enumerate(columns)])),
            rx.table.body(rx.foreach(rows, lambda r: rx.table.row(*[
                rx.table.cell(r[key], text_align="left" if i == 0 else "right",
                              white_space="nowrap")
                for i, (key, _label) in enumerate(columns)]))),
            size="1", width="100%", id=table_id,
        ),
        overflow_x="auto", width="100%",
    )


def chart_card(title: str, subtitle: str, name: str, chart, rows,
               columns: list[tuple[str, str]]) -> rx.Component:
    showing = D.tables_open.contains(name)
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(rx.heading(title, size="4", as_="h2"),
                          rx.text(subtitle, size="1", color_scheme="gray"), spacing="1"),
                rx.spacer(),
                rx.hstack(
                    rx.button(rx.icon("table", size=14), rx.cond(showing, "Chart", "Table"),
                              variant="soft", size="1", on_click=D.toggle_table(name),
                              id=f"toggle-{name}"),
                    rx.button(rx.icon("download", size=14), "CSV", variant="soft", size="1",
                              on_click=D.download_csv(name), id=f"csv-{name}"),
                    spacing="2",
                ),
                width="100%", align="start", spacing="2", wrap="wrap",
            ),
            rx.cond(
                showing,
                simple_table(rows, columns, f"table-{name}"),
                rx.box(plot(chart, use_resize_handler=True,
                                 config={"displayModeBar": False, "responsive": True},
                                 width="100%"), width="100%", id=f"chart-{name}"),
            ),
            spacing="3", width="100%",
        ),
        width="100%", min_width="0",
    )


def goal_card(g: dict) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.text(g["title"], weight="medium", size="2"),
                rx.spacer(),
                rx.badge(g["status_label"], color_scheme=g["color"], variant="soft",
                         class_name="goal-status"),
                width="100%", spacing="2", align="center", wrap="wrap",
            ),
            named_progress(g["percent"], g["title"], color_scheme=g["color"]),
            rx.text(g["actual"], " of ", g["target"],
                    rx.cond(g["expected"] != "", " · " + g["expected"], ""),
                    " · n=", g["n"], size="1", color_scheme="gray"),
            spacing="2", width="100%",
        ),
        class_name="goal-progress", width="100%",
    )


def goals_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading("Goals", size="4", as_="h2"),
                rx.spacer(),
                link_button("Set a goal", size="1", variant="soft", href="/goals"),
                width="100%", align="center",
            ),
            rx.cond(
                D.goal_rows.length() > 0,
                rx.grid(rx.foreach(D.goal_rows, goal_card),
                        columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"),
                rx.text("No goals yet. Set one to see your progress and pace here.",
                        size="2", color_scheme="gray"),
            ),
            spacing="3", width="100%",
        ),
        width="100%", id="dashboard-goals",
    )


def kpi_tile(k: dict) -> rx.Component:
    return rx.vstack(
        rx.text(k["metric"], size="1", color_scheme="gray"),
        rx.text(k["value"], size="4", weight="bold"),
        rx.text(rx.cond(k["note"] != "", k["note"], "n=" + k["n"]), size="1",
                color_scheme="gray"),
        spacing="0", min_width="0",
    )


def kpi_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(rx.heading("KPIs · ", D.period_label, D.signal_label, size="4",
                                          as_="h2"), rx.spacer(),
                    rx.button(rx.icon("download", size=14), "CSV", variant="soft", size="1",
                              on_click=D.download_csv("kpis")),
                    width="100%", align="center"),
            rx.grid(rx.foreach(D.kpi_rows, kpi_tile),
                    columns=rx.breakpoints(initial="2", sm="3", md="4"), spacing="4",
                    width="100%"),
            rx.text("Revenue is the value of won deals; invoiced and paid revenue come from "
                    "finalised invoices and payments. Fresh signal: deals opened on the day "
                    "of a buying signal on their company or in the 30 days before; it "
                    "narrows the KPIs, funnel, trend and tiers.", size="1",
                    color_scheme="gray"),
            spacing="3", width="100%",
        ),
        width="100%", id="dashboard-kpis",
    )


def rescore_bar() -> rx.Component:
    return rx.cond(
        D.rescoring | (D.rescore_message != ""),
        rx.vstack(
            rx.text(D.rescore_message, size="2", id="rescore-message"),
            rx.cond(D.rescoring, named_progress(D.rescore_percent, "Re-scoring")),
            spacing="2", width="100%",
        ),
    )


def criterion_row(r: dict, icp_id) -> rx.Component:
    return rx.cond(
        r["icp_id"] == icp_id,
        rx.table.row(
            rx.table.cell(r["criterion"]),
            rx.table.cell(r["match"], text_align="right", white_space="nowrap"),
            rx.table.cell(r["miss"], text_align="right", white_space="nowrap"),
            rx.table.cell(r["lift"], text_align="right", white_space="nowrap"),
            rx.table.cell(r["weight"], text_align="right"),
            rx.table.cell(rx.cond(r["changed"] != "", rx.text(r["suggested"], weight="bold"),
                                  r["suggested"]), text_align="right", white_space="nowrap"),
        ),
    )


def icp_lift_card(icp: dict) -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.text(rx.text.strong(icp["name"]), " · ", icp["n"], " closed deals · win rate ",
                    icp["win_rate"], size="2"),
            rx.spacer(),
            rx.cond(
                icp["has_suggestion"] != "",
                rx.button("Apply as new version", size="1",
                          on_click=D.apply_suggestion(icp["icp_id"]),
                          class_name="apply-suggestion", disabled=D.rescoring),
                rx.badge("No change suggested", color_scheme="gray", variant="soft"),
            ),
            width="100%", align="center", spacing="2", wrap="wrap",
        ),
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(
                    rx.table.column_header_cell("Criterion"),
                    rx.table.column_header_cell("Win rate if matched", text_align="right"),
                    rx.table.column_header_cell("if missed", text_align="right"),
                    rx.table.column_header_cell("Lift", text_align="right"),
                    rx.table.column_header_cell("Weight", text_align="right"),
                    rx.table.column_header_cell("Suggested", text_align="right"),
                )),
                rx.table.body(rx.foreach(D.calib_rows,
                                         lambda r: criterion_row(r, icp["icp_id"]))),
                size="1", width="100%", class_name="lift-table",
            ),
            overflow_x="auto", width="100%",
        ),
        spacing="2", width="100%",
    )


TIER_COLUMNS = [("tier", "Tier"), ("closed", "Closed"), ("won", "Won"), ("win_rate", "Win rate"),
                ("revenue", "Revenue"), ("avg_deal_size", "Avg deal"),
                ("avg_cycle_days", "Cycle")]


def icp_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Is our ICP working?", size="4", as_="h2"),
            rx.text("Deals closed in ", D.period_label, " by the company's fit tier, side by "
                    "side; n is the number of deals behind every figure.", size="2",
                    color_scheme="gray"),
            rx.cond(D.tier_rows.length() > 0,
                    simple_table(D.tier_rows, TIER_COLUMNS, "tier-table"),
                    rx.text("No closed deals in this period yet.", size="2",
                            color_scheme="gray")),
            rx.heading("Lift of each criterion", size="3", as_="h3"),
            rx.text(D.prior_note, size="1", color_scheme="gray"),
            rescore_bar(),
            rx.cond(D.calib_icps.length() > 0,
                    rx.vstack(rx.foreach(D.calib_icps, icp_lift_card), spacing="5",
                              width="100%"),
                    rx.text("No active ICP yet: create one under Profiles.", size="2",
                            color_scheme="gray")),
            spacing="3", width="100%",
        ),
        width="100%", id="icp-calibration",
    )


def dashboard() -> rx.Component:
    return app_shell(
        page_header("Dashboard", "Your workspace at a glance.",
                    rx.hstack(signal_picker(), period_picker(), spacing="2", wrap="wrap")),
        review_prompts(ReviewPromptsState.review_rows),
        rx.grid(
            stat_card("Companies", D.companies, "in your target list", "stat-companies"),
            stat_card("Open deals", D.open_deals, D.open_deals_hint),
            stat_card("Weighted pipeline", D.weighted_value, "value × stage probability"),
            stat_card("Win rate (all time)", D.win_rate, D.won_lost),
            columns=rx.breakpoints(initial="1", sm="2", md="4"),
            spacing="4",
            width="100%",
        ),
        goals_section(),
        kpi_section(),
        rx.grid(
            chart_card("Funnel", "Deals created in the period that reached each stage "
                       "(skipped stages count as passed)", "funnel", D.funnel_fig,
                       D.funnel_rows, [("stage", "Stage"), ("reached", "Reached"),
                                       ("next_rate", "Converted to next")]),
            chart_card("Trend", "Deals created and won per month, last 12 months", "trend",
                       D.trend_fig, D.trend_rows,
                       [("month", "Month"), ("deals_created", "Created"), ("won", "Won"),
                        ("won_value", "Won value"), ("new_leads", "New leads")]),
            columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%",
        ),
        chart_card("Win rate by fit tier", "Deals closed in the period", "tiers", D.tier_fig,
                   D.tier_rows, TIER_COLUMNS),
        icp_section(),
    )
