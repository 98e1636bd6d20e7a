"""
The emulator's capture log (``--capture-log``): the ground truth benchmarks and tests use.

One line per captured frame, ``<sequence> <capture wall-clock ns>``; one line per
client as it connects, ``client <number> <User-Agent>``; and one line per frame a
client skipped because it had not taken the previous one yet,
``skip <sequence> <client number>``. A skipped frame never left the emulator for that
client, so a benchmark can tell the emulator's flow control from a subject's loss,
and the User-Agent tells whose loss it is when several subjects share the emulator.
"""

from typing import Dict, NamedTuple, Set


class CaptureLog(NamedTuple):
    """What a capture log says."""

    captures: Dict[int, int]  # sequence -> capture time (ns since the epoch)
    skips: Dict[int, Set[int]]  # client number -> sequences skipped for it
    clients: Dict[int, str]  # client number -> its User-Agent


def capture_line(sequence: int, capture_ns: int) -> str:
    """Return the line for one captured frame."""
    return f'{sequence} {capture_ns}\n'


def skip_line(sequence: int, client: int) -> str:
    """Return the line for a frame not sent to a busy client."""
    return f'skip {sequence} {client}\n'


def client_line(client: int, user_agent: str) -> str:
    """Return the line for a client that connected."""
    return f'client {client} {" ".join(user_agent.split())}\n'


def read(path: str) -> CaptureLog:
    """Parse a capture log; a line cut short by a kill is ignored."""
    captures: Dict[int, int] = {}
    skips: Dict[int, Set[int]] = {}
    clients: Dict[int, str] = {}
    with open(path) as f:
        for line in f:
            if not line.endswith('\n'):
                break  # the last line, cut short when the emulator was killed
            parts = line.split()
            if len(parts) == 2 and parts[0].isdigit():
                captures[int(parts[0])] = int(parts[1])
            elif len(parts) == 3 and parts[0] == 'skip':
                skips.setdefault(int(parts[2]), set()).add(int(parts[1]))
            elif len(parts) >= 2 and parts[0] == 'client':
                clients[int(parts[1])] = ' '.join(parts[2:])
    return CaptureLog(captures, skips, clients)
