"""The store page's guard: wrong passwords slow down per visitor and over the server; staff sessions lock when idle.

A fake clock drives every test: no test sleeps."""

from __future__ import annotations

import pytest

from configurator.passwords import (
    FIRST_WAIT_S,
    FREE_ATTEMPTS,
    IDLE_LOCK_S,
    PasswordGuard,
    hash_password,
    idle_too_long,
    wait_after,
)

STORED = hash_password("open sesame", iterations=1000)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_three_free_tries_then_the_wait_doubles():
    assert [wait_after(n) for n in range(FREE_ATTEMPTS)] == [0.0] * FREE_ATTEMPTS
    assert [wait_after(FREE_ATTEMPTS + n) for n in range(4)] == [FIRST_WAIT_S * 2**n for n in range(4)]


def test_a_guesser_must_wait_longer_after_each_wrong_password():
    clock = Clock()
    guard = PasswordGuard(clock)
    for _ in range(FREE_ATTEMPTS - 1):
        assert guard.attempt("guesser", "wrong", STORED) == (False, 0.0)
    unlocked, wait = guard.attempt("guesser", "wrong", STORED)
    assert not unlocked and wait == FIRST_WAIT_S
    # while waiting, even the right password is not checked
    assert guard.attempt("guesser", "open sesame", STORED) == (False, FIRST_WAIT_S)
    clock.now += FIRST_WAIT_S
    unlocked, wait = guard.attempt("guesser", "wrong", STORED)
    assert not unlocked and wait == 2 * FIRST_WAIT_S
    clock.now += 2 * FIRST_WAIT_S
    assert guard.attempt("guesser", "open sesame", STORED) == (True, 0.0)
    assert guard.wait_s("guesser") == 0.0  # the right password clears the visitor's count


def test_thirty_guesses_take_long_not_fifty_seconds():
    clock = Clock()
    guard = PasswordGuard(clock)
    waited = 0.0
    for _ in range(30):
        wait = guard.wait_s("guesser")
        clock.now += wait
        waited += wait
        guard.attempt("guesser", "wrong", STORED)
    assert waited > 3600  # an hour and more, where it took 50 s


def test_many_visitors_guessing_slow_the_whole_server():
    clock = Clock()
    guard = PasswordGuard(clock)
    for visitor in range(10 * (FREE_ATTEMPTS + 1)):  # each of them within their own free tries
        guard.attempt(f"visitor {visitor}", "wrong", STORED)
    assert guard.wait_s("someone new") > 0


def test_a_staff_session_locks_after_fifteen_idle_minutes():
    assert not idle_too_long(None, 5000.0)
    assert not idle_too_long(1000.0, 1000.0 + IDLE_LOCK_S)
    assert idle_too_long(1000.0, 1000.0 + IDLE_LOCK_S + 1)


@pytest.mark.parametrize("stored", [None, "", "md5$x", "pbkdf2_sha256$x$y$z"])
def test_a_missing_or_malformed_hash_never_unlocks(stored):
    assert PasswordGuard(Clock()).attempt("anyone", "open sesame", stored) == (False, 0.0)
