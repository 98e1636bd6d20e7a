"""Unit tests of log_limits.py: what a peer can make the node log is bounded."""

from esp32_drone_camera.log_limits import GatedLog, LineBudget, Throttle


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


def test_gated_log_goes_quiet_at_close():
    lines = []

    class Log:
        def debug(self, m):
            lines.append(('debug', m))

        def info(self, m):
            lines.append(('info', m))

        def warning(self, m):
            lines.append(('warning', m))

        def error(self, m):
            lines.append(('error', m))

    gate = GatedLog(Log())
    for level in ('debug', 'info', 'warning', 'error'):
        getattr(gate, level)(level)
    gate.close()
    gate.error('after close')
    assert lines == [(lv, lv) for lv in ('debug', 'info', 'warning', 'error')]


def test_gated_log_takes_any_level_from_one_call_site():
    # rclpy refuses a second severity from one call site ("Logger severity cannot be
    # changed between calls"); the session logs device lines by level from one line.
    from rclpy.logging import get_logger
    gate = GatedLog(get_logger('gated_log_test'))
    for level in ('info', 'warning', 'error', 'debug', 'info'):
        getattr(gate, level)(f'a {level} line')
