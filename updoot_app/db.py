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

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

from updoot_app.settings import load_settings

_engine: Engine | None = None
SQLITE_MMAP_BYTES = 1 << 30  # 1 GiB of address space; pages are mapped as they are read
SQLITE_CACHE_KIB = 32 * 1024  # per connection (the default is 2 MB)
BEGIN = {"": "BEGIN", "IMMEDIATE": "BEGIN IMMEDIATE"}
_write_intent: ContextVar[bool] = ContextVar("updoot_write_intent", default=False)
_event_conn: ContextVar[Connection | None] = ContextVar("updoot_event_conn", default=None)


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
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

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
            # On the driver itself: this runs for every transaction, and the full
            # statement path (exec_driver_sql) cost more than the BEGIN.
            mode = conn.info.get("begin_mode", "")
            conn.connection.driver_connection.execute(BEGIN[mode])

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = _make_engine(load_settings().database_url)
    return _engine


def configure(url: str) -> Engine:
    """Point the app at another database (tests, CLI flags)."""
    global _engine
    if _engine is not None:
        _engine.dispose()
    _engine = _make_engine(url)
    return _engine


def is_sqlite(engine: Engine | None = None) -> bool:
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
    handler's `connection_scope` share it (one pool checkout an event, not two)."""
    with get_engine().connect() as conn:
        token = _event_conn.set(conn)
        try:
            yield conn
        finally:
            _event_conn.reset(token)


@contextmanager
def connection_scope(*, write: bool | None = None) -> Iterator[Connection]:
    """One transaction on a bare Connection, no ORM session (prepared statements,
    updoot_app/prepared.py): committed on success, rolled back on any error. With
    `write` (default: whether `writing()` is in force) an SQLite transaction
    begins IMMEDIATE. Inside `event_connection` it runs on that connection."""
    engine = get_engine()
    write = _write_intent.get() if write is None else write
    shared = _event_conn.get()
    if shared is not None and shared.engine is engine and not shared.in_transaction():
        yield from _transaction(shared, write)
        return
    with engine.connect() as conn:
        yield from _transaction(conn, write)


def _transaction(conn: Connection, write: bool) -> Iterator[Connection]:
    if write and conn.dialect.name == "sqlite":
        conn.info["begin_mode"] = "IMMEDIATE"
    try:
        with conn.begin():
            yield conn
    finally:
        conn.info.pop("begin_mode", None)


@contextmanager
def write_scope() -> Iterator[Session]:
    """Like `session_scope`, but one transaction that takes the write lock up
    front and commits only at the end, even if the code inside calls commit:
    for read-then-write sections (numbering, conversions) that must not race.
    On PostgreSQL callers use row locks (`with_for_update`) inside it."""
    with connection_scope(write=True) as conn:
        with Session(bind=conn, expire_on_commit=False) as session:
            yield session
            session.flush()


def ping() -> bool:
    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1"))
    return True
