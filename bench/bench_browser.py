"""Our app against the minimal Reflex app (bench/minimal_app) in one Chromium.

Both production builds, served as people get them: ours by `updoot serve`
(bench/bench_pipeline.py's `served`), the minimal app by bench/minimal.py (its
frontend built the same way, page and backend on one port). One SQLite database
holds one signed-up user whose workspace has 10 deals.

1. Cold first load. A fresh browser context (empty cache, no cookie but the
   session's) opens a page and waits for the network to settle. Pages: the
   minimal app's only page (a count and a button), our /login (what a new visitor
   opens: compared with the minimal app's page), and our /pipeline signed in to
   the 10-deal workspace (compared with the same minimal page: the framework has
   no signed-in board to offer). In turns, UPDOOT_BENCH_COLD_ROUNDS (15) rounds
   after one warm-up round, the order flipping each round.
   Figures: ms from navigation start to the first contentful paint (the
   browser's paint entry), and bytes of JavaScript transferred (the sum of the
   compressed bodies of every .js resource the page fetched, resource timing's
   encodedBodySize). Targets, on the medians: ours within 1.25x of the minimal
   app's paint, and no more than 1.5x its JavaScript bytes.
   Where the time goes (diagnostic): HTML and CSS received, the first paint, the
   first state answered over the websocket (the hydrate event), the board drawn.
   Plotly: its chunk must be fetched only where a chart is drawn (/dashboard),
   never on /login or /pipeline.
2. The browser's floor: a click to the DOM updated. Our stage move on the
   10-deal board (the Move button's menu, the pick timed to the column's count
   changing: bench_pipeline's "stage move round trip in the browser") against a
   click on the minimal app's button timed to its count changing, one page of
   each open in the same Chromium, alternating, UPDOOT_BENCH_CLICKS (20) of each
   after two warm-ups. Target: our median within 1.5x of the minimal app's.
   Where the time goes (diagnostic): each server times the move (drop_on) and the
   click (increment) from reading the event's message to writing its answer
   (bench/server_timing, loaded by both servers); the round trip minus that is the
   network's and the browser's part.

Run alone: ``python -m bench.bench_browser``.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import bench_pipeline as bp  # noqa: E402
from bench import cluster as cl  # noqa: E402
from bench import loadgen as lg  # noqa: E402
from bench import minimal  # noqa: E402
from bench.rows import row  # noqa: E402
from bench.server_timing import server_rows, server_times, server_timing  # noqa: E402

COLD_ROUNDS = lg.env_int("UPDOOT_BENCH_COLD_ROUNDS", 15)
CLICKS = lg.env_int("UPDOOT_BENCH_CLICKS", 20)
PAINT_TARGET = 1.25
JS_TARGET = 1.5
CLICK_TARGET = 1.5
DEALS_COMPANIES = bp.SMALL_COMPANIES  # x 0.2 deals per company = 10 deals
EMAIL = "cold-load@example.com"
DESKTOP = {"width": 1280, "height": 800}
WEB_ASSETS = ROOT / ".web" / "build" / "client" / "assets"
TIMED_EVENTS = ("drop_on", "increment")  # our stage move, the minimal app's click
PLOTLY_MARKER = "newPlot"  # only plotly.js's own chunk holds it

# Before any page script: note when the first state update arrives on the websocket
# (Socket.IO's "42" event frame answering the hydrate event).
WS_PROBE = """
(() => {
  window.__firstState = null;
  window.WebSocket = class extends window.WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (window.__firstState === null && typeof e.data === 'string'
            && e.data.startsWith('42')) { window.__firstState = performance.now(); }
      });
    }
  };
})();
"""

COLLECT_JS = """
() => {
  const sum = (list, key) => list.reduce((a, r) => a + (r[key] || 0), 0);
  const path = (r) => new URL(r.name).pathname;
  const res = performance.getEntriesByType('resource');
  const js = res.filter(r => path(r).endsWith('.js'));
  const css = res.filter(r => path(r).endsWith('.css'));
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    fcp: fcp ? fcp.startTime : null,
    js_bytes: sum(js, 'encodedBodySize'), js_decoded: sum(js, 'decodedBodySize'),
    js_files: js.map(path), css_bytes: sum(css, 'encodedBodySize'),
    css_end: Math.max(0, ...css.map(r => r.responseEnd)),
    html_end: nav.responseEnd, html_bytes: nav.encodedBodySize,
    first_state: window.__firstState,
  };
}
"""

# The page's own "ready": ms since navigation start once `n` or more of `sel` are drawn.
READY_JS = """
async (selectorCount) => {
  const [sel, n] = selectorCount;
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${sel} x${n} not drawn in 15 s`)), 15000);
    const check = () => {
      if (document.querySelectorAll(sel).length >= n) { clearTimeout(timer);
        resolve(performance.now()); } else { requestAnimationFrame(check); }
    };
    check();
  });
}
"""

# Before any page script of the click pages: a log of the event frames sent and
# answered on the websocket (Socket.IO "42" frames), to split a round trip.
WS_LOG = """
(() => {
  window.__wsLog = [];
  window.WebSocket = class extends window.WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string' && e.data.startsWith('42')) {
          window.__wsLog.push(['recv', performance.now()]); }
      });
    }
    send(data) {
      if (typeof data === 'string' && data.startsWith('42')) {
        window.__wsLog.push(['send', performance.now()]); }
      return super.send(data);
    }
  };
})();
"""

# Runs a timing function (MOVE_JS, CLICK_JS) and splits its round trip: [ms, from the
# last event sent to the last answer, from that answer to the DOM updated].
TIMED_JS = """
async ([source, args]) => {
  window.__wsLog = [];
  const ms = await (eval(source))(args);
  const end = performance.now();
  const last = (kind) => window.__wsLog.filter(e => e[0] === kind).pop()[1];
  const sent = last('send'), answered = last('recv');
  return [ms, answered - sent, end - answered];
}
"""

# A click on the minimal app's button, timed to its count changing in the DOM.
CLICK_JS = """
async () => {
  const before = document.querySelector('#count').textContent;
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no update within 5 s')), 5000);
    const obs = new MutationObserver(() => {
      if (document.querySelector('#count').textContent !== before) {
        obs.disconnect(); clearTimeout(timer); resolve(performance.now() - t0);
      }
    });
    obs.observe(document.body, {childList: true, characterData: true, subtree: true});
    const t0 = performance.now();
    document.querySelector('#increment').click();
  });
}
"""


def _plotly_chunks() -> set[str]:
    """/assets/ paths of our build's chunks that hold plotly.js."""
    found = set()
    for path in WEB_ASSETS.glob("*.js"):
        with contextlib.suppress(OSError):
            if PLOTLY_MARKER in path.read_text(errors="replace"):
                found.add(f"/assets/{path.name}")
    return found


def cold_load(browser, url: str, cookie: tuple[str, str] | None = None,
              ready: tuple[str, int] | None = None) -> dict:
    """Open `url` in a fresh context; the page's figures (COLLECT_JS), and `ready_ms`
    when `ready` (selector, count) is given."""
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    try:
        if cookie:
            context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": url}])
        context.add_init_script(WS_PROBE)
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_function(
            "performance.getEntriesByName('first-contentful-paint').length > 0",
            timeout=15_000)
        ready_ms = page.evaluate(READY_JS, list(ready)) if ready else None
        page.wait_for_load_state("networkidle")
        page.wait_for_function("window.__firstState !== null", timeout=15_000)
        figures = page.evaluate(COLLECT_JS)
        figures["ready_ms"] = ready_ms
        return figures
    finally:
        context.close()


def _median(loads: list[dict], key: str) -> float:
    return statistics.median(load[key] for load in loads)


def measure_cold(browser, ours: str, theirs: str, token: str, cookie_name: str,
                 cards: int, rounds: int = COLD_ROUNDS) -> dict[str, list[dict]]:
    """Loads of each page in turns (module docstring, part 1); the first round warms up."""
    pages = {
        "minimal": lambda: cold_load(browser, theirs + "/"),
        "login": lambda: cold_load(browser, ours + "/login"),
        "pipeline": lambda: cold_load(browser, ours + "/pipeline", (cookie_name, token),
                                      (".kanban-column .deal-card", cards)),
    }
    order = ["minimal", "login", "minimal", "pipeline"]
    loads: dict[str, list[dict]] = {name: [] for name in pages}
    for i in range(rounds + 1):
        for name in order if i % 2 else order[::-1]:
            figures = pages[name]()
            if i:
                loads[name].append(figures)
    return loads


def _cold_rows(loads: dict[str, list[dict]], dashboard: dict, plotly: set[str]) -> list[dict]:
    base = loads["minimal"]
    base_fcp, base_js = _median(base, "fcp"), _median(base, "js_bytes")
    labels = {
        "minimal": "the minimal Reflex app's page (a count and a button)",
        "login": "ours, /login (like for like: the page a new visitor opens vs the minimal "
                 "app's page)",
        "pipeline": "ours, /pipeline signed in, 10 deals (vs the minimal app's page: the "
                    "framework has no signed-in board)",
    }
    rows = []
    for name, label in labels.items():
        got = loads[name]
        files = statistics.median(len(g["js_files"]) for g in got)
        rows.append(row(f"cold load, {label}: first contentful paint (ms) / JS transferred "
                        f"(KB compressed, {files:.0f} files; {_median(got, 'js_decoded') / 1000:.0f}"
                        f" KB unpacked), medians of {len(got)} fresh contexts",
                        f"{_median(got, 'fcp'):.1f} / {_median(got, 'js_bytes') / 1000:.1f}"))
    for name in ("login", "pipeline"):
        page = "/login" if name == "login" else "/pipeline (10 deals)"
        fcp_ratio = _median(loads[name], "fcp") / base_fcp
        js_ratio = _median(loads[name], "js_bytes") / base_js
        rows += [
            row(f"cold load: first contentful paint, ours {page} / the minimal app's page "
                "(ratio of medians)", round(fcp_ratio, 2), f"<= {PAINT_TARGET}",
                fcp_ratio <= PAINT_TARGET),
            row(f"cold load: JS bytes transferred, ours {page} / the minimal app's page "
                "(ratio of medians)", round(js_ratio, 2), f"<= {JS_TARGET}",
                js_ratio <= JS_TARGET),
        ]
    for name, label in (("minimal", "minimal app's page"), ("login", "ours /login"),
                        ("pipeline", "ours /pipeline")):
        got = loads[name]
        extra = (f", board drawn {_median(got, 'ready_ms'):.1f}" if name == "pipeline" else "")
        rows.append(row(
            f"cold load, where the time goes, {label} (medians, ms from navigation start): "
            "HTML received, CSS received, first paint, first state from the websocket"
            + (", every card drawn" if name == "pipeline" else "")
            + "; CSS KB compressed",
            f"{_median(got, 'html_end'):.1f}, {_median(got, 'css_end'):.1f}, "
            f"{_median(got, 'fcp'):.1f}, {_median(got, 'first_state'):.1f}{extra}; "
            f"{_median(got, 'css_bytes') / 1000:.1f}"))
    fetched = {name: any(f in plotly for g in got for f in g["js_files"])
               for name, got in loads.items() if name != "minimal"}
    on_dashboard = any(f in plotly for f in dashboard["js_files"])
    where = ", ".join(f"/{name} {'yes' if hit else 'no'}" for name, hit in fetched.items())
    rows += [
        row("cold load: plotly.js fetched (only pages that draw a chart may)",
            f"{where}, /dashboard {'yes' if on_dashboard else 'no'}",
            "/dashboard only", on_dashboard and not any(fetched.values()) and bool(plotly)),
        row("cold load, ours /dashboard (draws charts; one load): first contentful paint "
            "(ms) / JS transferred (KB compressed, plotly included)",
            f"{dashboard['fcp']:.1f} / {dashboard['js_bytes'] / 1000:.1f}"),
    ]
    return rows


def _move_setup(page) -> tuple[str, str]:
    """(a stage with a card, another open stage) on the board open in `page`."""
    stages = page.evaluate("""() => [...document.querySelectorAll('.kanban-column')].map(
        c => [c.dataset.stage, c.querySelectorAll('.deal-card').length])""")
    source = next(name for name, cards in stages if cards)
    target = next(name for name, _ in stages if name != source)
    return source, target


def measure_clicks(browser, ours: str, theirs: str, token: str, cookie_name: str,
                   cards: int, clicks: int = CLICKS) -> tuple[list[list], list[list]]:
    """Our stage move and the minimal app's click, alternating (part 2); each
    [ms, event sent to answer, answer to DOM updated] (TIMED_JS)."""
    from playwright.sync_api import expect

    mine = browser.new_context(viewport=DESKTOP)
    other = browser.new_context(viewport=DESKTOP)
    mine.add_init_script(WS_LOG)
    other.add_init_script(WS_LOG)
    try:
        mine.add_cookies([{"name": cookie_name, "value": token, "url": ours}])
        board = mine.new_page()
        board.goto(ours + "/pipeline", wait_until="networkidle")
        expect(board.locator(".kanban-column .deal-card")).to_have_count(cards, timeout=30_000)
        source, target = _move_setup(board)
        counter = other.new_page()
        counter.goto(theirs + "/", wait_until="networkidle")
        ours_ms, theirs_ms = [], []
        for i in range(clicks + 2):  # the first two warm up
            a, b = (source, target) if i % 2 == 0 else (target, source)
            moved = board.evaluate(TIMED_JS, [bp.MOVE_JS, [
                f'.kanban-column[data-stage="{a}"] .deal-card', b,
                f'.kanban-column[data-stage="{b}"] .col-count']])
            clicked = counter.evaluate(TIMED_JS, [CLICK_JS, None])
            if i >= 2:
                ours_ms.append(moved)
                theirs_ms.append(clicked)
        return ours_ms, theirs_ms
    finally:
        mine.close()
        other.close()


def _click_rows(ours: list[list], theirs: list[list]) -> list[dict]:
    def med(values: list[list], k: int) -> float:
        return statistics.median(v[k] for v in values)

    mine, floor = med(ours, 0), med(theirs, 0)
    ratio = mine / floor
    return [
        row(f"floor, browser: minimal Reflex app, click to the DOM updated (trivial event; "
            f"ms, median of {len(theirs)})", round(floor, 1)),
        row(f"floor, browser: ours, stage move round trip on the 10-deal board (pick in the "
            f"move menu to the column's count updated; ms, median of {len(ours)}, "
            "alternating with the minimal app's clicks in the same Chromium)", round(mine, 1)),
        row("floor, browser: ours, stage move / the minimal app's click (ratio of medians)",
            round(ratio, 2), f"<= {CLICK_TARGET}", ratio <= CLICK_TARGET),
        row("floor, browser, where the time goes (medians, ms): event sent to its answer "
            "received (network, server, and the page's main thread being free to read it) / "
            "answer to the DOM updated (applying the delta, React rendering): ours, minimal app",
            f"{med(ours, 1):.1f} / {med(ours, 2):.1f}, {med(theirs, 1):.1f} / "
            f"{med(theirs, 2):.1f}"),
    ]


def run() -> list[dict]:
    from updoot_app.services.identity.sessions import SESSION_COOKIE

    bp._cheap_hashing()
    workdir = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    print(f"[bench_browser] logs in {workdir}", flush=True)
    db_url, token = bp.make_db(workdir / "browser.db", DEALS_COMPANIES, email=EMAIL)
    _seconds, _size, deals, cards = bp.measure_load(db_url, token, runs=1)
    if deals != 10 or cards != deals:
        raise RuntimeError(f"the board should show 10 deals; {cards} cards of {deals} deals")
    load_start = os.getloadavg()[0]
    timing = workdir / "event-times"
    with server_timing(timing, TIMED_EVENTS), cl.web_lock(), bp.served(db_url) as ours, \
            minimal.running(workdir, frontend=True) as theirs, bp.browser_session() as browser:
        plotly = _plotly_chunks()
        loads = measure_cold(browser, ours, theirs, token, SESSION_COOKIE, cards)
        # Waits for a chart drawn: plotly's chunk loads once the first chart mounts.
        dashboard = cold_load(browser, ours + "/dashboard", (SESSION_COOKIE, token),
                              (".js-plotly-plot", 1))
        moves, clicks = measure_clicks(browser, ours, theirs, token, SESSION_COOKIE, cards)
    rows = (_cold_rows(loads, dashboard, plotly) + _click_rows(moves, clicks)
            + server_rows(moves, clicks, server_times(timing), TIMED_EVENTS))
    rows.append(row(f"machine: {os.cpu_count()} CPUs, load average (1 min) at start / end "
                    "(other work on the machine skews every figure above)",
                    f"{load_start:.1f} / {os.getloadavg()[0]:.1f}"))
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
