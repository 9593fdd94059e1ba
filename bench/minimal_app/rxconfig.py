"""The framework's floor: a minimal Reflex app served like Updoot's workers
(updoot_app/asgi_server.py: uvicorn, one process), for bench/bench_load.py."""

import reflex as rx

config = rx.Config(
    app_name="minimal_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=["reflex.plugins.sitemap.SitemapPlugin"],
)
