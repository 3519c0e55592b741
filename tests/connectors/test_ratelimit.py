"""The client-side token bucket: pacing, the server's word, 429 pauses, one bucket per store."""

from __future__ import annotations

import threading

import pytest

from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket, limiter_for
from tests.fakes import FakeTime


def make_bucket(fake: FakeTime, reserve: int = 1) -> TokenBucket:
    return TokenBucket(clock=fake.clock, sleep=fake.sleep, reserve=reserve)


def test_25_acquires_take_at_least_the_refill_time_of_the_overflow() -> None:
    fake = FakeTime()
    bucket = make_bucket(fake)
    for _ in range(25):
        bucket.acquire()
    assert fake.now >= (25 - 20) / 3.0


def test_25_acquires_stay_within_the_server_bucket_at_every_moment() -> None:
    # Replay the server's leaky bucket at each acquire: it must never be empty.
    fake = FakeTime()
    bucket = make_bucket(fake)
    server_tokens, last = 20.0, 0.0
    for _ in range(25):
        bucket.acquire()
        server_tokens = min(20.0, server_tokens + (fake.now - last) * 3.0)
        last = fake.now
        assert server_tokens >= 1.0
        server_tokens -= 1.0


def test_a_full_bucket_lets_a_burst_through_without_waiting_but_keeps_one_spare() -> None:
    fake = FakeTime()
    bucket = make_bucket(fake)
    for _ in range(19):
        bucket.acquire()
    assert fake.sleeps == []
    bucket.acquire()
    assert fake.sleeps, "the 20th request must wait: one token stays spare"


def test_reserve_zero_spends_the_whole_bucket_first() -> None:
    fake = FakeTime()
    bucket = make_bucket(fake, reserve=0)
    for _ in range(20):
        bucket.acquire()
    assert fake.now == 0.0
    bucket.acquire()
    assert fake.now == pytest.approx(1 / 3.0, abs=0.01)


def test_observe_remaining_never_trusts_more_than_the_server_says() -> None:
    fake = FakeTime()
    bucket = make_bucket(fake)
    bucket.observe_remaining(3)
    assert bucket.tokens == 3.0
    bucket.observe_remaining(15)
    assert bucket.tokens == 3.0, "a higher count than ours is not believed"
    bucket.observe_remaining(-4)
    assert bucket.tokens == 0.0


def test_after_the_server_reports_an_empty_bucket_the_next_acquire_waits_for_refill() -> None:
    fake = FakeTime()
    bucket = make_bucket(fake)
    bucket.observe_remaining(0)
    bucket.acquire()
    # One token to spend plus the spare one, at three per second.
    assert fake.now == pytest.approx(2 / 3.0, abs=0.01)


def test_pause_for_holds_every_acquire_until_the_retry_after_has_passed() -> None:
    fake = FakeTime()
    bucket = make_bucket(fake)
    bucket.pause_for(2.0)
    bucket.acquire()
    assert fake.now >= 2.0
    assert fake.now == pytest.approx(2.0, abs=0.01)


def test_tokens_refill_with_time_up_to_capacity() -> None:
    fake = FakeTime()
    bucket = make_bucket(fake)
    bucket.observe_remaining(0)
    fake.now += 2.0
    assert bucket.tokens == pytest.approx(6.0)
    fake.now += 100.0
    assert bucket.tokens == 20.0


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        TokenBucket(capacity=0)
    with pytest.raises(ValueError):
        TokenBucket(refill_per_second=0)
    with pytest.raises(ValueError):
        TokenBucket(capacity=5, reserve=5)


def test_limiter_for_gives_one_bucket_per_store() -> None:
    assert limiter_for("ratelimit-test-1") is limiter_for("ratelimit-test-1")
    assert limiter_for(" ratelimit-test-1 ") is limiter_for("ratelimit-test-1")
    assert limiter_for("ratelimit-test-1") is not limiter_for("ratelimit-test-2")


class _WouldWait(Exception):
    pass


def test_threads_sharing_a_bucket_never_overspend_it() -> None:
    # The clock is frozen, so exactly capacity - reserve acquires can succeed, however the
    # eight threads interleave; a thread that would have to wait stops.
    def refuse_to_wait(seconds: float) -> None:
        raise _WouldWait

    bucket = TokenBucket(clock=lambda: 0.0, sleep=refuse_to_wait)
    start = threading.Barrier(8)
    granted: list[int] = []

    def worker() -> None:
        start.wait()
        count = 0
        try:
            for _ in range(10):
                bucket.acquire()
                count += 1
        except _WouldWait:
            pass
        granted.append(count)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(granted) == 8
    assert sum(granted) == 19
