"""The one thread that applies settings to the device: one task at a time, newest first."""

import threading
from typing import Callable, Optional

from .threads import named_thread


class SettingsWorker:
    """
    One thread that runs one settings task at a time; a newer task supersedes the rest.

    ``run(task, superseded)`` should check ``superseded()`` between steps. A task
    submitted while another runs replaces any task still waiting, so a peer that
    sends welcomes in a loop gets no thread and no backlog per welcome.
    """

    def __init__(self, run: Callable[[dict, Callable[[], bool]], None],
                 on_error: Callable[[Exception], None], name: str = 'device_settings'):
        self._run = run
        self._on_error = on_error
        self._name = name
        self._cond = threading.Condition()
        self._pending: Optional[dict] = None
        self._generation = 0
        self._closed = False
        self._thread: Optional[threading.Thread] = None
        self._running = False

    def submit(self, task: dict) -> None:
        """Run ``task`` next (starting the thread on first use); drop any still waiting."""
        with self._cond:
            if self._closed:
                return
            self._pending = task
            self._generation += 1
            if self._thread is None:
                self._thread = named_thread(self._loop, self._name)
                self._thread.start()
            self._cond.notify()

    @property
    def busy(self) -> bool:
        """Tell whether a task waits or runs (for tests and diagnostics)."""
        return self._pending is not None or self._running

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                task, self._pending = self._pending, None
                generation = self._generation
                self._running = True
            try:
                self._run(task or {}, lambda: self._closed or self._generation != generation)
            except Exception as exc:  # noqa: BLE001 - a bad task must not end the worker
                self._on_error(exc)
            finally:
                self._running = False

    def close(self, timeout: float = 1.0) -> None:
        """Drop the waiting task and end the thread (the running task must return)."""
        with self._cond:
            self._closed = True
            self._pending = None
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout)
