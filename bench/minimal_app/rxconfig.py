"""The framework's floor: a minimal Reflex app served like Updoot's workers
(`reflex run --env prod --backend-only`), for bench/bench_load.py."""

import reflex as rx

config = rx.Config(
    app_name="minimal_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    disable_plugins=["reflex.plugins.sitemap.SitemapPlugin"],
)
