"""
A second network host for fault tests: an ip netns joined to this one by a veth pair.

The emulator runs inside the namespace (the "drone"), the node and the probe stay
in the root namespace, so DDS discovery stays on localhost while the camera link
crosses a real interface that can be taken down or throttled with tc. Names carry
the pid and a counter so parallel test runs do not collide; everything is removed
on exit, also when the test fails.
"""

import itertools
import os
import random
import shutil
import subprocess
from typing import List, Optional

_counter = itertools.count()


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(['ip', *args], capture_output=True, text=True, timeout=10,
                          check=check)


def unavailable() -> Optional[str]:
    """Say why network namespaces cannot be used here (None when they can)."""
    if os.geteuid() != 0:
        return 'needs root (ip netns, veth, tc)'
    for tool in ('ip', 'tc'):
        if shutil.which(tool) is None:
            return f'{tool} not installed (iproute2)'
    probe = f'cprobe{os.getpid() % 100000}'
    result = _ip('netns', 'add', probe, check=False)
    if result.returncode != 0:
        return f'ip netns add failed: {result.stderr.strip()}'
    _ip('netns', 'del', probe, check=False)
    return None


def _free_subnet() -> int:
    """Pick an unused 10.231.X.Y/30; return X * 256 + Y."""
    used = _ip('-4', '-o', 'addr').stdout
    rng = random.Random(os.getpid() ^ id(used))
    for _ in range(100):
        third, fourth = rng.randint(0, 255), rng.randrange(0, 256, 4)
        if f'10.231.{third}.{fourth + 1}/' not in used:
            return third * 256 + fourth
    raise RuntimeError('no free 10.231.0.0/16 subnet')


class NetHost:
    """A network namespace reachable from here at ``self.address`` over a veth pair."""

    def __init__(self):
        tag = f'{os.getpid() % 100000}{next(_counter)}'
        self.name = f'cam{tag}'
        self.outer = f'vc{tag}a'  # stays here (the node's side)
        self.inner = f'vc{tag}b'  # moves into the namespace (the drone's side)
        base = _free_subnet()
        prefix = f'10.231.{base // 256}.'
        self.local = prefix + str(base % 256 + 1)
        self.address = prefix + str(base % 256 + 2)
        self._created = False

    def __enter__(self) -> 'NetHost':
        self._created = True
        try:
            _ip('netns', 'add', self.name)
            _ip('link', 'add', self.outer, 'type', 'veth', 'peer', 'name', self.inner)
            _ip('link', 'set', self.inner, 'netns', self.name)
            _ip('addr', 'add', f'{self.local}/30', 'dev', self.outer)
            _ip('link', 'set', self.outer, 'up')
            self.ip('addr', 'add', f'{self.address}/30', 'dev', self.inner)
            self.ip('link', 'set', self.inner, 'up')
            self.ip('link', 'set', 'lo', 'up')
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Remove the namespace and the veth pair (idempotent, never raises)."""
        if not self._created:
            return
        self._created = False
        _ip('netns', 'del', self.name, check=False)
        _ip('link', 'del', self.outer, check=False)  # usually gone with the namespace

    def ip(self, *args: str) -> subprocess.CompletedProcess:
        """Run ``ip`` inside the namespace."""
        return _ip('-n', self.name, *args)

    def command(self, args: List[str]) -> List[str]:
        """``args`` prefixed so that they run inside the namespace."""
        return ['ip', 'netns', 'exec', self.name, *args]

    def link_down(self) -> None:
        """Cut the link on the drone's side: the node sees carrier loss, no RST, no FIN."""
        self.ip('link', 'set', self.inner, 'down')

    def link_up(self) -> None:
        """Restore the link."""
        self.ip('link', 'set', self.inner, 'up')

    def rate_limit(self, rate: str, burst: str = '16kb', latency: str = '50ms') -> None:
        """Cap the drone-to-node direction with a token bucket (tc tbf)."""
        subprocess.run(['tc', '-n', self.name, 'qdisc', 'replace', 'dev', self.inner, 'root',
                        'tbf', 'rate', rate, 'burst', burst, 'latency', latency],
                       check=True, capture_output=True, timeout=10)
