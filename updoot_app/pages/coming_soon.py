"""Module pages not built yet: the shell, and a plain notice saying so."""

import reflex as rx

from updoot_app.components.layout import app_shell, not_built, page_header

MODULES = {
}


def module_page(key: str):
    title, subtitle, what = MODULES[key]

    def page() -> rx.Component:
        return app_shell(page_header(title, subtitle), not_built(title, what))

    page.__name__ = f"{key}_page"
    return page
