"""
Run the node's WebSocket link, alone, against a device URL, and print what it saw.

Used by test_ws_link_compat.py with other websockets versions than the test's own, in
a venv that has nothing else: ``ws_link`` needs only the standard library, websockets
and the package's own sans-ROS modules, which it finds on the PYTHONPATH the test sets.
"""

import json
import sys
import time

from esp32_drone_camera import ws_link
from esp32_drone_camera.link_state import LinkState
import websockets


class Seen(ws_link.LinkCallbacks):
    """Counts and keeps what one link reports."""

    def __init__(self):
        self.frames, self.texts, self.states = 0, [], []

    def on_frame(self, data, arrival_ns):
        self.frames += data.startswith(b'\xff\xd8') and data.endswith(b'\xff\xd9')

    def on_text(self, text, arrival_ns):
        self.texts.append(json.loads(text).get('type'))

    def on_state(self, state, detail):
        self.states.append([state, detail])


def main(url: str) -> int:
    """Stream for a second, send a command, then fill the device to see it refuse."""
    seen = Seen()
    link = ws_link.WebSocketLink(url, seen)
    link.start()
    time.sleep(1.0)
    sent = link.send_text('{"cmd":"info","id":"c1"}')
    time.sleep(0.5)
    others = [ws_link.WebSocketLink(url, Seen(), backoff_max=0.5) for _ in range(3)]
    for other in others:
        other.start()
    time.sleep(1.0)
    full = [d for o in others for s, d in o.callbacks.states if s == LinkState.DEVICE_FULL]
    for each in [link, *others]:
        each.stop()
    print(json.dumps({'version': websockets.__version__, 'frames': seen.frames,
                      'texts': seen.texts, 'sent': sent, 'states': seen.states,
                      'full': full[:1]}))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
