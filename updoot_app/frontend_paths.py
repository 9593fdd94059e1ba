"""Page URLs without a trailing slash, answered in one response.

`updoot serve` serves the frontend build (.web/build/client) through Reflex's
static files mount, which answers /login with a redirect to /login/: the page
is in login/index.html (and in login.html beside it), and Starlette redirects a
directory URL to its slashed form. A cold first load of /login or /pipeline
paid that extra round trip (bench/bench_browser.py). deploy/nginx serves the
same build with `try_files $uri $uri.html ...`: no redirect. This does the same
for the one-process server: a GET or HEAD of /a/b, where a/b.html exists in the
build, is served as /a/b.html. Anything else passes through untouched.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from reflex.utils.prerequisites import get_web_dir
from reflex_base import constants
from reflex_base.config import get_config
from reflex_base.environment import environment

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]

# Only plain route segments (what add_page routes are made of): no dots, so no
# "..", no file names with an extension, no encoded or odd characters.
_PAGE_PATH = re.compile(r"^(/[A-Za-z0-9_-]+)+$")


class HtmlWithoutSlash:
    """ASGI wrapper: /x served as /x.html when the build has that page."""

    def __init__(self, app: ASGIApp, static_dir: Path):
        self.app = app
        self.static_dir = static_dir

    def page_path(self, path: str) -> str | None:
        """The build file's path for `path`, or None to leave the request alone."""
        if not _PAGE_PATH.match(path) or not (self.static_dir / f"{path[1:]}.html").is_file():
            return None
        return f"{path}.html"

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            page = self.page_path(scope.get("path", ""))
            if page is not None:
                scope = {**scope, "path": page, "raw_path": page.encode()}
        await self.app(scope, receive, send)


class ApiBeside:
    """ASGI: requests for the REST API's paths go straight to it, everything else
    (pages, assets, the event websocket) straight to Reflex.

    rx.App(api_transformer=FastAPI()) mounts Reflex inside the API instead, so every
    asset request of a page load was first matched against each API route (about 80
    path patterns) before falling through to Reflex's mount."""

    def __init__(self, api: ASGIApp, app: ASGIApp, prefixes: set[str]):
        self.api, self.app, self.prefixes = api, app, prefixes

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        segment = scope.get("path", "/").lstrip("/").split("/", 1)[0]
        if scope["type"] == "http" and segment in self.prefixes:
            await self.api(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def route_paths(routes) -> list[str]:
    """The path of every route of a FastAPI app, included routers too."""
    paths = []
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:  # FastAPI's lazily included router
            paths += [ctx.path for ctx in contexts()]
        elif getattr(route, "path", None):
            paths.append(route.path)
    return paths


def api_beside(api) -> Callable[[ASGIApp], ASGIApp]:
    """For rx.App(api_transformer=...): `api` (a FastAPI app) answers the first path
    segments its routes use (/api/..., /public/..., /docs/...), Reflex the rest."""
    prefixes = {path.split("/")[1] for path in route_paths(api.routes)}
    return lambda app: ApiBeside(api, app, prefixes)


def static_dir() -> Path:
    """Where Reflex's frontend mount serves the build from (reflex.utils.exec)."""
    return (get_web_dir() / constants.Dirs.STATIC
            / get_config().frontend_path.strip("/")).resolve()


def html_without_slash(app: ASGIApp) -> ASGIApp:
    """For rx.App(api_transformer=...): wrap the server when it serves the build
    itself (`updoot serve`); `updoot worker` behind nginx is left as it is."""
    if not environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.get():
        return app
    return HtmlWithoutSlash(app, static_dir())
