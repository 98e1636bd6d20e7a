"""
CPU time and memory of another process, read from /proc.

CPU time comes from each thread's ``schedstat`` (nanoseconds of run time): psutil's
``cpu_times`` counts in 10 ms clock ticks, too coarse for a node that spends a few
milliseconds per second at 20 fps. psutil's value is kept beside it as a cross-check.
"""

import os
from typing import Dict, NamedTuple

import psutil


class Usage(NamedTuple):
    """One reading: CPU ns (schedstat), CPU s (psutil, tick-based), RSS bytes, ns per group."""

    cpu_ns: int
    cpu_ticks_s: float
    rss: int
    by_group: Dict[str, int]


def thread_group(os_name: str) -> str:
    """
    Say which part of a process a thread belongs to, from its OS name.

    The camera node names its own threads (esp32_drone_camera/threads.py); Fast DDS
    names its threads "dds.*"; every other thread shows the interpreter's name: the
    main thread, rclpy's executor workers (the node's services), helpers.
    """
    if os_name.startswith('dds.'):
        return 'Fast DDS threads'
    if os_name.startswith('python') or not os_name:
        return 'main thread, executor, other'
    return os_name


class Meter:
    """
    Reads one process; remembers threads so a thread that ends is not subtracted.

    A thread that ends between two readings keeps its last value: the run time it had
    left is missed, never counted negative. psutil's figure includes ended threads.
    """

    def __init__(self, pid: int):
        self.pid = pid
        self.proc = psutil.Process(pid)
        self._threads: Dict[str, int] = {}
        self._groups: Dict[str, str] = {}

    def cpu_ns(self) -> int:
        """Run time of every thread seen so far, in ns."""
        for tid in os.listdir(f'/proc/{self.pid}/task'):
            try:
                with open(f'/proc/{self.pid}/task/{tid}/schedstat') as f:
                    self._threads[tid] = int(f.read().split()[0])
                if tid not in self._groups:
                    with open(f'/proc/{self.pid}/task/{tid}/comm') as f:
                        self._groups[tid] = thread_group(f.read().strip())
            except (FileNotFoundError, ProcessLookupError):
                pass  # the thread ended between listing and reading
        return sum(self._threads.values())

    def read(self) -> Usage:
        """CPU and memory now."""
        times = self.proc.cpu_times()
        total = self.cpu_ns()
        groups: Dict[str, int] = {}
        for tid, ns in self._threads.items():
            group = self._groups.get(tid, 'main thread, executor, other')
            groups[group] = groups.get(group, 0) + ns
        return Usage(total, times.user + times.system, self.proc.memory_info().rss, groups)


def machine_busy_ns() -> int:
    """CPU time all processes on the machine used so far, in ns (from /proc/stat)."""
    with open('/proc/stat') as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) * 1_000_000_000 // os.sysconf('SC_CLK_TCK')
