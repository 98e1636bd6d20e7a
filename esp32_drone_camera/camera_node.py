"""
The camera node: the drone's WebSocket stream in, ROS 2 images out; a thin adapter.

The policy lives in ROS-free parts that this node wires to publishers, services and
parameters: ``FrameStamper`` (which frames are published, with which stamp),
``DeviceSession`` (the device's text and serial lines, commands, pings, clock sync,
apply-on-connect), ``CameraInfoState`` (the calibration, scaled to the frame size)
and ``Settings`` (the parameters as one typed object).

Threads: the link's thread (a blocking socket, no event loop) carries each frame
straight to the publisher: validate a few bytes, stamp, publish pre-serialised bytes;
no decoding, no per-byte work, no executor. The diagnostics thread pings the device
and publishes /diagnostics. The serial link, the settings worker and the image_raw
decoder have a thread each. The rclpy executor runs services and parameter changes;
commands wait for replies with a bounded timeout in its threads (a reentrant group),
so a slow or silent device never blocks the stream or other callbacks.
"""

import functools
import json
import sys
import time
from typing import Any, Callable, List, Optional

from builtin_interfaces.msg import Time
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from rcl_interfaces.msg import SetParametersResult
import rclpy
from rclpy.callback_groups import MutuallyExclusiveCallbackGroup, ReentrantCallbackGroup
from rclpy.exceptions import ParameterException
from rclpy.executors import ExternalShutdownException, MultiThreadedExecutor
from rclpy.node import Node
from rclpy.parameter import Parameter
from rclpy.qos import (HistoryPolicy, qos_profile_sensor_data, QoSProfile,
                       ReliabilityPolicy)
from rclpy.signals import SignalHandlerOptions
from sensor_msgs.msg import CameraInfo, CompressedImage, Image
from sensor_msgs.srv import SetCameraInfo
from std_srvs.srv import SetBool, Trigger

from . import cdr
from . import dds_profile
from . import diagnostics
from . import node_parameters
from . import ws_link
from .adaptive_streaming import AdaptiveStreaming
from .calibration import Calibration, CalibrationError
from .camera_info_state import calibration_to_msg, CameraInfoState, msg_to_calibration
from .command_client import Reply
from .device_session import DeviceSession, load_token
from .frame_stamper import FrameStamper
from .link_state import LinkState
from .log_limits import GatedLog
from .raw_images import RawImagePublisher
from .safe_text import redact_url
from .serial_link import SerialLink
from .settings import Settings
from .stop_signals import StopSignals
from .threads import Duties, named_thread, Ticker

try:  # Iron and newer tell a publisher when subscribers come and go; Humble does not.
    from rclpy.event_handler import PublisherEventCallbacks
    PublisherEventCallbacks(matched=lambda info: None)
except (ImportError, TypeError):
    PublisherEventCallbacks = None  # type: ignore[misc,assignment]  # Humble: tested for None

NODE_NAME = 'esp32_drone_camera'
HARD_MESSAGE_LIMIT = 4 * 1024 * 1024  # past this the link drops the connection (1009)
DIAGNOSTICS_PERIOD_S = 1.0  # diagnostic_updater's default rate
SHUTDOWN_WAIT_S = 0.5  # for the executor's callbacks, then for its thread
TRIGGERS = (('start_stream', 'start'), ('stop_stream', 'stop'), ('reset_camera', 'reset'),
            ('get_info', 'info'), ('get_status', 'status'), ('get_stats', 'stats'),
            ('clear_stats', 'clear'))  # Trigger services and the device command of each
_STAMPER_SETTINGS = ('max_frame_size', 'timestamp_source', 'arrival_offset')


class LinkEvents:
    """What the WebSocket link reports, routed to the part that handles each."""

    __slots__ = ('on_frame', 'on_text', 'on_state', 'on_bad_message')

    def __init__(self, on_frame: Callable[[bytes, int], bool], on_text: Callable[[str, int], None],
                 on_state: Callable[[LinkState, str], None],
                 on_bad_message: Callable[[str], None]):
        self.on_frame, self.on_text = on_frame, on_text
        self.on_state, self.on_bad_message = on_state, on_bad_message


def diagnostic_array(statuses: List[diagnostics.Status], stamp: Time) -> DiagnosticArray:
    """Convert diagnostics.build's statuses to a diagnostic_msgs/DiagnosticArray."""
    array = DiagnosticArray()
    array.header.stamp = stamp
    for st in statuses:
        array.status.append(DiagnosticStatus(
            level=bytes([st.level]), name=st.name, message=st.message,
            hardware_id=st.hardware_id, values=[KeyValue(key=k, value=v) for k, v in st.values]))
    return array


class CameraNode(Node):
    """Publishes image_raw/compressed, camera_info and /diagnostics from the device."""

    def __init__(self, node_name: str = NODE_NAME, **kwargs: Any) -> None:
        try:
            super().__init__(node_name, **kwargs)  # rclpy checks its own (use_sim_time)
        except ParameterException as exc:
            raise ValueError(str(exc)) from None
        node_parameters.declare(self)
        s = self.settings = Settings.from_lookup(lambda name: self.get_parameter(name).value)
        ws_link.parse_device_url(s.device_url)  # a bad one ends here, named (exit 2)
        self.url = redact_url(s.device_url)  # as logs and diagnostics show it: no password
        address = self.url.split('//', 1)[-1].rsplit('@', 1)[-1].rstrip('/')  # no user
        self.hardware_id = f'esp32s3-ov2640@{address}'
        token = load_token(s.command_token_file)
        # The parts' logger goes quiet at shutdown, before rclpy's context is gone.
        log = self._log_gate = GatedLog(self.get_logger())
        # One clock times the link: frame arrival and the PINGs' round trips alike.
        link_clock = self._now_ns if self.get_parameter('use_sim_time').value else time.time_ns
        self.session = DeviceSession(s, log, token=lambda: token, now_ns=link_clock,
                                     on_welcome=self._on_welcome)
        self._build_publishers()
        self.camera_info = CameraInfoState(s.camera_info_url, s.camera_name, s.frame_size,
                                           self._serialize_info, log)
        self.stamper = FrameStamper(self.session.clock, self.camera_info.use_frame_size,
                                    max_frame_size=s.max_frame_size)
        self._configure_stamper(s)
        s.listen(_STAMPER_SETTINGS, self._configure_stamper)
        self._stamp = self.stamper.stamp  # bound once: the hot path calls it per frame
        self.adaptive = AdaptiveStreaming(s, self.session, lambda: self.stamper.device_drops,
                                          log)
        self._meter = self.adaptive.add  # bound once, per frame too
        self.frames_published = 0
        self._last_frame_mono: Optional[float] = None
        self._window = diagnostics.StreamWindow()
        self._build_services()
        duties = Duties([(s.ping_interval, lambda now: self.session.send_ping()),
                         (DIAGNOSTICS_PERIOD_S, self._publish_diagnostics)])
        self._ticker = Ticker(duties.period, duties, 'diagnostics', self._on_tick_error)
        raw = self.raw
        if raw is not None and s.publish_raw == 'lazy' and PublisherEventCallbacks is None:
            # Humble: poll the subscriber count off the frame path instead.
            self.create_timer(0.5, lambda: self._on_raw_matched(raw.matched_status()),
                              callback_group=MutuallyExclusiveCallbackGroup())
        self.add_on_set_parameters_callback(self._on_set_parameters)
        if hasattr(self, 'add_pre_set_parameters_callback'):  # Iron and newer
            self.add_pre_set_parameters_callback(node_parameters.coerce_integers)

        session = self.session
        self.link = ws_link.WebSocketLink(
            self.url, LinkEvents(self._on_frame, session.on_text, session.on_link_state,
                                 session.on_bad_message),
            clock_ns=link_clock,
            open_timeout=s.connect_timeout, stale_timeout=s.stale_timeout,
            backoff_min=s.reconnect_min, backoff_max=s.reconnect_max,
            max_message=HARD_MESSAGE_LIMIT, expect_frames=session.expect_frames)
        s.listen(('stale_timeout',), lambda new: setattr(self.link, 'stale_timeout',
                                                         new.stale_timeout))
        self.serial: Optional[SerialLink] = None
        if s.serial_port:
            self.serial = SerialLink(s.serial_port, s.serial_baud, session.on_serial_line,
                                     session.on_serial_state)
        session.attach(self.link, self.serial)
        if self.serial is not None:
            self.serial.start()
        self.link.start()
        self._ticker.start()
        self.adaptive.start()
        log.info(f'streaming from {self.url} as {self._image_pub.topic_name}')

    # -- setup ------------------------------------------------------------------
    def _build_publishers(self) -> None:
        s = self.settings
        if s.qos == 'sensor_data':
            qos = qos_profile_sensor_data
        else:
            qos = QoSProfile(depth=s.qos_depth, history=HistoryPolicy.KEEP_LAST,
                             reliability=ReliabilityPolicy.RELIABLE)
        self._image_pub = self.create_publisher(CompressedImage, 'image_raw/compressed', qos)
        self._info_pub = self.create_publisher(CameraInfo, 'camera_info', qos)
        self._diag_pub = self.create_publisher(DiagnosticArray, '/diagnostics', 10)
        # Both are published pre-serialised: a template's bytes with the stamp patched in
        # (and, for the image, the JPEG appended), so no message is converted per frame.
        self._image = CompressedImage(format='jpeg')
        self._image.header.frame_id = s.frame_id
        self._image_prefix = cdr.image_prefix(self._image)
        self._info = CameraInfo()
        self._info.header = self._image.header
        # image_raw: decoded in a worker, and (lazy) only while someone subscribes.
        self.raw: Optional[RawImagePublisher] = None
        self.raw_wanted = False
        if s.publish_raw != 'never':
            lazy = s.publish_raw == 'lazy'
            events = None
            if lazy and PublisherEventCallbacks is not None:
                events = PublisherEventCallbacks(matched=self._on_raw_matched)
            self.raw = RawImagePublisher(
                self.create_publisher(Image, 'image_raw', qos, event_callbacks=events),
                s.frame_id, logger=self._log_gate)
            self.raw_wanted = not lazy

    def _serialize_info(self, calibration: Calibration) -> bytearray:
        return cdr.template(calibration_to_msg(calibration, self._info))

    def _configure_stamper(self, s: Settings) -> None:
        self.stamper.configure(s.max_frame_size, s.use_capture_time, s.arrival_offset_ns)

    def _build_services(self) -> None:
        group = ReentrantCallbackGroup()
        for name, cmd in TRIGGERS:
            self.create_service(Trigger, '~/' + name, functools.partial(self._on_trigger, cmd),
                                callback_group=group)
        self.create_service(SetCameraInfo, '~/set_camera_info', self._on_set_camera_info,
                            callback_group=group)
        self.create_service(SetBool, '~/release_serial', self._on_release_serial,
                            callback_group=group)

    # -- the hot path: called in the link thread for every binary message -------
    def _now_ns(self) -> int:
        return self.get_clock().now().nanoseconds

    def _on_frame(self, data: bytes, arrival_ns: int) -> bool:
        """Stamp and publish one frame, or drop it (the stamper counts why); say which."""
        stamp_ns = self._stamp(data, arrival_ns)
        if isinstance(stamp_ns, str):  # a rejection reason
            return False  # not life: garbage must not keep the stall watchdog quiet
        sec, nanosec = divmod(stamp_ns, 1_000_000_000)
        prefix, info = self._image_prefix, self.camera_info.cdr
        cdr.set_stamp(prefix, sec, nanosec)
        cdr.set_stamp(info, sec, nanosec)
        self._image_pub.publish(cdr.image(prefix, data))
        self._info_pub.publish(bytes(info))
        if self.raw_wanted and self.raw is not None:
            self.raw.offer(data, sec, nanosec)
        self.frames_published += 1
        self._last_frame_mono = time.monotonic()
        stamper = self.stamper
        self._meter(len(data), stamper.last_meta, stamper.last_age_ns)
        return True

    def _on_welcome(self, frame_size_index: Optional[int]) -> None:
        self.stamper.new_connection(frame_size_index)
        self.adaptive.new_connection()

    def _on_raw_matched(self, info: Any) -> None:  # a MatchedInfo (or its Humble stand-in)
        # Matched events (Iron and newer) or, on Humble, a 0.5 s timer in the executor.
        if self.raw is not None:
            self.raw_wanted = self.raw.subscribers_changed(info.current_count)

    # -- the diagnostics thread -------------------------------------------------
    def _on_tick_error(self, exc: Exception) -> None:
        if self._ticker.stopping or not self.context.ok():
            return  # shutting down: the publishers are gone
        self.get_logger().error(f'diagnostics tick failed: {exc!r}',
                                throttle_duration_sec=10.0)

    def _report(self, now: float) -> dict:
        """Return the node's own fields of the diagnostics snapshot."""
        s, last = self.settings, self._last_frame_mono
        return {'node_name': self.get_name(), 'hardware_id': self.hardware_id,
                'url': self.url, 'expected_fps': float(s.target_fps),
                'fps_tolerance': s.fps_tolerance, 'stale_timeout': s.stale_timeout,
                'frames_published': self.frames_published,
                'since_last_frame_s': None if last is None else now - last,
                'extra_frames': {**self.stamper.report_extra(),
                                 **(self.raw.stats() if self.raw else {})}}

    def _publish_diagnostics(self, now: float) -> None:
        window = self._window.advance(self.frames_published, self.stamper.rejected_total, now)
        snapshot = diagnostics.Snapshot(**window, **self._report(now),
                                        **self.session.report(now), **self.stamper.report(now),
                                        **self.camera_info.report())
        statuses = diagnostics.build(snapshot)
        statuses.append(self.adaptive.status(self.get_name(), self.hardware_id))
        self._diag_pub.publish(diagnostic_array(statuses,
                                                self.get_clock().now().to_msg()))

    # -- services and parameters ------------------------------------------------
    def _on_trigger(self, cmd: str, _request: Trigger.Request,
                    response: Trigger.Response) -> Trigger.Response:
        reply: Reply = self.session.call(cmd)
        response.success = reply.ok
        if reply.ok:  # the stock console's own text, or our firmware's result
            response.message = reply.message or json.dumps(reply.result, sort_keys=True)
        else:
            response.message = f'{reply.error}: {reply.message}'
        return response

    def _on_set_camera_info(self, request: SetCameraInfo.Request,
                            response: SetCameraInfo.Response) -> SetCameraInfo.Response:
        try:
            path = self.camera_info.set_camera_info(
                msg_to_calibration(request.camera_info, self.settings.camera_name))
        except (CalibrationError, OSError) as exc:
            response.success = False
            response.status_message = f'not saved: {exc}'
            return response
        response.success = True
        response.status_message = f'saved to {path}'
        self.get_logger().info(response.status_message)
        return response

    def _on_release_serial(self, request: SetBool.Request,
                           response: SetBool.Response) -> SetBool.Response:
        if self.serial is None:
            response.success, response.message = False, 'no serial port configured'
        elif request.data:
            self.serial.release()
            response.success, response.message = True, f'released {self.serial.port}'
        else:
            self.serial.acquire()
            response.success, response.message = True, f'reacquiring {self.serial.port}'
        return response

    def _on_set_parameters(self, parameters: List[Parameter]) -> SetParametersResult:
        error = node_parameters.refusal(self, parameters)
        if error:
            return SetParametersResult(successful=False, reason=error)
        changes = {param.name: param.value for param in parameters}
        # While adaptive_quality is on, jpeg_quality and frame_size are its ceiling.
        error = self.session.set_device_params(self.adaptive.device_changes(changes))
        if error:
            return SetParametersResult(successful=False, reason=error)
        self.settings.update(changes)
        return SetParametersResult(successful=True)

    def shutdown(self) -> None:
        """
        Stop everything the node started, in bounded time, while rclpy's context is valid.

        Commands still waiting are cancelled first, so their callers get an answer
        before the executor stops. The parts log nothing from then on: a thread that
        outlives its join would otherwise log after the context is gone.
        """
        self.session.close(0.5)
        self._log_gate.close()
        self._ticker.stop()
        self.adaptive.stop()
        self.link.stop()
        if self.raw is not None:
            self.raw.close()
        if self.serial is not None:
            self.serial.stop()


def _spin(executor: MultiThreadedExecutor) -> None:
    try:
        executor.spin()
    except ExternalShutdownException:
        pass


def main(args: Optional[List[str]] = None, signals: Optional[StopSignals] = None) -> int:
    """Run the node until SIGINT or SIGTERM (any number, at any moment); exit 0."""
    if signals is None:  # node_main.py takes them over earlier, before the imports
        signals = StopSignals()  # before rclpy.init: no moment where a signal raises
    dds_note = dds_profile.select()  # before rclpy.init: one consumer must not hurt another
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.NO)
    node = executor = spinner = None
    code = 0
    try:
        node = CameraNode()
        node.get_logger().info(dds_note)
        executor = MultiThreadedExecutor(num_threads=4)
        executor.add_node(node)
        spinner = named_thread(_spin, 'executor', (executor,))
        spinner.start()  # the main thread only waits: signals reach it at once
        if not signals.wait(spinner.is_alive):
            print('camera_node: the executor stopped unexpectedly', file=sys.stderr)
            code = 1
    except ValueError as exc:
        print(f'camera_node: {exc}', file=sys.stderr)
        code = 2
    finally:
        signals.ignore_from_now()
        if node is not None:
            node.shutdown()  # commands cancelled, threads stopped, its parts silent
        if executor is not None:
            executor.shutdown(timeout_sec=SHUTDOWN_WAIT_S)  # answers the cancelled calls
        if spinner is not None:
            spinner.join(SHUTDOWN_WAIT_S)
        if node is not None:
            node.destroy_node()
        rclpy.try_shutdown()
    return code


if __name__ == '__main__':
    sys.exit(main())
