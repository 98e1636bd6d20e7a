"""Unit tests of log_limits.py: what a peer can make the node log is bounded."""

from esp32_drone_camera.log_limits import LineBudget, Throttle


def test_throttle_per_key():
    now = [0.0]
    throttle = Throttle(5.0, clock=lambda: now[0])
    assert throttle.allow('a') and throttle.allow('b') and not throttle.allow('a')
    now[0] = 5.0
    assert throttle.allow('a')


def test_line_budget_bursts_then_says_how_many_it_dropped():
    now = [0.0]
    budget = LineBudget(rate=10.0, burst=5, clock=lambda: now[0])
    assert [budget.take() for _ in range(7)] == [0, 0, 0, 0, 0, None, None]
    now[0] += 0.1
    assert budget.take() == 2 and budget.take() is None
