"""
The soak (``bench.soak``, `make soak`) cut to 60 seconds for `make test`.

Same code, same checks: faults on a schedule, no invalid frame published, the
node's memory, file descriptors and threads flat after warm-up. It writes its plot
and its row of the fault table under build/reliability/ (`make reliability`
publishes them into docs/).
"""

import os

from bench import soak
from bench.harness.soak_run import Soak
import pytest

pytestmark = pytest.mark.ros
DURATION = float(os.environ.get('SOAK_SHORT_SECONDS', '60'))


def test_soak_short():
    summary = Soak(DURATION, fps=20, period=8.0).run()
    soak.report(summary, 'soak-short')
    events = '\n'.join(f'{t:6.1f} s {f}: {r}' for t, f, r in summary['events'])
    assert summary['faults'] >= 3, f'too few faults injected:\n{events}'
    assert summary['ok'], f"failed checks {summary['failed']}: {summary['checks']}\n{events}"
