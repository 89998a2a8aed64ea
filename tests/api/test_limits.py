"""The ``limits``-backed counters: a moving window with its wait, the login throttle's doubling
waits, and one count shared by every process when the counters live in Redis."""

from __future__ import annotations

import pytest

from api.limits import Limits, LoginPolicy, LoginThrottle, per_minute


def test_a_window_allows_its_count_then_says_how_long_to_wait() -> None:
    limits = Limits()
    results = [limits.hit(per_minute(3), "ip", "192.0.2.1") for _ in range(4)]
    assert results[:3] == [0.0, 0.0, 0.0] and 0 < results[3] <= 60
    assert limits.hit(per_minute(3), "ip", "192.0.2.2") == 0.0  # another key, another count


def test_login_waits_double_after_the_free_failures_and_a_success_forgets_them() -> None:
    limits = Limits()
    throttle = LoginThrottle(limits, LoginPolicy(free_failures=2, first_wait=30, longest_wait=100))
    address = "198.51.100.9"
    waits = []
    for _ in range(5):
        assert throttle.wait(address) == 0.0
        throttle.failed(address)
        waits.append(throttle.wait(address))
        limits.storage.clear(f"sportello/login-locked/{address}")  # as if the wait had passed
    assert waits[0] == 0.0
    assert [round(w) for w in waits[1:]] == [30, 60, 100, 100]  # doubling, capped at the longest wait
    throttle.succeeded(address)
    throttle.failed(address)
    assert throttle.wait(address) == 0.0  # the count started afresh


def test_attempts_are_capped_per_minute_right_or_wrong() -> None:
    throttle = LoginThrottle(Limits(), LoginPolicy(attempts_per_minute=3))
    assert [throttle.wait("192.0.2.5") > 0 for _ in range(4)] == [False, False, False, True]


def test_bad_storage_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="not a synchronous storage"):
        Limits("async+memory://")


def test_processes_sharing_redis_share_one_limit(redis_url: str) -> None:
    first, second = Limits(redis_url), Limits(redis_url)  # what two processes each build
    allowed = [(first if n % 2 else second).hit(per_minute(5), "ip", "192.0.2.77") == 0.0 for n in range(8)]
    assert allowed.count(True) == 5
    locking, locked = LoginThrottle(first, LoginPolicy(free_failures=1)), LoginThrottle(second)
    locking.failed("192.0.2.78")
    assert locked.wait("192.0.2.78") >= 1


def test_with_the_storage_down_requests_are_served_not_refused(caplog: pytest.LogCaptureFixture) -> None:
    down = Limits("redis://127.0.0.1:1/0")  # nothing listens there
    throttle = LoginThrottle(down)
    assert down.hit(per_minute(1), "ip", "192.0.2.9") == 0.0
    assert down.hit(per_minute(1), "ip", "192.0.2.9") == 0.0
    throttle.failed("192.0.2.9")
    throttle.succeeded("192.0.2.9")
    assert throttle.wait("192.0.2.9") == 0.0
    warnings = [record for record in caplog.records if "limits not applied" in record.message]
    assert len(warnings) == 1  # once a minute, not once per request
