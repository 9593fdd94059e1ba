"""Where mail goes: UPDOOT_SMTP_URL and UPDOOT_MAIL_FROM (docs/architecture.md,
"Configuration").

    smtp://user:pass@host:587    STARTTLS, required (a server without it is an error)
    smtps://user:pass@host:465   TLS from the first byte
    smtp://127.0.0.1:1025        a relay on this machine (loopback): no TLS
    smtp://relay.lan:25?tls=none a relay you trust on your own network: no TLS

Unset, sending is refused with a message that says what to set: nothing is queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from updoot_app.services.platform.errors import NotConfigured
from updoot_app.settings import load_settings

SETUP_HINT = ("Email is not set up on this server: set UPDOOT_SMTP_URL (e.g. "
              "smtp://user:password@mail.example.com:587) and UPDOOT_MAIL_FROM (e.g. "
              "billing@example.com), then restart Updoot.")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str            # "starttls" | "tls" | "none"
    username: str | None
    password: str | None
    mail_from: str

    @property
    def domain(self) -> str:
        """The domain of Message-IDs: the sender's."""
        return self.mail_from.rsplit("@", 1)[-1] or "updoot.local"


def parse_smtp_url(url: str, mail_from: str) -> SmtpConfig:
    """Read an smtp:// or smtps:// URL; raise ValueError naming what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("UPDOOT_SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("UPDOOT_SMTP_URL has no host")
    port = parts.port or (465 if parts.scheme == "smtps" else 587)
    options = parse_qs(parts.query)
    if parts.scheme == "smtps":
        security = "tls"
    elif options.get("tls") == ["none"] or parts.hostname in LOOPBACK:
        security = "none"
    else:
        security = "starttls"
    if "@" not in mail_from or any(c in mail_from for c in "\r\n<>, "):
        raise ValueError("UPDOOT_MAIL_FROM must be one plain address, e.g. billing@example.com")
    return SmtpConfig(host=parts.hostname, port=port, security=security,
                      username=unquote(parts.username) if parts.username else None,
                      password=unquote(parts.password) if parts.password else None,
                      mail_from=mail_from)


def smtp_config() -> SmtpConfig:
    """The deployment's SMTP settings, or NotConfigured with what to set."""
    settings = load_settings()
    if not settings.smtp_url or not settings.mail_from:
        raise NotConfigured(SETUP_HINT)
    try:
        return parse_smtp_url(settings.smtp_url, settings.mail_from)
    except ValueError as exc:
        raise NotConfigured(f"Email is misconfigured on this server: {exc}.") from exc


def is_configured() -> bool:
    try:
        smtp_config()
    except NotConfigured:
        return False
    return True
