"""The scaled setup for tests/scale: PostgreSQL + Redis from the machine,
two `updoot worker` processes, nginx on loopback in front (bench/cluster.py,
deploy/nginx/updoot-scaled.conf). Run on its own pytest invocation (it drives
Chromium with Playwright's sync API): `pytest tests/scale -q`.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from bench import cluster as cl
from tests.conftest import _private_postgres_database

POSTGRES_URL = os.environ.get("UPDOOT_TEST_POSTGRES_URL", "").strip()
REDIS_URL = os.environ.get("UPDOOT_TEST_REDIS_URL", "").strip()
REQUIRED = os.environ.get("UPDOOT_REQUIRE_BROWSER") == "1"  # CI: missing pieces fail
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _missing(reason: str):
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def private_redis_url():
    """An empty Redis database number of our own, flushed afterwards."""
    import redis

    if not REDIS_URL:
        pytest.skip("UPDOOT_TEST_REDIS_URL is not set (CI sets it)")
    base = urlparse(REDIS_URL)
    for number in range(15, 0, -1):
        url = urlunparse(base._replace(path=f"/{number}"))
        client = redis.Redis.from_url(url)
        # Claim the number atomically so parallel runs never share one.
        if client.dbsize() == 0 and client.set("updoot-scale-test-claim", "1", nx=True):
            try:
                yield url
            finally:
                client.flushdb()
                client.close()
            return
        client.close()
    pytest.fail("no empty Redis database number (1-15) to use")


@pytest.fixture(scope="session")
def scaled(tmp_path_factory, private_redis_url):
    """Two workers on a private PostgreSQL database and Redis, nginx in front."""
    if not POSTGRES_URL:
        pytest.skip("UPDOOT_TEST_POSTGRES_URL is not set (CI sets it)")
    if cl.nginx_binary() is None:
        _missing("nginx is missing (apt-get install -y nginx; .ci/run installs it)")
    workdir: Path = tmp_path_factory.mktemp("scaled")
    with _private_postgres_database(POSTGRES_URL) as database_url:
        from updoot_app import db

        with cl.running_cluster(workers=2, database_url=database_url,
                                redis_url=private_redis_url, workdir=workdir) as cluster:
            db.configure(database_url)  # this process checks the database directly
            print(f"\n[scale] nginx {cluster.url} -> workers {cluster.worker_ports}; "
                  f"logs in {workdir}")
            yield cluster


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
