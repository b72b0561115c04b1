"""Store passwords: PBKDF2-SHA256 hashes (`pbkdf2_sha256$iterations$salt$hash`), checked in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ITERATIONS = 240_000


def hash_password(password: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """A storable hash of `password`."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    encode = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"pbkdf2_sha256${iterations}${encode(salt)}${encode(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches the stored hash; False for a missing or malformed hash."""
    if not stored or not password:
        return False
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
