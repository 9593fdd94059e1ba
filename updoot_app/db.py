"""The database engine and sessions, shared by services, state, API and CLI.

SQLite gets WAL and a busy timeout on every connection. In WAL mode a
transaction that reads and then writes fails at once ("database is locked")
when another connection wrote in between: the busy timeout does not help it.
So transactions opened while `writing()` is in force begin with BEGIN
IMMEDIATE and queue for the write lock instead; the guard of every writing
state handler, public handlers and writing API requests set it.
PostgreSQL goes through psycopg 3.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

from updoot_app.settings import load_settings

log = logging.getLogger(__name__)
_engine: Engine | None = None
SQLITE_MMAP_BYTES = 1 << 30  # 1 GiB of address space; pages are mapped as they are read
SQLITE_CACHE_KIB = 32 * 1024  # per connection (the default is 2 MB)
BEGIN = {"": "BEGIN", "IMMEDIATE": "BEGIN IMMEDIATE"}
DRIVER_TRANSACTION = "updoot_driver_transaction"  # Connection.info flag
_write_intent: ContextVar[bool] = ContextVar("updoot_write_intent", default=False)
_event_conn: ContextVar[Connection | None] = ContextVar("updoot_event_conn", default=None)
_kept = threading.local()  # SQLite: this thread's (engine, connection) for state events


@contextmanager
def writing() -> Iterator[None]:
    """Transactions opened inside take SQLite's write lock when they begin."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        try:
            _write_intent.reset(token)
        except ValueError:  # exited in another context (e.g. a thread pool)
            _write_intent.set(False)


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        pool = {}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # The most recently returned connection first: its page cache is current
            # (SQLite drops a connection's cache when another one wrote since).
            pool["pool_use_lifo"] = True
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **pool)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            # Let SQLAlchemy issue BEGIN itself so BEGIN IMMEDIATE works.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            # Reads of a large database: SQLite's default page cache is 2 MB, so the
            # random lookups of the KPI joins went to the OS a page at a time. A
            # memory map (address space, shared by every connection through the
            # OS page cache) and a larger private cache keep them in memory.
            cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover - trivial
            _refuse_inside_driver_transaction(conn)
            # On the driver itself: this runs for every transaction, and the full
            # statement path (exec_driver_sql) cost more than the BEGIN.
            mode = conn.info.get("begin_mode", "")
            conn.connection.driver_connection.execute(BEGIN[mode])

        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    event.listen(engine, "begin", _refuse_inside_driver_transaction)
    return engine


class DriverTransactionError(RuntimeError):
    """SQLAlchemy-level work inside `connection_scope`, which only prepared
    statements may use."""


def _refuse_inside_driver_transaction(conn: Connection) -> None:
    if conn.info.get(DRIVER_TRANSACTION):
        raise DriverTransactionError(
            "Only prepared statements run inside connection_scope (updoot_app/prepared.py)")


def make_engine(url: str) -> Engine:
    """An engine set up like the app's for another database (the temporary copy a
    restore migrates before it replaces the live file)."""
    return _make_engine(url)


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = _make_engine(load_settings().database_url)
    return _engine


def configure(url: str) -> Engine:
    """Point the app at another database (tests, CLI flags)."""
    global _engine
    _drop_kept_connection()
    if _engine is not None:
        _engine.dispose()
    _engine = _make_engine(url)
    return _engine


def is_sqlite(engine: Engine | Connection | None = None) -> bool:
    """Whether the app's database (or that of ``engine``, e.g. a session's
    ``get_bind()``) is SQLite."""
    return (engine or get_engine()).dialect.name == "sqlite"


@contextmanager
def session_scope(*, write: bool | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error.

    With `write` (default: whether `writing()` is in force) an SQLite
    transaction begins IMMEDIATE, taking the write lock up front.
    """
    engine = get_engine()
    write = _write_intent.get() if write is None else write
    if write and engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.info["begin_mode"] = "IMMEDIATE"  # every BEGIN of this session
            try:
                with Session(bind=conn, expire_on_commit=False) as session:
                    yield from _commit_or_rollback(session)
            finally:
                conn.info.pop("begin_mode", None)
        return
    with Session(engine, expire_on_commit=False) as session:
        yield from _commit_or_rollback(session)


def _commit_or_rollback(session: Session) -> Iterator[Session]:
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def event_connection() -> Iterator[Connection]:
    """One connection for a whole state event: the guard's session check and the
    handler's `connection_scope` share it.

    On SQLite each thread keeps its connection from one event to the next (state
    events run one at a time on the event loop's thread): a pool checkout and
    return cost more than the session check, and a connection that did not make
    the last write must drop its page cache and read the pages again. An event
    that fails hands its connection back; the next one opens another."""
    engine = get_engine()
    if engine.dialect.name != "sqlite":
        with engine.connect() as conn:
            yield from _as_event_connection(conn)
        return
    conn = _kept_connection(engine)
    try:
        yield from _as_event_connection(conn)
    except BaseException:
        _drop_kept_connection()
        raise
    if conn.closed or conn.invalidated or conn.in_transaction() \
            or conn.connection.driver_connection.in_transaction:
        _drop_kept_connection()  # left open by the handler: never carried to the next event


def _as_event_connection(conn: Connection) -> Iterator[Connection]:
    token = _event_conn.set(conn)
    try:
        yield conn
    finally:
        _event_conn.reset(token)


def _kept_connection(engine: Engine) -> Connection:
    kept = getattr(_kept, "pair", None)
    if kept is not None:
        if kept[0] is engine and not kept[1].closed and not kept[1].invalidated:
            return kept[1]
        _drop_kept_connection()
    conn = engine.connect()
    _kept.pair = (engine, conn)
    return conn


def _drop_kept_connection() -> None:
    """Roll back and return this thread's kept connection to its pool."""
    kept = getattr(_kept, "pair", None)
    _kept.pair = None
    if kept is not None:
        try:
            driver = kept[1].connection.driver_connection if not kept[1].closed else None
            if driver is not None and driver.in_transaction:
                driver.rollback()
            kept[1].close()
        except Exception:  # noqa: BLE001 - a broken connection is dropped all the same
            kept[1].invalidate()


@contextmanager
def connection_scope(*, write: bool | None = None) -> Iterator[Connection]:
    """One transaction for prepared statements (updoot_app/prepared.py), committed on
    success and rolled back on any error. With `write` (default: whether `writing()`
    is in force) an SQLite transaction begins IMMEDIATE. Inside `event_connection`
    it runs on that connection.

    BEGIN and COMMIT go to the driver itself: on the deal-move path SQLAlchemy's
    transaction bookkeeping cost more than both statements. So nothing but prepared
    statements may run inside; an ORM session or `conn.execute` would begin a
    SQLAlchemy transaction of its own, and that raises DriverTransactionError."""
    engine = get_engine()
    write = _write_intent.get() if write is None else write
    shared = _event_conn.get()
    if shared is not None and shared.engine is engine and not shared.in_transaction() \
            and not shared.info.get(DRIVER_TRANSACTION):
        yield from _driver_transaction(shared, write)
        return
    with engine.connect() as conn:
        yield from _driver_transaction(conn, write)


def _driver_transaction(conn: Connection, write: bool) -> Iterator[Connection]:
    driver = conn.connection.driver_connection
    if conn.dialect.name == "sqlite":  # psycopg begins by itself at the first statement
        driver.execute(BEGIN["IMMEDIATE" if write else ""])
    conn.info[DRIVER_TRANSACTION] = True
    try:
        yield conn
    except BaseException:
        driver.rollback()
        conn.info.pop(_AFTER_COMMIT, None)
        raise
    else:
        driver.commit()
    finally:
        conn.info.pop(DRIVER_TRANSACTION, None)
    _run_callbacks(conn.info.pop(_AFTER_COMMIT, []))


# --- after commit -------------------------------------------------------------------------
# Work that must leave a transaction only once it has committed (the job queue is
# told of an outbox row after COMMIT, and never if the action rolls back).

_AFTER_COMMIT = "updoot_after_commit"
_OUTER_TRANSACTION = "updoot_outer_transaction"
_SESSION_OF = "updoot_session_of"


def call_after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once `session`'s transaction has committed; drop it on rollback.
    A failing callback is logged: the commit stands (a sweep catches up)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def call_after_commit_on(conn: Connection, callback: Callable[[], None]) -> None:
    """`call_after_commit` for a caller that holds only a Connection (prepared
    statements): inside `connection_scope` the callback runs after its driver
    COMMIT; on the connection of an ORM session, after that session's commit.
    Anywhere else it is dropped (the caller's sweep catches up)."""
    if conn.info.get(DRIVER_TRANSACTION):
        conn.info.setdefault(_AFTER_COMMIT, []).append(callback)
        return
    ref = conn.info.get(_SESSION_OF)
    session = ref() if ref is not None else None
    if session is not None and session.in_transaction():
        call_after_commit(session, callback)


def _run_after_commit(session: Session) -> None:
    _run_callbacks(session.info.pop(_AFTER_COMMIT, []))


def _run_callbacks(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("after-commit callback failed")


@event.listens_for(Session, "after_begin")
def _remember_session(session: Session, _transaction, conn: Connection) -> None:
    # So that work done on `session.connection()` can wait for the session's commit.
    conn.info[_SESSION_OF] = weakref.ref(session)


@event.listens_for(Session, "after_commit")
def _session_committed(session: Session) -> None:
    # Inside write_scope the session's commit is not the real one (the outer
    # connection transaction is): write_scope runs the callbacks itself.
    if not session.info.get(_OUTER_TRANSACTION):
        _run_after_commit(session)


@event.listens_for(Session, "after_rollback")
def _session_rolled_back(session: Session) -> None:
    if not session.info.get(_OUTER_TRANSACTION):
        session.info.pop(_AFTER_COMMIT, None)


@contextmanager
def write_scope() -> Iterator[Session]:
    """Like `session_scope`, but one transaction that takes the write lock up
    front and commits only at the end, even if the code inside calls commit:
    for read-then-write sections (numbering, conversions) that must not race.
    On PostgreSQL callers use row locks (`with_for_update`) inside it."""
    engine = get_engine()
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.info["begin_mode"] = "IMMEDIATE"
        session = Session(bind=conn, expire_on_commit=False)
        session.info[_OUTER_TRANSACTION] = True
        try:
            with conn.begin(), session:
                yield session
                session.flush()
        except BaseException:
            session.info.pop(_AFTER_COMMIT, None)
            raise
        finally:
            conn.info.pop("begin_mode", None)
        _run_after_commit(session)


def ping() -> bool:
    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1"))
    return True
