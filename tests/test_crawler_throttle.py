"""crawler/throttle.py with a fake clock: jitter bounds, holds, slow-downs."""

from __future__ import annotations

import random

import pytest

from crawler.throttle import Throttle


class FakeTime:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def throttle(jitter: float = 0.0, seed: int = 0) -> tuple[Throttle, FakeTime]:
    t = FakeTime()
    return Throttle(jitter, clock=t.clock, sleep=t.sleep, rng=random.Random(seed)), t


def test_first_request_to_a_host_does_not_wait():
    th, t = throttle()
    assert th.wait("h", 3.0) == 0.0
    assert t.sleeps == []


def test_next_request_waits_the_delay_from_the_end_of_the_last():
    th, t = throttle()
    th.wait("h", 3.0)
    th.done("h")
    t.now += 1.0  # time spent elsewhere counts towards the delay
    assert th.wait("h", 3.0) == pytest.approx(2.0)
    assert t.sleeps == [pytest.approx(2.0)]
    assert th.waited == pytest.approx(2.0)


def test_jittered_waits_stay_within_bounds_and_vary():
    th, t = throttle(jitter=0.5, seed=42)
    waits = []
    for _ in range(200):
        th.wait("h", 2.0)
        th.done("h")
        waits.append(th.hosts["h"].next_allowed - t.now)
    assert all(1.0 <= w <= 3.0 for w in waits)
    assert max(waits) - min(waits) > 1.0  # spread over the range, not constant
    assert len({round(w, 6) for w in waits}) > 100


def test_zero_jitter_is_exactly_the_delay():
    th, t = throttle(jitter=0.0)
    th.wait("h", 2.0)
    th.done("h")
    assert th.hosts["h"].next_allowed - t.now == 2.0


def test_hosts_are_paced_independently():
    th, t = throttle()
    th.wait("a", 5.0)
    th.done("a")
    assert th.wait("b", 5.0) == 0.0


def test_hold_pushes_the_next_request_back_but_never_forward():
    th, t = throttle()
    th.wait("h", 1.0)
    th.done("h")
    th.hold("h", 10.0)
    assert th.hosts["h"].next_allowed == t.now + 10.0
    th.hold("h", 0.5)  # a shorter hold does not cut the longer one short
    assert th.hosts["h"].next_allowed == t.now + 10.0
    assert th.wait("h", 1.0) == pytest.approx(10.0)


def test_slow_down_doubles_the_delay_up_to_eight_times():
    th, t = throttle()
    th.wait("h", 1.0)
    factors = []
    for _ in range(6):
        th.slow_down("h")
        th.done("h")
        factors.append(th.hosts["h"].next_allowed - t.now)
    assert factors == [2.0, 4.0, 8.0, 8.0, 8.0, 8.0]


def test_a_larger_delay_raises_the_pace_and_a_smaller_one_does_not_lower_it():
    th, t = throttle()
    th.wait("h", 1.0)
    th.wait("h", 4.0)  # e.g. a robots.txt Crawl-delay learnt later
    th.done("h")
    assert th.hosts["h"].next_allowed - t.now == 4.0
    th.wait("h", 0.5)
    assert th.hosts["h"].delay == 4.0


def test_on_wait_is_told_how_long_before_sleeping():
    th, t = throttle()
    told: list[float] = []
    th.wait("h", 2.0)
    th.done("h")
    th.wait("h", 2.0, told.append)
    assert told == [2.0] and t.sleeps == [2.0]


def test_a_long_wait_is_told_each_second_so_the_screen_counts_down():
    th, t = throttle()
    told: list[float] = []
    th.wait("h", 3.5)
    th.done("h")
    began = t.now
    assert th.wait("h", 3.5, told.append) == 3.5
    assert told == [3.5, 2.5, 1.5, 0.5] and t.sleeps == [1.0, 1.0, 1.0, 0.5]
    assert t.now - began == 3.5


def test_bound_sums_the_gaps_each_request_had_to_keep():
    th, t = throttle(jitter=0.5, seed=7)
    th.wait("h", 2.0)  # the first request owes no gap
    assert th.bound == 0.0
    gaps = []
    for _ in range(5):
        th.done("h")
        gaps.append(th.hosts["h"].next_allowed - t.now)
        t.now += 0.5  # work done between requests counts towards the gap...
        th.wait("h", 2.0)
    assert th.bound == pytest.approx(sum(gaps))  # ...but the bound is the gap itself
    assert th.waited == pytest.approx(sum(gaps) - 5 * 0.5)


def test_bound_counts_holds_and_each_host_alone():
    th, t = throttle()
    th.wait("a", 1.0)
    th.done("a")
    th.hold("a", 10.0)  # Retry-After
    th.wait("a", 1.0)
    th.wait("b", 1.0)  # another host's first request owes nothing
    assert th.bound == pytest.approx(10.0)


def test_late_sums_how_long_after_its_slot_each_request_started():
    th, t = throttle()
    th.wait("h", 1.0)
    th.done("h")
    t.now += 1.3  # the crawler's own work overran the 1 s gap by 0.3 s
    th.wait("h", 1.0)
    th.done("h")
    t.now += 0.4  # this time it fitted in the wait
    th.wait("h", 1.0)
    assert th.late == pytest.approx(0.3) and t.sleeps == [pytest.approx(0.6)]


def test_overslept_sums_how_far_sleeps_ran_past_the_slot():
    th, t = throttle()
    th.sleep = lambda s: t.sleep(s + 0.05)  # a loaded machine wakes the crawler late
    th.wait("h", 1.0)
    th.done("h")
    th.wait("h", 1.0)
    assert th.overslept == pytest.approx(0.05) and th.late == 0.0


def test_first_start_and_last_end_frame_the_requests():
    th, t = throttle()
    t.now += 5.0  # the crawl's own start-up
    th.wait("h", 1.0)
    assert th.first_start == pytest.approx(1005.0)
    th.done("h")
    th.wait("h", 1.0)
    t.now += 0.2
    th.done("h")
    assert th.first_start == pytest.approx(1005.0) and th.last_end == pytest.approx(1006.2)
