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


# ---------------------------------------------------------------- guarding the store page

FREE_ATTEMPTS = 3  # wrong passwords allowed before each further one must wait
FIRST_WAIT_S = 2.0  # the wait after the free attempts, doubling with every further failure
LONGEST_WAIT_S = 15 * 60.0
IDLE_LOCK_S = 15 * 60.0  # a staff session locks itself after this long without a click


def wait_after(failures: int) -> float:
    """Seconds to wait before the next attempt after `failures` wrong passwords in a row: none for the first
    FREE_ATTEMPTS, then FIRST_WAIT_S doubling each time, at most LONGEST_WAIT_S."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(LONGEST_WAIT_S, FIRST_WAIT_S * 2 ** (failures - FREE_ATTEMPTS))


class PasswordGuard:
    """Slows guessing down, per visitor and over the whole server: after a few wrong passwords every attempt must
    wait, twice as long each time (the longer of the visitor's own wait and the server's). A right password
    clears the visitor's count. `clock` (seconds, monotonic) is injectable for tests."""

    def __init__(self, clock=None) -> None:
        import threading
        import time

        self.clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._last: dict[str, float] = {}
        self._overall_failures = 0
        self._overall_last = float("-inf")

    def wait_s(self, visitor: str) -> float:
        """Seconds `visitor` must still wait before trying again (0: may try now)."""
        now = self.clock()
        with self._lock:
            own = self._last.get(visitor, float("-inf")) + wait_after(self._failures.get(visitor, 0)) - now
            # The server's count is over every visitor: ten times as many free attempts before it slows all.
            overall = self._overall_last + wait_after(self._overall_failures // 10) - now
        return max(0.0, own, overall)

    def attempt(self, visitor: str, password: str, stored: str | None) -> tuple[bool, float]:
        """Check `password` unless `visitor` must wait: (unlocked, seconds to wait before the next try)."""
        waiting = self.wait_s(visitor)
        if waiting > 0:
            return False, waiting
        if verify_password(password, stored):
            with self._lock:
                self._failures.pop(visitor, None)
                self._last.pop(visitor, None)
            return True, 0.0
        now = self.clock()
        with self._lock:
            self._failures[visitor] = self._failures.get(visitor, 0) + 1
            self._last[visitor] = now
            self._overall_failures += 1
            self._overall_last = now
        return False, self.wait_s(visitor)


def idle_too_long(last_active: float | None, now: float) -> bool:
    """Whether a staff session last used at `last_active` (the clock's seconds) should lock itself at `now`."""
    return last_active is not None and now - last_active > IDLE_LOCK_S
