"""Buying signals from a CSV file on the company import page (domain, trigger,
occurred_on, note): the same importer as `updoot import signals`. A signals file
is small and checked row by row in one transaction, so there is no mapping step:
the answer is the count and the first problems."""

from __future__ import annotations

import asyncio

import reflex as rx

from updoot_app import db
from updoot_app.services.crm import signal_import
from updoot_app.services.csvio.reading import CsvFormatError, read_csv_bytes
from updoot_app.services.identity.access import Principal
from updoot_app.services.platform.errors import ValidationError
from updoot_app.state.app_state import AppState
from updoot_app.state.guard import guard

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SHOWN_ERRORS = 20
_CHUNK = 1024 * 1024


def _import(p: Principal, data: bytes) -> signal_import.SignalImport:
    frame = read_csv_bytes(data, max_rows=signal_import.MAX_ROWS)
    with db.session_scope(write=True) as session:
        return signal_import.import_signals(session, p, frame)


class SignalImportState(AppState):
    signal_result: str = ""
    signal_problems: list[str] = []
    signal_error: str = ""

    @rx.event
    @guard("member")
    async def upload_signals(self, p: Principal, files: list[rx.UploadFile]):
        self.signal_result, self.signal_problems, self.signal_error = "", [], ""
        if not isinstance(files, list) or len(files) != 1:
            self.signal_error = "Choose one CSV file."
            return None
        chunks, size = [], 0
        while chunk := await files[0].read(_CHUNK):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                self.signal_error = "The file is larger than 10 MB."
                return None
            chunks.append(chunk)
        try:
            result = await asyncio.to_thread(_import, p, b"".join(chunks))
        except (CsvFormatError, ValidationError) as exc:
            self.signal_error = str(exc)
            return None
        self.signal_result = f"Imported {result.summary()}."
        self.signal_problems = [f"Row {e.row}, {e.column}: {e.reason}"
                                for e in result.errors[:SHOWN_ERRORS]]
        return rx.toast.success(self.signal_result)
