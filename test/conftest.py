"""Fixtures: an isolated DDS domain per test run and an rclpy probe node."""

import os
import random
import threading
import time
import uuid

import pytest

# Before rclpy loads: every test run gets its own DDS domain on localhost, and child
# processes (nodes, emulators) inherit it.
# CAMERA_TEST_DOMAIN pins it, for test runs side by side on one machine.
os.environ['ROS_DOMAIN_ID'] = os.environ.get('CAMERA_TEST_DOMAIN') or str(
    random.Random(os.getpid() ^ time.time_ns()).randint(1, 100))
os.environ['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
os.environ.pop('ROS_LOCALHOST_ONLY', None)
os.environ.setdefault('RCUTILS_LOGGING_BUFFERED_STREAM', '0')
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PREFIX = os.path.dirname(os.path.dirname(os.path.realpath(os.sys.executable)))
os.environ['AMENT_PREFIX_PATH'] = os.pathsep.join(
    p for p in (os.sys.prefix, os.environ.get('AMENT_PREFIX_PATH', '')) if p)

VECTORS = os.path.join(_ROOT, 'test', 'vectors')


class Probe:
    """A ROS node in the test process: subscribes, calls services, sets parameters."""

    def __init__(self, namespace='/camera', node='esp32_drone_camera', qos_depth=50):
        import rclpy
        from diagnostic_msgs.msg import DiagnosticArray
        from rclpy.executors import SingleThreadedExecutor
        from rclpy.qos import QoSProfile, ReliabilityPolicy
        from sensor_msgs.msg import CameraInfo, CompressedImage
        self.rclpy = rclpy
        self.namespace = namespace
        self.target = f'{namespace.rstrip("/")}/{node}'
        self.node = rclpy.create_node(f'probe_{uuid.uuid4().hex[:8]}')
        qos = QoSProfile(depth=qos_depth, reliability=ReliabilityPolicy.RELIABLE)
        self.images = []
        self.infos = []
        self.diagnostics = {}
        self.diag_history = []
        self._lock = threading.Lock()
        self.node.create_subscription(CompressedImage, f'{namespace}/image_raw/compressed',
                                      self._on_image, qos)
        self.node.create_subscription(CameraInfo, f'{namespace}/camera_info',
                                      self._on_info, qos)
        self.node.create_subscription(DiagnosticArray, '/diagnostics', self._on_diag, 20)
        self.executor = SingleThreadedExecutor()
        self.executor.add_node(self.node)
        self._thread = threading.Thread(target=self._spin, daemon=True)
        self._thread.start()

    def _spin(self):
        while self.rclpy.ok() and self.executor is not None:
            try:
                self.executor.spin_once(timeout_sec=0.05)
            except Exception:  # noqa: BLE001 - shutting down
                return

    def _on_image(self, msg):
        stamp = msg.header.stamp.sec * 1_000_000_000 + msg.header.stamp.nanosec
        with self._lock:
            self.images.append((bytes(msg.data), stamp, msg.header.frame_id, msg.format,
                                time.time_ns()))

    def _on_info(self, msg):
        with self._lock:
            self.infos.append(msg)

    def _on_diag(self, msg):
        with self._lock:
            for s in msg.status:
                if s.name.startswith('esp32_drone_camera: '):
                    entry = (s.level[0] if isinstance(s.level, bytes) else s.level, s.message,
                             {kv.key: kv.value for kv in s.values}, s.hardware_id)
                    self.diagnostics[s.name.split(': ', 1)[1]] = entry
                    self.diag_history.append((time.monotonic(), s.name.split(': ', 1)[1],
                                              entry[0], s.message))

    def frame_count(self):
        """Frames received so far."""
        with self._lock:
            return len(self.images)

    def wait_frames(self, n, timeout=10.0):
        """Wait until ``n`` frames have arrived."""
        from support import wait_for
        return wait_for(lambda: self.frame_count() >= n, timeout)

    def diag(self, task):
        """(level, message, values, hardware_id) of a diagnostics task, or None."""
        with self._lock:
            return self.diagnostics.get(task)

    def wait_diag(self, task, predicate, timeout=10.0):
        """Wait until the task's latest status satisfies ``predicate``."""
        from support import wait_for
        return wait_for(lambda: self.diag(task) is not None and predicate(self.diag(task)),
                        timeout)

    def call(self, srv_type, name, request=None, timeout=15.0):
        """Call a service of the node under test (name relative to it, e.g. ~/x)."""
        full = name.replace('~', self.target)
        client = self.node.create_client(srv_type, full)
        try:
            assert client.wait_for_service(timeout_sec=10.0), f'{full} not available'
            future = client.call_async(request or srv_type.Request())
            deadline = time.monotonic() + timeout
            while not future.done() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert future.done(), f'{full} did not answer within {timeout} s'
            return future.result()
        finally:
            self.node.destroy_client(client)

    def set_params(self, timeout=15.0, **values):
        """Set parameters on the node under test; return the SetParametersResult list."""
        from rcl_interfaces.srv import SetParameters
        from rclpy.parameter import Parameter
        request = SetParameters.Request()
        request.parameters = [Parameter(k, value=v).to_parameter_msg() for k, v in values.items()]
        return self.call(SetParameters, '~/set_parameters', request, timeout).results

    def get_params(self, *names):
        """Read parameters of the node under test."""
        from rcl_interfaces.srv import GetParameters
        from rclpy.parameter import parameter_value_to_python
        request = GetParameters.Request(names=list(names))
        values = self.call(GetParameters, '~/get_parameters', request).values
        return [parameter_value_to_python(v) for v in values]

    def close(self):
        """Stop spinning and destroy the node."""
        executor, self.executor = self.executor, None
        self._thread.join(2)
        executor.shutdown()
        self.node.destroy_node()


@pytest.fixture(scope='session')
def rclpy_context():
    """rclpy, initialised once for the session."""
    import rclpy
    rclpy.init()
    yield rclpy
    rclpy.try_shutdown()


@pytest.fixture
def probe(rclpy_context):
    """Watch /camera with a probe node."""
    p = Probe()
    yield p
    p.close()


@pytest.fixture
def procs():
    """Collect processes started by a test; stop them afterwards."""
    started = []
    yield started
    for proc in reversed(started):
        proc.stop()
