"""The framework's floor: a minimal Reflex app served like Updoot's workers
(updoot_app/asgi_server.py: uvicorn, one process), for bench/bench_load.py and
bench/bench_browser.py (bench/minimal.py starts it). Radix Themes as in Updoot
(its text and button are Radix components either way; explicit, as Reflex asks)."""

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="minimal_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin()],
    disable_plugins=[SitemapPlugin],
)
