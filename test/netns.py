"""
Compatibility: ``camera_testkit.netns`` and ``camera_testkit.reliability.record`` now.

Kept so that tests written before the move still import; new tests import those.
Delete this file once no test imports ``netns``.
"""

from camera_testkit.netns import NetHost, unavailable
from camera_testkit.reliability import record

__all__ = ['NetHost', 'record', 'unavailable']
