"""Unit tests of settings_worker.py: one thread, one task at a time, newest first."""

import threading

from esp32_drone_camera.settings_worker import SettingsWorker
from support import wait_for


def test_worker_runs_the_newest_task_and_supersedes_a_running_one():
    ran, gate = [], threading.Event()

    def run(task, superseded):
        ran.append(task['n'])
        if task['n'] == 0:
            gate.wait(2)
            ran.append(('superseded', superseded()))
    worker = SettingsWorker(run, on_error=lambda exc: None)
    worker.submit({'n': 0})
    assert wait_for(lambda: ran == [0], 2)
    for n in range(1, 50):
        worker.submit({'n': n})
    gate.set()
    assert wait_for(lambda: not worker.busy, 2)
    assert ran == [0, ('superseded', True), 49]
    worker.close()
    worker.submit({'n': 99})  # after close: ignored
    assert ran[-1] == 49


def test_worker_outlives_a_failing_task():
    errors, ran = [], []

    def run(task, superseded):
        ran.append(task)
        if task == {'boom': True}:
            raise RuntimeError('boom')
    worker = SettingsWorker(run, errors.append)
    worker.submit({'boom': True})
    assert wait_for(lambda: errors, 2)
    worker.submit({'ok': True})
    assert wait_for(lambda: len(ran) == 2, 2)
    worker.close()
