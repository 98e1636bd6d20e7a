"""
The node's link with the websockets that Ubuntu ships (rosdep's python3-websockets).

Humble's Ubuntu 22.04 has 10.1 and Jazzy's 24.04 has 10.4, older than the asyncio API;
the link uses only the sans-I/O protocol, which those versions have under older names.
Each version gets its own venv (pip, from PyPI) with nothing but websockets, and the
link runs there against the emulator (which runs with this environment's websockets).
"""

import json
import os
import subprocess
import sys
import venv

from camera_testkit.processes import Emulator, ROOT
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(os.path.dirname(HERE), 'build', 'websockets-venvs')
CHECK_ENV = dict(os.environ, PYTHONPATH=ROOT)  # the package, not installed in those venvs


def venv_with(version: str) -> str:
    """Return the python of a venv holding websockets==version (made once, kept in build/)."""
    home = os.path.join(CACHE, version)
    python = os.path.join(home, 'bin', 'python')
    if not os.path.exists(os.path.join(home, 'ok')):
        venv.create(home, clear=True, with_pip=True)
        subprocess.run([python, '-m', 'pip', 'install', '-q', '--disable-pip-version-check',
                        f'websockets=={version}'], check=True, timeout=300)
        open(os.path.join(home, 'ok'), 'w').close()
    return python


@pytest.mark.parametrize('version', ['10.1', '10.4'])
def test_link_works_with_the_websockets_ubuntu_ships(version, procs):
    python = venv_with(version)
    emu = Emulator()
    procs.append(emu)
    out = subprocess.run([python, os.path.join(HERE, 'ws_link_check.py'), emu.url],
                         capture_output=True, text=True, timeout=60, env=CHECK_ENV)
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen['version'] == version
    assert seen['frames'] >= 15  # ~1.5 s at 20 fps, every one a whole JPEG
    assert seen['sent'] and 'welcome' in seen['texts'] and 'reply' in seen['texts']
    assert seen['full'] == ['device refused: max clients (3) reached']
    assert [s for s, _ in seen['states']] == ['connecting', 'connected', 'stopped']


def test_the_check_script_runs_here_too(procs):
    emu = Emulator()
    procs.append(emu)
    out = subprocess.run([sys.executable, os.path.join(HERE, 'ws_link_check.py'), emu.url],
                         capture_output=True, text=True, timeout=60, env=CHECK_ENV)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1])['frames'] >= 15
