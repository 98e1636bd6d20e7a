"""The line-up: the subjects measured, how to start each one and where its images come out."""

import os
from typing import List, NamedTuple, Optional

from camera_testkit.processes import PY

# Topic namespaces carry the orchestrator's pid: two runs that share a DDS domain (say,
# two people running the smoke test) never see each other's frames.
RUN_TAG = str(os.getpid())


class Subject(NamedTuple):
    """A relay under test: its command line, output topic and message kind."""

    name: str
    label: str
    output: Optional[str]  # topic relative to its namespace; None: no ROS (own records)
    kind: str  # 'compressed' or 'raw'

    @property
    def namespace(self) -> str:
        """Where this run's instance of the subject lives."""
        return f'/bench_{RUN_TAG}_{self.name}'

    @property
    def topic(self) -> Optional[str]:
        """Return the fully qualified image topic, or None for the plain WebSocket client."""
        return f'{self.namespace}/{self.output}' if self.output else None

    def command(self, url: str, out: str) -> List[str]:
        """Return the command line that starts it against ``url``."""
        ns = self.namespace
        if self.name == 'node':
            # apply_on_connect off: otherwise the node sets the emulator back to its own
            # target_fps (20) and the rate sweep would measure 20 fps throughout.
            return [PY, '-m', 'esp32_drone_camera.camera_node', '--ros-args',
                    '-r', f'__ns:={ns}', '-r', f'/diagnostics:={ns}/diagnostics',
                    '-p', f'device_url:={url}', '-p', 'apply_on_connect:=false']
        if self.name == 'relay':
            return [PY, '-m', 'bench.subjects.bare_relay', '--url', url,
                    '--ros-args', '-r', f'__ns:={ns}']
        if self.name == 'floor':  # publishes by itself; the url is not used
            return [PY, '-m', 'bench.subjects.publish_floor', '--ros-args',
                    '-r', f'__ns:={ns}']
        if self.name == 'socket':
            return [PY, '-m', 'bench.subjects.socket_relay', '--url', url,
                    '--ros-args', '-r', f'__ns:={ns}']
        if self.name == 'bridge':
            return [PY, '-m', 'bench.subjects.opencv_bridge', '--url', url,
                    '--ros-args', '-r', f'__ns:={ns}']
        return [PY, '-m', 'bench.subjects.ws_client', '--url', url, '--out', out]


def subscriber_command(topic: str, kind: str, out: str) -> List[str]:
    """Return the command line of a benchmark subscriber (bench/subjects/subscriber.py)."""
    return [PY, '-m', 'bench.subjects.subscriber', '--topic', topic, '--type', kind,
            '--out', out]


NODE = Subject('node', 'camera node (as shipped)', 'image_raw/compressed', 'compressed')
RELAY = Subject('relay', 'bare relay (design floor)', 'image_raw/compressed', 'compressed')
BRIDGE = Subject('bridge', 'OpenCV bridge (decode, bgr8)', 'image_raw', 'raw')
SOCKET = Subject('socket', 'minimal relay (socket receive + publish)', 'image_raw/compressed',
                 'compressed')
FLOOR = Subject('floor', 'publish only, no input', 'image_raw/compressed',
                'compressed')
DIRECT = Subject('direct', 'plain WebSocket client, no ROS (emulator reference)', None,
                 'compressed')
ROS_SUBJECTS = (NODE, RELAY, BRIDGE)
PROFILED = (*ROS_SUBJECTS, SOCKET, FLOOR)  # what bench.profile_subject can run
