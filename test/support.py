"""
Compatibility: the process helpers moved to ``camera_testkit.processes``.

Kept so that tests written before the move still import; new tests import
``camera_testkit.processes``. Delete this file once no test imports ``support``.
"""

from camera_testkit.processes import CameraNode, Emulator, free_port, Proc, PY, ROOT, wait_for

__all__ = ['CameraNode', 'Emulator', 'free_port', 'Proc', 'PY', 'ROOT', 'wait_for']
