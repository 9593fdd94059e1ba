"""/login served as login.html in one response (updoot_app/frontend_paths.py)."""

import asyncio

import pytest

from updoot_app import frontend_paths
from updoot_app.api.app import create_api
from updoot_app.frontend_paths import HtmlWithoutSlash
from updoot_app.updoot_app import app


@pytest.fixture
def build(tmp_path):
    (tmp_path / "login.html").write_text("<title>Log in</title>")
    (tmp_path / "pipeline").mkdir()
    (tmp_path / "pipeline" / "stages.html").write_text("stages")
    (tmp_path / "secret.html").write_text("outside")
    (tmp_path / "client").mkdir()
    return tmp_path


def _path_seen(wrapper_of, scope: dict) -> str:
    seen = {}

    async def inner(scope, receive, send):
        seen["path"] = scope["path"]

    asyncio.run(wrapper_of(inner)(scope, None, None))
    return seen["path"]


@pytest.mark.parametrize(("method", "path", "served"), [
    ("GET", "/login", "/login.html"),
    ("HEAD", "/login", "/login.html"),
    ("GET", "/pipeline/stages", "/pipeline/stages.html"),
    ("GET", "/login/", "/login/"),  # already the directory form
    ("GET", "/signup", "/signup"),  # no such page: left to the mount (404 / SPA fallback)
    ("GET", "/deals/5", "/deals/5"),  # dynamic route: the SPA fallback
    ("GET", "/assets/app.js", "/assets/app.js"),
    ("POST", "/login", "/login"),
    ("GET", "/client/../secret", "/client/../secret"),  # never leaves plain segments
    ("GET", "/login.", "/login."),
])
def test_rewrites_only_get_of_a_built_page(build, method, path, served):
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode()}
    assert _path_seen(lambda app: HtmlWithoutSlash(app, build), scope) == served


def test_websockets_pass_through(build):
    scope = {"type": "websocket", "path": "/login"}
    assert _path_seen(lambda app: HtmlWithoutSlash(app, build), scope) == "/login"


def test_only_when_the_server_serves_the_build(monkeypatch):
    """`updoot worker` (nginx serves the build) keeps the app as it is."""
    async def app(scope, receive, send):
        pass

    flag = frontend_paths.environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.name
    monkeypatch.setenv(flag, "false")
    assert frontend_paths.html_without_slash(app) is app
    monkeypatch.setenv(flag, "true")
    assert isinstance(frontend_paths.html_without_slash(app), HtmlWithoutSlash)


def _served_by(scope: dict) -> str:
    seen = []

    async def api(scope, receive, send):
        seen.append("api")

    async def pages(scope, receive, send):
        seen.append("reflex")

    asyncio.run(frontend_paths.ApiBeside(api, pages, {"api", "public"})(scope, None, None))
    return seen[0]


@pytest.mark.parametrize(("kind", "path", "served"), [
    ("http", "/api/v1/me", "api"),
    ("http", "/api", "api"),
    ("http", "/public/quotes/abc.pdf", "api"),
    ("http", "/apis", "reflex"),
    ("http", "/login", "reflex"),
    ("http", "/", "reflex"),
    ("http", "/assets/entry.client-x.js", "reflex"),
    ("http", "/ping", "reflex"),
    ("websocket", "/_event", "reflex"),
])
def test_the_api_answers_its_paths_and_reflex_the_rest(kind, path, served):
    assert _served_by({"type": kind, "path": path}) == served


def test_every_api_route_goes_to_the_api_and_no_page_does():
    """The prefixes come from the API's own routes; no page lives under one of them."""
    api = create_api()
    paths = frontend_paths.route_paths(api.routes)
    assert "/api/v1/me" in paths and "/public/quotes/{token}.pdf" in paths
    dispatch = frontend_paths.api_beside(api)(None)
    assert all(p.split("/")[1] in dispatch.prefixes for p in paths)
    pages = list(app._unevaluated_pages)
    assert "pipeline" in pages
    assert not [p for p in pages if p.split("/")[0] in dispatch.prefixes]
