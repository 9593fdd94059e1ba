"""What `updoot serve` answers on the wire (uvicorn, updoot_app/asgi_server.py)."""

import urllib.request

from websockets.sync.client import connect


def test_event_socket_declines_per_message_deflate(server):
    """A browser offers permessage-deflate; two zlib streams per tab would
    cost 100+ KB each, so the server answers without the extension."""
    url = server.replace("http", "ws", 1) + "/_event/?EIO=4&transport=websocket"
    with connect(url, compression="deflate", origin=server) as ws:
        assert ws.response.status_code == 101
        assert "Sec-WebSocket-Extensions" not in ws.response.headers
        assert ws.recv(timeout=10).startswith("0{")  # engine.io open packet


def test_pages_are_served_precompressed(server):
    request = urllib.request.Request(server + "/", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Encoding"] == "gzip"


def test_pages_answer_without_a_redirect(server):
    """/login is served in one response, as nginx serves it (frontend_paths.py):
    a cold first load does not pay a redirect to /login/ first."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    for path, title in (("/login", "Log in"), ("/pipeline", "Pipeline"),
                        ("/pipeline/stages", "Pipeline stages")):
        with opener.open(server + path, timeout=10) as response:
            assert response.status == 200, path
            assert f"<title>{title} · Updoot</title>" in response.read().decode(), path
