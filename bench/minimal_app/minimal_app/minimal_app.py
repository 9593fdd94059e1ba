"""One state, one trivial event."""

import reflex as rx


class CounterState(rx.State):
    count: int = 0

    @rx.event
    def increment(self, by: int = 1):
        self.count += by


def index() -> rx.Component:
    return rx.text(CounterState.count)


app = rx.App()
app.add_page(index, route="/")
