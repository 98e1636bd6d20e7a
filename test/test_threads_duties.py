"""threads.Duties: periodic duties sharing one ticker thread."""

from esp32_drone_camera.threads import Duties


def test_each_duty_runs_at_its_own_period_and_jitter_does_not_skip_one():
    clock = [100.0]
    runs = []
    duties = Duties([(0.5, lambda now: runs.append(('ping', now))),
                     (1.0, lambda now: runs.append(('diag', now)))], monotonic=lambda: clock[0])
    assert duties.period == 0.5
    for t in (100.0, 100.49, 101.02, 101.5, 101.98):  # ticks 0.5 s apart, with jitter
        clock[0] = t
        duties()
    assert [name for name, _ in runs].count('ping') == 5
    assert [now for name, now in runs if name == 'diag'] == [100.0, 101.02, 101.98]


def test_a_late_tick_runs_a_duty_once_not_once_per_missed_period():
    clock = [0.0]
    runs = []
    duties = Duties([(1.0, runs.append)], monotonic=lambda: clock[0])
    for t in (0.0, 5.0, 6.0):  # the thread was held up for 4 s after the first tick
        clock[0] = t
        duties()
    assert runs == [0.0, 5.0, 6.0]
