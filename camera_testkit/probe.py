"""
The one rclpy probe: a node in this process, spun by a thread of its own.

``ProbeNode`` subscribes (also to serialised messages), calls services and sets
parameters of the node under test; the benchmark subscriber is one. ``Probe`` adds
what the tests and the soak watch on a camera: its images, camera_info and
diagnostics. rclpy is imported when a probe is made, not with this module, so that
a caller chooses its DDS domain first (see ros_env).
"""

import bisect
import threading
import time
import traceback
from typing import Callable, List, Optional
import uuid

from camera_testkit.processes import wait_for

DIAGNOSTICS_PREFIX = 'esp32_drone_camera: '  # the node's status names start with it


class ProbeNode:
    """
    A node spun by a background thread, on rclpy's default context or on its own.

    ``own_context`` gives it a private context (initialised and shut down with it,
    without rclpy's signal handlers), for processes that do not initialise rclpy
    themselves: the soak, the benchmark subscriber.
    """

    def __init__(self, target: str = '/camera/esp32_drone_camera', name: str = 'probe',
                 own_context: bool = False):
        import rclpy
        from rclpy.executors import SingleThreadedExecutor
        from rclpy.signals import SignalHandlerOptions
        self.rclpy = rclpy
        self.target = target
        self.context = None
        if own_context:
            self.context = rclpy.Context()
            rclpy.init(context=self.context, signal_handler_options=SignalHandlerOptions.NO)
        self.node = rclpy.create_node(f'{name}_{uuid.uuid4().hex[:8]}', context=self.context)
        self.executor = SingleThreadedExecutor(context=self.context)
        self.executor.add_node(self.node)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._spin, name='probe', daemon=True)
        self._thread.start()

    def _spin(self) -> None:
        executor = self.executor
        while not self._stopping.is_set():
            try:
                executor.spin_once(timeout_sec=0.05)
            except Exception:  # noqa: BLE001 - a callback's error, or shutting down
                if not self._stopping.is_set() and self.rclpy.ok(context=self.context):
                    traceback.print_exc()  # a broken callback would stop the probe silently
                return

    def subscribe(self, msg_type, topic: str, callback: Callable, qos, raw: bool = False):
        """Subscribe; ``raw`` hands the callback the serialised message (bytes)."""
        return self.node.create_subscription(msg_type, topic, callback, qos, raw=raw)

    def call(self, srv_type, name: str, request=None, timeout: float = 15.0):
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

    def set_params(self, timeout: float = 15.0, **values):
        """Set parameters on the node under test; return the SetParametersResult list."""
        from rcl_interfaces.srv import SetParameters
        from rclpy.parameter import Parameter
        request = SetParameters.Request()
        request.parameters = [Parameter(k, value=v).to_parameter_msg() for k, v in values.items()]
        return self.call(SetParameters, '~/set_parameters', request, timeout).results

    def get_params(self, *names: str) -> list:
        """Read parameters of the node under test."""
        from rcl_interfaces.srv import GetParameters
        from rclpy.parameter import parameter_value_to_python
        request = GetParameters.Request(names=list(names))
        values = self.call(GetParameters, '~/get_parameters', request).values
        return [parameter_value_to_python(v) for v in values]

    def close(self) -> None:
        """Stop spinning, destroy the node, and shut a private context down."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._thread.join(2)
        self.executor.shutdown()
        self.node.destroy_node()
        if self.context is not None:
            self.context.try_shutdown()


class Probe(ProbeNode):
    """
    Watches a camera node: image_raw/compressed, camera_info and /diagnostics.

    ``images`` holds (data, header stamp ns, frame_id, format, receive time.time_ns)
    per frame unless ``keep_images`` is false (long runs); ``received`` always holds
    the receive times. ``validate(data) -> bool``, when given, runs on every frame and
    ``invalid`` counts the frames it refused.
    """

    def __init__(self, namespace: str = '/camera', node: str = 'esp32_drone_camera',
                 qos_depth: int = 50, *, own_context: bool = False, keep_images: bool = True,
                 validate: Optional[Callable[[bytes], bool]] = None):
        super().__init__(f'{namespace.rstrip("/")}/{node}', 'probe', own_context)
        from diagnostic_msgs.msg import DiagnosticArray
        from rclpy.qos import QoSProfile, ReliabilityPolicy
        from sensor_msgs.msg import CameraInfo, CompressedImage
        self.namespace = namespace
        self.images: List[tuple] = []
        self.received: List[int] = []
        self.infos: list = []
        self.diagnostics: dict = {}
        self.diag_history: List[tuple] = []
        self.invalid = 0
        self._keep_images = keep_images
        self._validate = validate
        self._lock = threading.Lock()
        qos = QoSProfile(depth=qos_depth, reliability=ReliabilityPolicy.RELIABLE)
        self.subscribe(CompressedImage, f'{namespace}/image_raw/compressed', self._on_image, qos)
        self.subscribe(CameraInfo, f'{namespace}/camera_info', self._on_info, qos)
        self.subscribe(DiagnosticArray, '/diagnostics', self._on_diag, 20)

    def _on_image(self, msg) -> None:
        received = time.time_ns()
        data = bytes(msg.data)
        valid = self._validate is None or self._validate(data)
        stamp = msg.header.stamp.sec * 1_000_000_000 + msg.header.stamp.nanosec
        with self._lock:
            if self._keep_images:
                self.images.append((data, stamp, msg.header.frame_id, msg.format, received))
            self.received.append(received)
            self.invalid += not valid

    def _on_info(self, msg) -> None:
        with self._lock:
            self.infos.append(msg)

    def _on_diag(self, msg) -> None:
        with self._lock:
            for s in msg.status:
                if s.name.startswith(DIAGNOSTICS_PREFIX):
                    task = s.name[len(DIAGNOSTICS_PREFIX):]
                    level = s.level[0] if isinstance(s.level, bytes) else s.level
                    entry = (level, s.message, {kv.key: kv.value for kv in s.values},
                             s.hardware_id)
                    self.diagnostics[task] = entry
                    self.diag_history.append((time.monotonic(), task, level, s.message))

    def frame_count(self) -> int:
        """Frames received so far."""
        with self._lock:
            return len(self.received)

    def wait_frames(self, n: int, timeout: float = 10.0) -> bool:
        """Wait until ``n`` frames have arrived."""
        return wait_for(lambda: self.frame_count() >= n, timeout)

    def first_frame_after(self, wall_ns: int, timeout: float = 10.0) -> Optional[float]:
        """Seconds from ``wall_ns`` (time.time_ns) to the next frame received, or None."""
        def later() -> Optional[int]:
            with self._lock:
                at = bisect.bisect_right(self.received, wall_ns)
                return self.received[at] if at < len(self.received) else None
        wait_for(lambda: later() is not None, timeout)
        first = later()
        return None if first is None else (first - wall_ns) / 1e9

    def diag(self, task: str):
        """(level, message, values, hardware_id) of a diagnostics task, or None."""
        with self._lock:
            return self.diagnostics.get(task)

    def wait_diag(self, task: str, predicate: Callable[[tuple], bool],
                  timeout: float = 10.0) -> bool:
        """Wait until the task's latest status satisfies ``predicate``."""
        return wait_for(lambda: self.diag(task) is not None and predicate(self.diag(task)),
                        timeout)
