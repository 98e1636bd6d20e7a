"""
The programs the benchmarks measure, each run as a child process of its own.

Subjects relay the emulator's stream to ROS (``bare_relay``, ``socket_relay``,
``opencv_bridge``), publish alone (``publish_floor``) or take it without ROS
(``ws_client``); ``subscriber`` records what a subject delivered. How each is started
is in ``bench.harness.lineup``.
"""
