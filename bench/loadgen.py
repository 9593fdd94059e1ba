"""A load generator that acts like browser sessions over Reflex's websocket.

It speaks the protocol the compiled frontend speaks (.web/utils/state.js,
reflex/app.py EventNamespace): Socket.IO on the `/_event` path and namespace,
`?token=<client token>` in the URL, the `hydrate_and_load` event inside the
CONNECT packet with the session cookie among its `vars` (that is how a
browser's `updoot_session` cookie reaches AppState.auth_token), then one
`event` message per user action with `{name, payload, router_data}`; the
server answers with `event` messages carrying state deltas.

Bounded: every run has a session count and a deadline, and only loopback
URLs are accepted.

A session's journey (`journey`): open the dashboard, then in a loop open the
pipeline, move one of its deals to another stage, add an interaction to it,
rename its workspace in Settings, read the dashboard. Deal moves go through
the pipeline page's websocket event (PipelineState.move_to); interactions
through the REST API.
Every acknowledged write is recorded so the caller can check the database
afterwards (bench/accounts.py, `lost_writes`).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlparse

import aiohttp
import socketio

from bench.accounts import Account

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
HYDRATE = "reflex___state____state.hydrate_and_load"
ON_LOAD = "reflex___state____state.reflex___state____on_load_internal_state.on_load_internal"
ROOT = "reflex___state____state"
HYDRATED = "is_hydrated_rx_state_"
EVENT_TIMEOUT_S = 30.0


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"load generation is loopback-only, refusing {url}")


def state_names() -> dict[str, str]:
    """Full Reflex names of the Updoot states and handlers the journey uses."""
    from updoot_app.state.app_state import AppState
    from updoot_app.state.crm.pipeline_state import PipelinePage, PipelineState
    from updoot_app.state.identity.auth_state import AuthState
    from updoot_app.state.identity.settings_state import SettingsState
    from updoot_app.state.kpis.dashboard_state import DashboardState

    return {
        "cookie_var": f"{AppState.get_full_name()}.auth_token_rx_state_",
        "app": AppState.get_full_name(),
        "auth": AuthState.get_full_name(),
        "dashboard": DashboardState.get_full_name(),
        "settings": SettingsState.get_full_name(),
        "save_workspace": f"{SettingsState.get_full_name()}.save_workspace",
        "pipeline": PipelineState.get_full_name(),
        "pipeline_page": PipelinePage.get_full_name(),  # its view, filters, Lost dialog
        "move_to": f"{PipelineState.get_full_name()}.move_to",
    }


class EventError(RuntimeError):
    pass


@dataclass
class Stats:
    """Round trips (s) per kind of action, errors, acknowledged writes."""

    rtt: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    events: int = 0
    started: float = 0.0
    ended: float = 0.0

    def add(self, kind: str, seconds: float) -> None:
        self.rtt.setdefault(kind, []).append(seconds)
        self.events += 1

    def all_rtts(self) -> list[float]:
        return [x for v in self.rtt.values() for x in v]

    def merge(self, other: Stats) -> None:
        for k, v in other.rtt.items():
            self.rtt.setdefault(k, []).extend(v)
        self.errors.extend(other.errors)
        self.events += other.events


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


class ReflexSession:
    """One browser tab: a Socket.IO connection with the session cookie."""

    def __init__(self, base_url: str, cookie_var: str | None = None,
                 session_token: str | None = None, path: str = "/dashboard",
                 origin: str | None = None):
        check_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.origin = (origin or base_url).rstrip("/")
        self.client_token = str(uuid.uuid4())
        self.cookie_var = cookie_var
        self.session_token = session_token
        self.path = path
        # Offer permessage-deflate as browsers do: if the server took it, the
        # idle-memory figure would show the zlib streams each tab then holds.
        self.sio = socketio.AsyncClient(reconnection=False, ssl_verify=False,
                                        websocket_extra_options={"compress": 15})
        self.sio.on("event", self._on_update, namespace="/_event")
        self._waiter: tuple[callable, asyncio.Future] | None = None
        self.updates: list[dict] = []
        self.keep_updates = False

    def _router(self, path: str) -> dict:
        return {"pathname": path, "asPath": path}

    async def _on_update(self, update):
        if self.keep_updates:
            self.updates.append(update)
        if self._waiter is not None:
            predicate, future = self._waiter
            if not future.done() and predicate(update):
                future.set_result(update)

    def _expect(self, predicate) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self._waiter = (predicate, future)
        return future

    @staticmethod
    def hydrated(update: dict) -> bool:
        return (update.get("delta") or {}).get(ROOT, {}).get(HYDRATED) is True

    @staticmethod
    def touches(substate: str, var: str | None = None):
        def check(update: dict) -> bool:
            delta = (update.get("delta") or {}).get(substate)
            return delta is not None and (var is None or var in delta)
        return check

    async def connect(self, timeout: float = EVENT_TIMEOUT_S) -> float:
        """Open the page: connect with the hydrate event; returns seconds until
        the page is hydrated (on_load handlers done)."""
        payload: dict = {}
        if self.cookie_var and self.session_token:
            payload["vars"] = {self.cookie_var: self.session_token}
        auth = {"event": {"name": HYDRATE, "payload": payload,
                          "router_data": self._router(self.path)}}
        started = time.perf_counter()
        done = self._expect(self.hydrated)
        await self.sio.connect(
            f"{self.base_url}?token={self.client_token}", transports=["websocket"],
            socketio_path="_event", namespaces=["/_event"], auth=auth,
            headers={"Origin": self.origin}, wait_timeout=timeout)
        await asyncio.wait_for(done, timeout)
        return time.perf_counter() - started

    async def event(self, name: str, payload: dict | None = None, *, path: str | None = None,
                    until=None, timeout: float = EVENT_TIMEOUT_S) -> tuple[float, dict]:
        """Send one event; wait for the update `until(update)` accepts."""
        if not self.sio.connected:
            raise EventError("socket disconnected")
        done = self._expect(until or (lambda u: True))
        started = time.perf_counter()
        await self.sio.emit("event", {"name": name, "payload": payload or {},
                                      "router_data": self._router(path or self.path)},
                            namespace="/_event")
        try:
            update = await asyncio.wait_for(done, timeout)
        except TimeoutError:
            raise EventError(f"{name.rsplit('.', 1)[-1]}: no answer in {timeout} s") from None
        return time.perf_counter() - started, update

    async def navigate(self, path: str, timeout: float = EVENT_TIMEOUT_S) -> float:
        """Client-side navigation: on_load_internal for the new route."""
        self.path = path
        seconds, _ = await self.event(ON_LOAD, {}, path=path, until=self.hydrated,
                                      timeout=timeout)
        return seconds

    async def close(self) -> None:
        try:
            await self.sio.disconnect()
        except Exception:  # noqa: BLE001 - best effort at teardown
            pass


class Journey:
    """What one simulated user does; `step` is one round of the loop."""

    def __init__(self, base_url: str, account: Account, names: dict, stats: Stats,
                 http: aiohttp.ClientSession, think_s: float = 0.0):
        self.base_url = base_url.rstrip("/")
        self.account = account
        self.names = names
        self.stats = stats
        self.http = http
        self.think_s = think_s
        self.n = 0
        self.tab = ReflexSession(base_url, names["cookie_var"], account.session_token,
                                 "/dashboard")

    async def think(self) -> None:
        if self.think_s > 0:
            await asyncio.sleep(self.think_s * random.uniform(0.5, 1.5))

    async def open(self) -> None:
        self.stats.add("open dashboard (connect + hydrate)", await self.tab.connect())

    async def move_deal(self) -> None:
        a = self.account
        deal_id = a.deal_ids[self.n % len(a.deal_ids)]
        index = (self.n // len(a.deal_ids) + 1) % len(a.stage_ids)
        stage_id, stage_name = a.stage_ids[index], a.stage_names[index]
        seconds, _ = await self.tab.event(
            self.names["move_to"], {"deal_id": str(deal_id), "stage_id": str(stage_id)},
            until=self.tab.touches(self.names["pipeline"], "last_move_rx_state_"))
        self.stats.add("move deal (event)", seconds)
        a.acked_moves[deal_id] = stage_name

    async def add_interaction(self) -> None:
        a = self.account
        summary = f"call {self.n} {uuid.uuid4().hex[:6]}"
        seconds = await self.api("POST", "/api/v1/activities",
                                 {"kind": "call", "deal_id": a.deal_ids[0], "summary": summary})
        self.stats.add("add interaction (REST API)", seconds)
        a.acked_interactions.append(summary)

    async def rename_workspace(self) -> None:
        name = f"Load {self.account.workspace_id} r{self.n}"
        seconds, _ = await self.tab.event(
            self.names["save_workspace"],
            {"form": {"name": name, "stale_after_days": "14"}},
            until=self.tab.touches(self.names["settings"], "ws_name_rx_state_"))
        self.stats.add("save settings (event)", seconds)
        self.account.acked_names.append(name)

    async def api(self, method: str, path: str, body: dict) -> float:
        started = time.perf_counter()
        async with self.http.request(
                method, self.base_url + path, json=body,
                headers={"Authorization": f"Bearer {self.account.api_token}"}) as resp:
            await resp.read()
            if resp.status >= 300:
                raise EventError(f"{method} {path}: HTTP {resp.status}")
        return time.perf_counter() - started

    async def step(self) -> None:
        self.n += 1
        tab = self.tab
        self.stats.add("open pipeline", await tab.navigate("/pipeline"))
        await self.think()
        await self.move_deal()
        await self.think()
        await self.add_interaction()
        await self.think()
        self.stats.add("open settings", await tab.navigate("/settings"))
        await self.rename_workspace()
        await self.think()
        self.stats.add("read dashboard", await tab.navigate("/dashboard"))
        await self.think()


async def run_load(base_url: str, accounts: list[Account], *, duration_s: float,
                   think_s: float, ramp_s: float = 5.0, names: dict | None = None) -> Stats:
    """Every account runs its journey in a loop until the deadline."""
    check_loopback(base_url)
    names = names or state_names()
    stats = Stats()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        journeys = [Journey(base_url, a, names, Stats(), http, think_s) for a in accounts]
        stats.started = time.perf_counter()
        deadline = stats.started + ramp_s + duration_s

        async def drive(j: Journey, delay: float) -> None:
            await asyncio.sleep(delay)
            try:
                await j.open()
                while time.perf_counter() < deadline:
                    await j.step()
            except Exception as exc:  # noqa: BLE001 - counted, reported
                j.stats.errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                await j.tab.close()

        await asyncio.gather(*(drive(j, ramp_s * i / max(1, len(journeys)))
                               for i, j in enumerate(journeys)))
        stats.ended = time.perf_counter()
    for j in journeys:
        stats.merge(j.stats)
    return stats


async def idle_sessions(base_url: str, accounts: list[Account], names: dict,
                        count: int) -> list[ReflexSession]:
    """Open `count` dashboard tabs (cycling over accounts) and leave them idle."""
    tabs = []
    for i in range(count):
        a = accounts[i % len(accounts)]
        tab = ReflexSession(base_url, names["cookie_var"], a.session_token, "/dashboard")
        await tab.connect()
        tabs.append(tab)
    return tabs


async def sequential_rtts(tab: ReflexSession, name: str, payload_of, until, n: int,
                          warmup: int = 20) -> list[float]:
    """One tab, one event at a time: the framework-floor style measurement."""
    out = []
    for i in range(warmup + n):
        seconds, _ = await tab.event(name, payload_of(i), until=until)
        if i >= warmup:
            out.append(seconds)
    return out


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, "") or default)
