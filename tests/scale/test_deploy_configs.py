"""The nginx files in deploy/ that docs/deploy.md shows are valid nginx
(`nginx -t`), with TLS as in production (a throwaway self-signed cert)."""

from __future__ import annotations

import subprocess

import pytest

from bench import cluster as cl
from tests.scale.conftest import _missing

DEPLOY = cl.PROJECT_ROOT / "deploy"


@pytest.fixture
def nginx():
    binary = cl.nginx_binary()
    if binary is None:
        _missing("nginx is missing (apt-get install -y nginx; .ci/run installs it)")
    return binary


@pytest.fixture
def tls(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=crm.example.com", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return f"    ssl_certificate {cert};\n    ssl_certificate_key {key};"


def _nginx_t(nginx: str, workdir, site: str) -> None:
    (workdir / "site.conf").write_text(site)
    (workdir / "nginx.conf").write_text(cl.nginx_main(workdir))
    result = subprocess.run([nginx, "-t", "-c", str(workdir / "nginx.conf"), "-p", str(workdir)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_single_vm_config_is_valid(nginx, tls, tmp_path):
    site = cl.render(DEPLOY / "nginx" / "updoot-single.conf", LISTEN=f"127.0.0.1:{cl.free_port()} ssl",
                     SERVER_NAME="crm.example.com", TLS=tls, APP="127.0.0.1:3000")
    _nginx_t(nginx, tmp_path, site)


def test_scaled_config_is_valid(nginx, tls, tmp_path):
    site = cl.render_site(f"127.0.0.1:{cl.free_port()} ssl", [8001, 8002, 8003],
                          server_name="crm.example.com", tls=tls)
    _nginx_t(nginx, tmp_path, site)


def test_unfilled_placeholder_is_refused():
    with pytest.raises(cl.ClusterError, match="LISTEN"):
        cl.render(DEPLOY / "nginx" / "updoot-single.conf", SERVER_NAME="x", TLS="", APP="y")
