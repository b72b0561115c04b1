"""Store passwords: PBKDF2-SHA256 hashes (`pbkdf2_sha256$iterations$salt$hash`), checked in constant time, and the
throttle that slows guessing (of the password, or of a saved design's access code) per session and per address."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

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


class Attempt(NamedTuple):
    """How an attempt went: whether it opened, whether the secret was checked at all (not while a wait runs), and
    the seconds to wait before the next try."""

    ok: bool
    checked: bool
    wait_s: float


def monotonic_s() -> float:
    """The throttles' clock when none is given: `time.monotonic`, in seconds."""
    return time.monotonic()


class Throttle:
    """Slows guessing down per client: each key (a browser session, an address) counts its own wrong tries in a row,
    and after a few every further try must wait, twice as long each time; a try waits for the longest wait among
    its keys. Nothing is counted over the whole server, so guessing from one address slows that address, never staff
    at another. While a wait runs the secret is not even checked (the person is told to wait, not that it was
    wrong); once it is over, a right secret opens at once and clears its keys' counts. `clock` (seconds, monotonic)
    is injectable for tests. Safe to share between threads; keys idle for twice the longest wait are forgotten."""

    MAX_KEYS = 20_000

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.clock = clock or (lambda: monotonic_s())  # looked up at each reading: a test can move the clock on
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._last: dict[str, float] = {}

    def wait_s(self, *keys: str) -> float:
        """Seconds a try from `keys` must still wait (0: it may try now)."""
        now = self.clock()
        with self._lock:
            return max([0.0, *(self._last.get(key, float("-inf")) + wait_after(self._failures.get(key, 0)) - now
                               for key in keys)])

    def attempt(self, check: Callable[[], bool], *keys: str) -> Attempt:
        """Run `check` (is the secret right?) unless a wait runs for any of `keys`."""
        waiting = self.wait_s(*keys)
        if waiting > 0:
            return Attempt(False, False, waiting)
        if check():
            with self._lock:
                for key in keys:
                    self._failures.pop(key, None)
                    self._last.pop(key, None)
            return Attempt(True, True, 0.0)
        now = self.clock()
        with self._lock:
            self._forget_old(now)
            for key in keys:
                self._failures[key] = self._failures.get(key, 0) + 1
                self._last[key] = now
        return Attempt(False, True, self.wait_s(*keys))

    def _forget_old(self, now: float) -> None:
        if len(self._last) < self.MAX_KEYS:
            return
        for key, last in list(self._last.items()):
            if now - last > 2 * LONGEST_WAIT_S:
                self._last.pop(key, None)
                self._failures.pop(key, None)


class PasswordGuard(Throttle):
    """The store password's throttle: `attempt(password, stored, session, address)`."""

    def attempt(self, password: str, stored: str | None, *keys: str) -> Attempt:  # type: ignore[override]
        return super().attempt(lambda: verify_password(password, stored), *keys)


def idle_too_long(last_active: float | None, now: float) -> bool:
    """Whether a staff session last used at `last_active` (the clock's seconds) should lock itself at `now`."""
    return last_active is not None and now - last_active > IDLE_LOCK_S
