"""
What the tests (``test/``) and the benchmarks (``bench/``) share; not part of the package.

- ``processes``: child processes (``Proc``, ``ProcGroup``), free ports, the emulator and
  the camera node started as real processes, ``wait_for``;
- ``ros_env``: the environment that keeps a run on its own DDS domain, on this machine;
- ``probe``: the one rclpy probe (subscriptions, service and parameter calls);
- ``netns``: a second network host (ip netns + veth) for link faults;
- ``reliability``: the fault records (``build/reliability/``) and ``docs/reliability.md``;
- ``tree_guard``: checks that a test run left the tracked files as it found them.

Importable from the repository root: pytest adds it (``pythonpath`` in ``pytest.ini``),
and the bench entry points run as modules from there (``python -m bench.run_bench``).
``setup.py`` leaves it out of the wheel.
"""
