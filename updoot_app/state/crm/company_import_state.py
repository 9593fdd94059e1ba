"""CSV import of companies: upload -> column mapping -> preview -> validate -> import.

The uploaded bytes are written to a private temporary file (mode 0600, outside
the web root and Reflex's public upload directory); the state keeps only its
path in a backend var, and the browser gets the headers, the mapping and five
preview rows. Validation and the import run as background events in a worker
thread, with progress for a bar.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path

import reflex as rx

from updoot_app.services.crm import company_import
from updoot_app.services.csvio.mapping import MappingError, check_mapping, guess_mapping
from updoot_app.services.csvio.reading import CsvFormatError, read_csv_bytes
from updoot_app.services.csvio.row_validation import errors_to_csv
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PREVIEW_ROWS = 5
SHOWN_ERRORS = 20
SKIP = "__skip__"
FIELDS = company_import.IMPORT_COMPANY_FIELDS
FIELD_OPTIONS = [{"value": SKIP, "label": "Don't import"}] + [
    {"value": f.name, "label": f.label + (" *" if f.required else "")} for f in FIELDS]
_CHUNK = 1024 * 1024


def import_dir() -> Path:
    """Private directory for uploads being imported (never served)."""
    path = Path(tempfile.gettempdir()) / "updoot-imports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


STALE_AFTER_S = 24 * 3600


def _purge_stale(directory: Path) -> None:
    """Drop files of abandoned imports (the browser left mid-way)."""
    cutoff = time.time() - STALE_AFTER_S
    for old in directory.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except OSError:
            pass


def _write_private(data: bytes, suffix: str) -> str:
    directory = import_dir()
    _purge_stale(directory)
    path = directory / f"{secrets.token_hex(16)}{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return str(path)


def _remove(path: str) -> None:
    if path and Path(path).parent == import_dir():
        Path(path).unlink(missing_ok=True)


def _read_frame(path: str):
    return read_csv_bytes(Path(path).read_bytes(),
                          max_rows=company_import.MAX_IMPORT_ROWS)


def validate_file(path: str, mapping: dict[str, str | None]):
    """(validation result, path of the error report or "") — the worker of `validate`."""
    result = company_import.validate_companies(_read_frame(path), mapping)
    errors_path = (_write_private(errors_to_csv(result.errors), ".errors.csv")
                   if result.errors else "")
    return result, errors_path


def import_file(p: Principal, path: str, mapping: dict[str, str | None], mode: str,
                report=None):
    """(import result, every row error, error report path) — the worker of `run_import`."""
    validation = company_import.validate_companies(_read_frame(path), mapping)
    result = company_import.import_companies(
        p, validation.records, on_duplicate=mode, invalid_rows=validation.invalid_rows,
        progress=report)
    errors = sorted(validation.errors + result.errors, key=lambda e: e.row)
    errors_path = (_write_private(errors_to_csv(errors), ".errors.csv")
                   if errors else "")
    return result, errors, errors_path


class CompanyImportState(AppState):
    step: str = "upload"  # upload, map, done
    filename: str = ""
    row_count: int = 0
    headers: list[str] = []
    mapping: dict[str, str] = {}
    preview: list[list[str]] = []
    problems: list[str] = []
    upload_error: str = ""
    on_duplicate: str = "skip"
    busy: bool = False
    validated: bool = False
    valid_count: int = 0
    invalid_count: int = 0
    error_rows: list[dict[str, str]] = []
    error_total: int = 0
    phase: str = ""
    done: int = 0
    total: int = 0
    summary: str = ""
    counts: dict[str, int] = {}
    _path: str = ""
    _errors_path: str = ""

    @rx.var
    def percent(self) -> int:
        if self.total <= 0:
            return 0
        return min(100, round(self.done * 100 / self.total))

    @rx.var
    def progress_label(self) -> str:
        if self.phase == "score":
            return "Scoring companies…"
        if self.phase == "validate":
            return "Checking every row…"
        return f"Imported {self.done:,} of {self.total:,} rows"

    def _reset(self) -> None:
        _remove(self._path)
        _remove(self._errors_path)
        self._path = self._errors_path = ""
        self.step, self.filename, self.row_count = "upload", "", 0
        self.headers, self.mapping, self.preview, self.problems = [], {}, [], []
        self.upload_error, self.on_duplicate, self.busy = "", "skip", False
        self._clear_validation()
        self.phase, self.done, self.total, self.summary, self.counts = "", 0, 0, "", {}

    def _clear_validation(self) -> None:
        self.validated, self.valid_count, self.invalid_count = False, 0, 0
        self.error_rows, self.error_total = [], 0
        _remove(self._errors_path)
        self._errors_path = ""

    def _mapping(self) -> dict[str, str | None]:
        return {h: (None if self.mapping.get(h, SKIP) == SKIP else self.mapping[h])
                for h in self.headers}

    def _check(self) -> None:
        self.problems = check_mapping(self._mapping(), FIELDS, self.headers)

    @rx.event
    @guard("member")
    def load(self, p: Principal):
        if self.busy:
            return
        self._reset()

    @rx.event
    @guard("member")
    def start_over(self, p: Principal):
        if self.busy:
            return
        self._reset()

    @rx.event
    @guard("member")
    async def handle_upload(self, p: Principal, files: list[rx.UploadFile]):
        if self.busy:
            return None
        self._reset()
        if not isinstance(files, list) or len(files) != 1:
            self.upload_error = "Choose one CSV file."
            return None
        upload = files[0]
        chunks, size = [], 0
        while True:
            chunk = await upload.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                self.upload_error = (f"The file is larger than "
                                     f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
                return None
            chunks.append(chunk)
        data = b"".join(chunks)
        try:
            frame = await asyncio.to_thread(
                read_csv_bytes, data, max_rows=company_import.MAX_IMPORT_ROWS)
        except CsvFormatError as exc:
            self.upload_error = str(exc)
            return None
        self._path = await asyncio.to_thread(_write_private, data, ".csv")
        name = Path(str(upload.filename or "upload.csv")).name
        self.filename = "".join(ch for ch in name if ch.isprintable())[:120] or "upload.csv"
        self.row_count = len(frame)
        self.headers = [str(h) for h in frame.columns]
        guessed = guess_mapping(self.headers, FIELDS)
        self.mapping = {h: guessed.get(h) or SKIP for h in self.headers}
        self.preview = [[str(v)[:80] for v in row]
                        for row in frame.head(PREVIEW_ROWS).itertuples(index=False)]
        self._check()
        self.step = "map"
        return None

    @rx.event
    @guard("member")
    def set_mapping(self, p: Principal, header: str, field: str):
        if self.busy or header not in self.headers:
            raise ValidationError("mapping", "That column is not in the file.")
        if field != SKIP and field not in FIELDS.names:
            raise ValidationError("mapping", "Unknown field.")
        self.mapping = {**self.mapping, header: field}
        self._clear_validation()
        self._check()

    @rx.event
    @guard("member")
    def set_on_duplicate(self, p: Principal, mode: str):
        self.on_duplicate = company_import.clean_mode(mode)

    @rx.event(background=True)
    @guard("member")
    async def validate(self, p: Principal):
        async with self:
            if self.busy or not self._path or self.problems:
                return
            self.busy, self.phase, self.done, self.total = True, "validate", 0, 0
            self._clear_validation()
            path, mapping = self._path, self._mapping()

        try:
            result, errors_path = await asyncio.to_thread(validate_file, path, mapping)
        except (CsvFormatError, MappingError, OSError) as exc:
            async with self:
                self.busy, self.phase = False, ""
                self.upload_error = str(exc)
            return
        async with self:
            self.busy, self.phase = False, ""
            self.validated = True
            self.valid_count = len(result.records)
            self.invalid_count = result.invalid_rows
            self.error_total = len(result.errors)
            self.error_rows = [{"row": str(e.row), "column": e.column, "reason": e.reason}
                               for e in result.errors[:SHOWN_ERRORS]]
            self._errors_path = errors_path

    @rx.event
    @guard("member")
    def download_errors(self, p: Principal):
        if not self._errors_path or not Path(self._errors_path).exists():
            raise ValidationError("errors", "There is no error report.")
        data = Path(self._errors_path).read_bytes()
        return rx.download(data=data, filename="import-errors.csv", mime_type="text/csv")

    @rx.event(background=True)
    @guard("member")
    async def run_import(self, p: Principal):
        async with self:
            if self.busy or not self._path or self.problems:
                return
            self.busy, self.phase, self.done, self.total = True, "import", 0, self.row_count
            path, mapping, mode = self._path, self._mapping(), self.on_duplicate
        progress = {"phase": "import", "done": 0, "total": 0}
        lock = threading.Lock()

        def report(phase: str, done: int, total: int) -> None:
            with lock:
                progress.update(phase=phase, done=done, total=total)

        task = asyncio.create_task(asyncio.to_thread(import_file, p, path, mapping, mode,
                                                     report))
        while not task.done():
            await asyncio.sleep(0.25)
            with lock:
                snapshot = dict(progress)
            async with self:
                self.phase, self.done, self.total = (snapshot["phase"], snapshot["done"],
                                                     snapshot["total"])
        try:
            result, errors, errors_path = task.result()
        except Exception as exc:  # noqa: BLE001 - shown to the user, then re-raised
            async with self:
                self.busy, self.phase = False, ""
                self.upload_error = f"The import stopped: {exc}"
            raise
        async with self:
            _remove(self._path)
            _remove(self._errors_path)
            self._path, self._errors_path = "", errors_path
            self.busy, self.phase, self.step = False, "", "done"
            self.done = self.total
            self.counts = result.as_dict()
            self.summary = result.summary()
            self.validated = True
            self.invalid_count = result.invalid
            self.error_total = len(errors)
            self.error_rows = [{"row": str(e.row), "column": e.column, "reason": e.reason}
                               for e in errors[:SHOWN_ERRORS]]
