"""Passwords (argon2) and random tokens (stored only as SHA-256 hashes)."""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from updoot_app.settings import SECRET_ENV, load_settings

_hasher = PasswordHasher()
# Verified against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("updoot-dummy-password-for-timing")

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
UNUSABLE_PREFIX = "!"  # a stored hash starting with it matches no password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def unusable_password_hash() -> str:
    """A stored hash no password matches, for users who must not log in (the seeded
    team of a demo): the prefix and random characters, never an argon2 hash."""
    return UNUSABLE_PREFIX + secrets.token_urlsafe(32)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; constant work whether or not a usable hash
    exists (a missing or unusable one is checked against a dummy hash)."""
    usable = bool(password_hash) and not password_hash.startswith(UNUSABLE_PREFIX)
    try:
        return _hasher.verify(password_hash if usable else _DUMMY_HASH, password) and usable
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """HMAC-SHA256 of a session, API or invite token, keyed with UPDOOT_SECRET_KEY:
    the database alone is not enough to check a guessed token. Changing the key
    ends every session and token."""
    return _digest(os.environ.get(SECRET_ENV), token)


@functools.lru_cache(maxsize=4096)
def _digest(raw_setting: str | None, token: str) -> str:
    # Cached: every websocket event of a tab hashes the same session token again.
    # Keyed by the setting too, so a new key gives new digests at once.
    return hmac.digest(_hmac_key(raw_setting), token.encode("utf-8"), hashlib.sha256).hex()


@functools.lru_cache(maxsize=4)
def _hmac_key(_raw_setting: str | None) -> bytes:
    """The key for the setting's current value (every event hashes its session token:
    reading the whole configuration each time cost more than the HMAC itself)."""
    return load_settings().secret_key.encode("utf-8")


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
