"""The store page's guard: wrong passwords slow down per session and per address, never over the whole server;
staff sessions lock when idle.

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


SESSION, ADDRESS = "session:guesser", "address:203.0.113.9"


def test_a_guesser_must_wait_longer_after_each_wrong_password():
    clock = Clock()
    guard = PasswordGuard(clock)
    for _ in range(FREE_ATTEMPTS - 1):
        assert guard.attempt("wrong", STORED, SESSION, ADDRESS) == (False, True, 0.0)
    attempt = guard.attempt("wrong", STORED, SESSION, ADDRESS)
    assert not attempt.ok and attempt.checked and attempt.wait_s == FIRST_WAIT_S
    # while waiting, even the right password is not checked, and the person is told to wait, not that it is wrong
    assert guard.attempt("open sesame", STORED, SESSION, ADDRESS) == (False, False, FIRST_WAIT_S)
    clock.now += FIRST_WAIT_S
    attempt = guard.attempt("wrong", STORED, SESSION, ADDRESS)
    assert not attempt.ok and attempt.wait_s == 2 * FIRST_WAIT_S
    clock.now += 2 * FIRST_WAIT_S
    assert guard.attempt("open sesame", STORED, SESSION, ADDRESS) == (True, True, 0.0)  # right after its wait
    assert guard.wait_s(SESSION, ADDRESS) == 0.0  # the right password clears the client's count


def test_a_new_session_from_the_same_address_waits_too():
    clock = Clock()
    guard = PasswordGuard(clock)
    for _ in range(FREE_ATTEMPTS + 2):
        clock.now += guard.wait_s(SESSION, ADDRESS)
        guard.attempt("wrong", STORED, SESSION, ADDRESS)
    assert guard.wait_s("session:fresh", ADDRESS) > 0  # a fresh session does not reset the address's count


def test_thirty_guesses_take_long_not_fifty_seconds():
    clock = Clock()
    guard = PasswordGuard(clock)
    waited = 0.0
    for _ in range(30):
        wait = guard.wait_s(SESSION, ADDRESS)
        clock.now += wait
        waited += wait
        guard.attempt("wrong", STORED, SESSION, ADDRESS)
    assert waited > 3600  # an hour and more, where it took 50 s


def test_an_outsider_guessing_never_locks_staff_out():
    clock = Clock()
    guard = PasswordGuard(clock)
    for visitor in range(200):  # many sessions from one address, for a long time
        clock.now += guard.wait_s(f"session:{visitor}", ADDRESS)
        guard.attempt("wrong", STORED, f"session:{visitor}", ADDRESS)
    assert guard.wait_s(ADDRESS) > 600  # the outsider's address waits
    staff = ("session:staff", "address:192.0.2.10")
    assert guard.wait_s(*staff) == 0.0
    assert guard.attempt("open sesame", STORED, *staff) == (True, True, 0.0)  # staff elsewhere get in at once


def test_a_staff_session_locks_after_fifteen_idle_minutes():
    assert not idle_too_long(None, 5000.0)
    assert not idle_too_long(1000.0, 1000.0 + IDLE_LOCK_S)
    assert idle_too_long(1000.0, 1000.0 + IDLE_LOCK_S + 1)


@pytest.mark.parametrize("stored", [None, "", "md5$x", "pbkdf2_sha256$x$y$z"])
def test_a_missing_or_malformed_hash_never_unlocks(stored):
    assert PasswordGuard(Clock()).attempt("open sesame", stored, "session:anyone") == (False, True, 0.0)
