"""One state, one trivial event, one page: the count and a button that bumps it.

The framework's floor for bench/bench_load.py (the event over the websocket) and
bench/bench_browser.py (a cold first load, and a click to the DOM updated)."""

import reflex as rx


class CounterState(rx.State):
    count: int = 0

    @rx.event
    def increment(self, by: int = 1):
        self.count += by


def index() -> rx.Component:
    return rx.vstack(
        rx.text(CounterState.count, id="count"),
        rx.button("Add one", id="increment", on_click=CounterState.increment(1)),
    )


app = rx.App()
app.add_page(index, route="/")
