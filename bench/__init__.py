"""
Benchmarks and the soak of the camera node (not part of the package).

- ``run_bench``, ``soak``, ``profile_subject``: the entry points, run as modules from
  the repository root (``python -m bench.run_bench --help``; ``make bench``, ``make soak``);
- ``harness``: what plans, runs, analyses and reports a measurement;
- ``subjects``: the programs measured, each a child process of its own
  (``python -m bench.subjects.bare_relay ...``), and the benchmark subscriber.

Processes, the rclpy probe and the fault records come from ``camera_testkit``.
"""
