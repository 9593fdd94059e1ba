"""Domain errors. State handlers turn them into messages, the API into status codes."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: the message is safe to show to the person who caused it."""


class AuthRequired(DomainError):
    """No valid session or token (HTTP 401)."""

    def __init__(self, message: str = "Please log in."):
        super().__init__(message)


class Forbidden(DomainError):
    """Logged in, but the role does not allow this (HTTP 403)."""


class NotFound(DomainError):
    """No such row in this workspace (HTTP 404) — also for other workspaces' rows."""

    def __init__(self, what: str = "Item"):
        super().__init__(f"{what} not found.")


class ValidationError(DomainError):
    """Bad input (HTTP 422). `field` names the offending input."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class RateLimited(DomainError):
    """Too many attempts (HTTP 429)."""


class NotConfigured(DomainError):
    """The server lacks a setting this needs, e.g. SMTP (HTTP 503); the message says
    what the operator must set."""
