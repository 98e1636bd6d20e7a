"""
The camera node: the drone's WebSocket stream in, ROS 2 images out.

Threads: the rclpy executor (services, parameters, timers) and the WebSocket link's
asyncio loop (frames). A frame goes from the link straight to the publisher in the
link's thread: validate a few bytes, stamp, publish; no decoding, no per-byte work.
Commands wait for replies with a bounded timeout in executor threads of a reentrant
group, so a slow or silent device never blocks the stream or other callbacks.
"""

import json
import os
import sys
import threading
import time
from typing import Optional

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from rcl_interfaces.msg import SetParametersResult
import rclpy
from rclpy.callback_groups import MutuallyExclusiveCallbackGroup, ReentrantCallbackGroup
from rclpy.executors import ExternalShutdownException, MultiThreadedExecutor
from rclpy.node import Node
from rclpy.qos import (HistoryPolicy, qos_profile_sensor_data, QoSProfile,
                       ReliabilityPolicy)
from sensor_msgs.msg import CameraInfo, CompressedImage, Image
from sensor_msgs.srv import SetCameraInfo
from std_srvs.srv import SetBool, Trigger

from . import calibration as calib
from . import cdr
from . import dds_profile
from . import diagnostics as diag
from . import frames as fr
from . import params as prm
from . import ws_link
from .clock_sync import ClockSync, Sample
from .command_client import CommandClient, Reply
from .protocol import (format_ping, FRAME_SIZE_BY_NAME, FRAME_SIZES, parse_serial_line,
                       parse_text)
from .raw_images import RawImagePublisher
from .serial_link import SerialLink
from .threads import named_thread

try:  # Iron and newer tell a publisher when subscribers come and go; Humble does not.
    from rclpy.event_handler import PublisherEventCallbacks
    PublisherEventCallbacks(matched=lambda info: None)
except (ImportError, TypeError):
    PublisherEventCallbacks = None

NODE_NAME = 'esp32_drone_camera'
HARD_MESSAGE_LIMIT = 4 * 1024 * 1024  # past this the link drops the connection (1009)
STAMP_SANITY_NS = 2_000_000_000
# Serialised (CDR) messages start with a 4-byte header, then header.stamp.
DIAGNOSTICS_PERIOD_S = 1.0  # diagnostic_updater's default rate
MAX_TEXT_CHARS = 16384  # device text messages are < 1 KB; longer ones are not parsed
# Parameters that take effect at runtime without touching the device.
DYNAMIC = ('stale_timeout', 'max_frame_size', 'fps_tolerance', 'timestamp_source',
           'arrival_offset', 'command_transport', 'command_timeout', 'target_fps')
_LOG_LEVEL = {'error': 'error', 'warn': 'warning', 'debug': 'debug', 'info': 'info'}


def calibration_to_msg(c: calib.Calibration, msg: CameraInfo) -> CameraInfo:
    """Fill a CameraInfo with a calibration (header untouched)."""
    msg.width, msg.height = c.width, c.height
    msg.distortion_model = c.distortion_model
    msg.d = [float(v) for v in c.d]
    msg.k = [float(v) for v in c.k]
    msg.r = [float(v) for v in c.r]
    msg.p = [float(v) for v in c.p]
    return msg


def msg_to_calibration(msg: CameraInfo, name: str) -> calib.Calibration:
    """Read the calibration a SetCameraInfo request carries."""
    return calib.Calibration(width=msg.width, height=msg.height, camera_name=name,
                             distortion_model=msg.distortion_model or 'plumb_bob',
                             d=list(msg.d), k=list(msg.k), r=list(msg.r), p=list(msg.p))


class CameraNode(Node, ws_link.LinkCallbacks):
    """Publishes image_raw/compressed, camera_info and /diagnostics from the device."""

    def __init__(self, node_name: str = NODE_NAME, **kwargs):
        super().__init__(node_name, **kwargs)
        for p in prm.PARAMS:
            self.declare_parameter(p.name, p.default, prm.descriptor(p))
        for p in prm.PARAMS:
            error = prm.check_choice(p.name, self._p(p.name))
            if error:
                raise ValueError(error)
        self._read_dynamic()
        self.url = self._p('device_url')
        self.hardware_id = f'esp32s3-ov2640@{self.url.split("//", 1)[-1].rstrip("/")}'
        self._token = self._load_token()

        # Stream state (written by the link thread, read by the diagnostics timer).
        self.frames_published = 0
        self.rejected = dict.fromkeys(fr.REASONS, 0)
        self.rejected_total = 0
        self.malformed_text = 0
        self.unknown_text = 0
        self.device_drops = 0
        self.stamp_fallbacks = 0
        self._last_seq: Optional[int] = None
        self._last_frame_mono: Optional[float] = None
        self.protocol: Optional[int] = None
        self.firmware = ''
        self.device_status: Optional[dict] = None
        self._device_status_mono = 0.0
        self.low_memory: Optional[int] = None
        self._low_memory_mono = 0.0
        self.stopped_on_request = False
        self.link_detail = ''
        self.clock = ClockSync()
        self._v1_ping_ns: Optional[int] = None
        self._v1_rtt_ns: Optional[int] = None
        self._rate = diag.FrequencyWindow()
        self._rejected_at_tick = 0
        self.serial_detail = ''

        self._build_publishers()
        self._load_calibration()
        self.commands = CommandClient(self._choose_transport, lambda: self._token)
        self._build_services()
        self._diag_group = MutuallyExclusiveCallbackGroup()
        # Pings and diagnostics run in a plain thread of their own, not on an executor
        # timer: each executor wake-up rebuilds its wait set (every service, timer and
        # event of this node) and hands the callback to a worker, which costs more CPU
        # than the work itself (docs/benchmarks.md). With no timer, the executor sleeps
        # until a service call or a parameter change, and the hot path has the CPU.
        self._ping_every = self._p('ping_interval')
        self._next_ping = self._next_diag = time.monotonic()
        self._tick_period = min(DIAGNOSTICS_PERIOD_S, self._ping_every)
        self._tick_slack = self._tick_period / 4  # "due" must not miss a tick by jitter
        self._ticker_stop = threading.Event()
        self._ticker = named_thread(self._tick_loop, 'diagnostics')
        if self.raw is not None and self._p('publish_raw') == 'lazy' and \
                PublisherEventCallbacks is None:
            # Humble: poll the subscriber count off the frame path instead.
            self.create_timer(0.5, lambda: self._on_raw_matched(self.raw.matched_status()),
                              callback_group=self._diag_group)
        self.add_on_set_parameters_callback(self._on_set_parameters)

        self.link = ws_link.WebSocketLink(
            self.url, self,
            clock_ns=self._now_ns if self._p('use_sim_time') else time.time_ns,
            open_timeout=self._p('connect_timeout'), stale_timeout=self.stale_timeout,
            backoff_min=self._p('reconnect_min'), backoff_max=self._p('reconnect_max'),
            max_message=HARD_MESSAGE_LIMIT, expect_frames=self._expect_frames)
        self.serial: Optional[SerialLink] = None
        if self._p('serial_port'):
            self.serial = SerialLink(self._p('serial_port'), self._p('serial_baud'),
                                     self._on_serial_line, self._on_serial_state)
            self.serial.start()
        self.link.start()
        self._ticker.start()
        self.get_logger().info(f'streaming from {self.url} as {self._image_pub.topic_name}')

    # -- setup ------------------------------------------------------------------
    def _p(self, name: str):
        return self.get_parameter(name).value

    def _read_dynamic(self) -> None:
        for name in DYNAMIC:
            self._apply_dynamic(name, self._p(name))

    def _apply_dynamic(self, name: str, value) -> None:
        """Take a runtime-settable parameter's new value into effect."""
        if name == 'stale_timeout':
            self.stale_timeout = value
            if hasattr(self, 'link'):
                self.link.stale_timeout = value
        elif name == 'timestamp_source':
            self.use_capture_time = value == 'auto'
        elif name == 'arrival_offset':
            self.arrival_offset_ns = int(value * 1e9)
        elif name in DYNAMIC:
            setattr(self, name, value)

    def _load_token(self) -> str:
        path = self._p('command_token_file')
        if path:
            try:
                with open(path, encoding='utf-8') as f:
                    return f.read().strip()
            except OSError as exc:
                raise ValueError(f'cannot read command_token_file: {exc.strerror}') from exc
        return os.environ.get('CAM_TOKEN', '')

    def _build_publishers(self) -> None:
        if self._p('qos') == 'sensor_data':
            qos = qos_profile_sensor_data
        else:
            qos = QoSProfile(depth=self._p('qos_depth'), history=HistoryPolicy.KEEP_LAST,
                             reliability=ReliabilityPolicy.RELIABLE)
        self._image_pub = self.create_publisher(CompressedImage, 'image_raw/compressed', qos)
        self._info_pub = self.create_publisher(CameraInfo, 'camera_info', qos)
        self._diag_pub = self.create_publisher(DiagnosticArray, '/diagnostics', 10)
        # Both are published pre-serialised: a template's bytes with the stamp patched in
        # (and, for the image, the JPEG appended), so no message is converted per frame.
        self._image = CompressedImage(format='jpeg')
        self._image.header.frame_id = self._p('frame_id')
        self._image_prefix = cdr.image_prefix(self._image)
        self._info = CameraInfo()
        self._info.header = self._image.header
        self._info_cdr = cdr.template(self._info)
        # image_raw: decoded in a worker, and (lazy) only while someone subscribes.
        self.raw: Optional[RawImagePublisher] = None
        self.raw_wanted = False
        mode = self._p('publish_raw')
        if mode != 'never':
            lazy = mode == 'lazy'
            events = None
            if lazy and PublisherEventCallbacks is not None:
                events = PublisherEventCallbacks(matched=self._on_raw_matched)
            self.raw = RawImagePublisher(
                self.create_publisher(Image, 'image_raw', qos, event_callbacks=events),
                self._p('frame_id'))
            self.raw_wanted = not lazy

    def _load_calibration(self) -> None:
        name = self._p('camera_name')
        self.calibration_note = ''
        try:
            self.calibration_path = calib.resolve_url(self._p('camera_info_url'), name)
            self.calibration = calib.load(self.calibration_path)
        except calib.CalibrationError as exc:
            self.get_logger().warning(f'{exc}; publishing an uncalibrated camera_info')
            self.calibration_path = getattr(self, 'calibration_path', '')
            _, w, h = FRAME_SIZE_BY_NAME[self._p('frame_size')]
            self.calibration = calib.Calibration(width=w, height=h, camera_name=name)
            self.calibration_note = f'no calibration: {exc}'
        self._info_size_index: Optional[int] = None
        self._set_info(self.calibration)

    def _set_info(self, calibration: calib.Calibration) -> None:
        """Make ``calibration`` what camera_info publishes (re-serialises the template)."""
        calibration_to_msg(calibration, self._info)
        self._info_cdr = cdr.template(self._info)

    def _set_frame_size(self, index: int) -> None:
        """Keep camera_info consistent with the size of the frames actually received."""
        self._info_size_index = index
        if not 0 <= index < len(FRAME_SIZES):
            return
        name, width, height = FRAME_SIZES[index]
        scaled = calib.scale(self.calibration, width, height)
        if scaled is None:
            scaled = calib.Calibration(width=width, height=height,
                                       camera_name=self.calibration.camera_name)
            self.calibration_note = (f'calibration is for {self.calibration.width}x'
                                     f'{self.calibration.height}; frames are {name} '
                                     f'{width}x{height} (other aspect ratio): camera_info '
                                     'uncalibrated')
        elif self.calibration_note.startswith('calibration is for'):
            self.calibration_note = ''
        self._set_info(scaled)

    def _build_services(self) -> None:
        group = ReentrantCallbackGroup()

        def trigger(name, cmd, after=None):
            def callback(_request, response):
                reply = self.commands.call(cmd, None, self.command_timeout)
                if reply.ok and after:
                    after()
                return self._fill_trigger(response, reply)
            self.create_service(Trigger, '~/' + name, callback, callback_group=group)

        trigger('start_stream', 'start', lambda: setattr(self, 'stopped_on_request', False))
        trigger('stop_stream', 'stop', lambda: setattr(self, 'stopped_on_request', True))
        trigger('reset_camera', 'reset')
        trigger('get_info', 'info')
        trigger('get_status', 'status')
        trigger('get_stats', 'stats')
        trigger('clear_stats', 'clear')
        self.create_service(SetCameraInfo, '~/set_camera_info', self._on_set_camera_info,
                            callback_group=group)
        self.create_service(SetBool, '~/release_serial', self._on_release_serial,
                            callback_group=group)

    @staticmethod
    def _fill_trigger(response, reply: Reply):
        response.success = reply.ok
        if reply.ok:
            response.message = json.dumps(reply.result, sort_keys=True)
        else:
            response.message = f'{reply.error}: {reply.message}'
        return response

    # -- the hot path: called in the link thread for every binary message -------
    def _now_ns(self) -> int:
        return self.get_clock().now().nanoseconds

    def on_frame(self, data: bytes, arrival_ns: int) -> None:
        """Validate, stamp and publish one frame."""
        reason = fr.validate(data, self.max_frame_size)
        if reason != fr.OK:
            self.rejected[reason] += 1
            self.rejected_total += 1
            return
        stamp_ns = arrival_ns - self.arrival_offset_ns
        meta = fr.read_metadata(data)
        if meta is not None:
            self.device_drops += fr.sequence_gap(self._last_seq, meta.seq)
            self._last_seq = meta.seq
            if meta.frame_size != self._info_size_index:
                self._set_frame_size(meta.frame_size)
            if self.use_capture_time:
                capture_ns = self.clock.to_node_ns(meta.capture_us)
                if capture_ns is not None:
                    if arrival_ns - STAMP_SANITY_NS < capture_ns <= arrival_ns:
                        stamp_ns = capture_ns
                    else:
                        self.stamp_fallbacks += 1
        sec, nanosec = divmod(stamp_ns, 1_000_000_000)
        prefix, info = self._image_prefix, self._info_cdr
        cdr.set_stamp(prefix, sec, nanosec)
        cdr.set_stamp(info, sec, nanosec)
        self._image_pub.publish(cdr.image(prefix, data))
        self._info_pub.publish(bytes(info))
        if self.raw_wanted:
            self.raw.offer(data, sec, nanosec)
        self.frames_published += 1
        self._last_frame_mono = time.monotonic()

    # -- text and state from the link -------------------------------------------
    def on_bad_message(self, reason: str) -> None:
        """Count a message the link skipped (it never reaches the parser)."""
        self.malformed_text += 1

    def on_text(self, text: str, arrival_ns: int) -> None:
        """Handle a JSON/text message from the device."""
        if len(text) > MAX_TEXT_CHARS:  # no device message is this long: do not parse it
            self.malformed_text += 1
            return
        msg = parse_text(text)
        kind, fields = msg.kind, msg.fields
        if kind == 'status':
            self.device_status = fields
            self._device_status_mono = time.monotonic()
        elif kind == 'reply':
            self.commands.on_reply(fields)
        elif kind == 'pong':
            try:
                t0 = int(fields['echo'])
            except ValueError:
                self.malformed_text += 1
                return
            self.clock.add(Sample(t0, fields['rx_us'], fields['tx_us'], arrival_ns))
        elif kind == 'pong_v1':
            if self._v1_ping_ns is not None:
                self._v1_rtt_ns = arrival_ns - self._v1_ping_ns
                self._v1_ping_ns = None
        elif kind == 'welcome':
            self._on_welcome(fields)
        elif kind == 'invalid':
            self.malformed_text += 1
            self.get_logger().debug(f'skipped malformed message: {msg.error}')
        elif kind == 'unknown':
            self.unknown_text += 1

    def _on_welcome(self, fields: dict) -> None:
        self.protocol = fields['protocol']
        self.firmware = str(fields.get('firmware', '2.1 (README)'))
        self.clock.reset()  # a new connection may be a rebooted device with a new clock
        self._last_seq = None
        self._v1_rtt_ns = None
        size = fields.get('frame_size')
        if size in FRAME_SIZE_BY_NAME:
            self._set_frame_size(FRAME_SIZE_BY_NAME[size][0])
        if self.protocol >= 2 and self._p('apply_on_connect'):
            named_thread(self._apply_settings, 'apply_settings', (fields,)).start()

    def _apply_settings(self, welcome: dict) -> None:
        # Runs in its own thread: it waits for replies that arrive on the link thread.
        current = {'jpeg_quality': welcome.get('quality'),
                   'frame_size': welcome.get('frame_size'),
                   'target_fps': welcome.get('fps_target')}
        for name, cmd in prm.DEVICE_PARAMS.items():
            wanted = self._p(name)
            if current[name] == wanted:
                continue
            reply = self.commands.call(cmd, wanted, self.command_timeout)
            if reply.ok:
                self.get_logger().info(f'device {cmd} set to {wanted}')
            else:
                self.get_logger().warning(f'device refused {cmd} {wanted}: {reply.message}')

    def on_state(self, state: str, detail: str) -> None:
        """Log link state changes once each."""
        self.link_detail = detail
        if state == ws_link.CONNECTED:
            self.get_logger().info(f'connected to {detail}')
        elif state in (ws_link.DEVICE_FULL, ws_link.STALLED, ws_link.DISCONNECTED):
            self.protocol = None
            self.get_logger().warning(f'{state}: {detail}', throttle_duration_sec=5.0)

    def _expect_frames(self) -> bool:
        status = self.device_status
        streaming = status.get('streaming', True) if status else True
        return streaming and not self.stopped_on_request

    def _on_raw_matched(self, info) -> None:
        # Event-driven: no timer wakes the executor to poll the subscriber count.
        self.raw_wanted = info.current_count > 0

    def _tick_loop(self) -> None:
        next_at = time.monotonic()
        while True:
            next_at = max(next_at + self._tick_period, time.monotonic())
            if self._ticker_stop.wait(next_at - time.monotonic()):
                return
            try:
                self._tick()
            except Exception as exc:  # noqa: BLE001 - diagnostics must outlive a bad tick
                if self._ticker_stop.is_set() or not self.context.ok():
                    return  # shutting down: the publishers are gone
                self.get_logger().error(f'diagnostics tick failed: {exc!r}',
                                        throttle_duration_sec=10.0)

    def _tick(self) -> None:
        now = time.monotonic()
        due = now + self._tick_slack
        if due >= self._next_ping:
            self._next_ping = max(self._next_ping + self._ping_every, now)
            self._send_ping()
        if due >= self._next_diag:
            self._next_diag = max(self._next_diag + DIAGNOSTICS_PERIOD_S, now)
            self._publish_diagnostics()

    def _send_ping(self) -> None:
        if not self.link.connected:
            return
        if self.protocol is not None and self.protocol >= 2:
            self.link.send_text(format_ping(str(self._now_ns())))
        else:
            self._v1_ping_ns = self._now_ns()
            self.link.send_text('PING')

    # -- serial -----------------------------------------------------------------
    def _on_serial_line(self, line: str) -> None:
        parsed = parse_serial_line(line)
        if parsed.kind == 'reply':
            self.commands.on_reply(parsed.reply)
        elif parsed.kind == 'log':
            if parsed.low_memory is not None:
                self.low_memory = parsed.low_memory
                self._low_memory_mono = time.monotonic()
            getattr(self.get_logger(), _LOG_LEVEL[parsed.level])(f'device: {line}')
        elif line.strip():
            self.get_logger().debug(f'device: {line}')

    def _on_serial_state(self, state: str, detail: str) -> None:
        self.serial_detail = detail
        log = self.get_logger().info if state == 'open' else self.get_logger().warning
        log(f'serial {state}: {detail}', throttle_duration_sec=5.0)

    def _choose_transport(self):
        ws_up = self.link.connected
        serial_up = self.serial is not None and self.serial.is_open
        mode = self.command_transport
        if mode == 'websocket':
            return ('websocket', self.link.send_text) if ws_up else (
                None, 'WebSocket not connected')
        if mode == 'serial':
            if self.serial is None:
                return None, 'serial transport selected but serial_port is empty'
            return ('serial', self.serial.write_line) if serial_up else (
                None, f'serial port not open: {self.serial_detail}')
        if ws_up and self.protocol != 1:
            return 'websocket', self.link.send_text
        if serial_up:
            return 'serial', self.serial.write_line
        if ws_up:  # a v1 device: it will not confirm, and the reply says so
            return 'websocket', self.link.send_text
        return None, 'no transport: WebSocket not connected and no serial port open'

    # -- services and parameters ------------------------------------------------
    def _on_set_camera_info(self, request, response):
        try:
            new = msg_to_calibration(request.camera_info, self._p('camera_name'))
            if new.width <= 0 or new.height <= 0:
                raise calib.CalibrationError('camera_info has no image size')
            path = calib.resolve_url(self._p('camera_info_url'), self._p('camera_name'))
            calib.save(path, new)
        except (calib.CalibrationError, OSError) as exc:
            response.success = False
            response.status_message = f'not saved: {exc}'
            return response
        self.calibration, self.calibration_path, self.calibration_note = new, path, ''
        index = self._info_size_index
        if index is not None:
            self._set_frame_size(index)
        else:
            self._set_info(new)
        response.success = True
        response.status_message = f'saved to {path}'
        self.get_logger().info(response.status_message)
        return response

    def _on_release_serial(self, request, response):
        if self.serial is None:
            response.success, response.message = False, 'no serial port configured'
        elif request.data:
            self.serial.release()
            response.success, response.message = True, f'released {self.serial.port}'
        else:
            self.serial.acquire()
            response.success, response.message = True, f'reacquiring {self.serial.port}'
        return response

    def _on_set_parameters(self, parameters) -> SetParametersResult:
        for param in parameters:
            error = prm.check_choice(param.name, param.value)
            if error:
                return SetParametersResult(successful=False, reason=error)
        for param in parameters:
            cmd = prm.DEVICE_PARAMS.get(param.name)
            if cmd is None:
                continue
            reply = self.commands.call(cmd, param.value, self.command_timeout)
            if not reply.ok:
                return SetParametersResult(
                    successful=False, reason=f'device did not apply {param.name}: '
                    f'{reply.error}: {reply.message}')
        for param in parameters:
            self._apply_dynamic(param.name, param.value)
        return SetParametersResult(successful=True)

    # -- diagnostics ------------------------------------------------------------
    def snapshot(self) -> diag.Snapshot:
        """Gather the diagnostics inputs."""
        now = time.monotonic()
        rate, events, window = self._rate.tick(self.frames_published, now)
        rejected_in_window = self.rejected_total - self._rejected_at_tick
        self._rejected_at_tick = self.rejected_total
        rtt = self.clock.last_rtt_ns if self.protocol and self.protocol >= 2 else self._v1_rtt_ns
        offset = self.clock.offset_ns
        synced = self.use_capture_time and offset is not None
        size = self._info_size_index
        return diag.Snapshot(
            node_name=self.get_name(), hardware_id=self.hardware_id, url=self.url,
            link_state=self.link.state, link_detail=self.link_detail,
            connects=self.link.connects, protocol=self.protocol, firmware=self.firmware,
            stopped_on_request=self.stopped_on_request, rate=rate, rate_events=events,
            rate_window_s=window, expected_fps=float(self.target_fps),
            fps_tolerance=self.fps_tolerance, frames_published=self.frames_published,
            rejected=dict(self.rejected), rejected_in_window=rejected_in_window,
            malformed_text=self.malformed_text, unknown_text=self.unknown_text,
            device_drops=self.device_drops,
            since_last_frame_s=None if self._last_frame_mono is None
            else now - self._last_frame_mono,
            rtt_ms=None if rtt is None else rtt / 1e6,
            clock_offset_ms=None if offset is None else offset / 1e6,
            timestamp_source='device capture time' if synced else 'arrival time',
            device_status=self.device_status,
            device_status_age_s=now - self._device_status_mono if self.device_status else None,
            low_memory_bytes=self.low_memory,
            low_memory_age_s=now - self._low_memory_mono if self.low_memory else None,
            serial_port=self._p('serial_port'),
            serial_state=self.serial.state if self.serial else '',
            serial_detail=self.serial_detail, calibration_note=self.calibration_note,
            frame_size=FRAME_SIZES[size][0] if size is not None and 0 <= size < 8 else '',
            stale_timeout=self.stale_timeout, stalls=self.link.stalls,
            extra_frames={'Capture stamps rejected as implausible': str(self.stamp_fallbacks),
                          **(self.raw.stats() if self.raw else {})})

    def _publish_diagnostics(self) -> None:
        array = DiagnosticArray()
        array.header.stamp = self.get_clock().now().to_msg()
        for s in diag.build(self.snapshot()):
            array.status.append(DiagnosticStatus(
                level=bytes([s.level]), name=s.name, message=s.message,
                hardware_id=s.hardware_id,
                values=[KeyValue(key=k, value=v) for k, v in s.values]))
        self._diag_pub.publish(array)

    def shutdown(self) -> None:
        """Stop the links and the diagnostics thread (bounded time)."""
        self._ticker_stop.set()
        self.link.stop()
        self._ticker.join(0.5)
        if self.raw is not None:
            self.raw.close()
        if self.serial is not None:
            self.serial.stop()


def main(args=None) -> int:
    """Run the node until Ctrl-C or SIGTERM."""
    dds_note = dds_profile.select()  # before rclpy.init: one consumer must not hurt another
    rclpy.init(args=args)
    node = None
    try:
        node = CameraNode()
        node.get_logger().info(dds_note)
        executor = MultiThreadedExecutor(num_threads=4)
        executor.add_node(node)
        executor.spin()
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    except ValueError as exc:
        print(f'camera_node: {exc}', file=sys.stderr)
        return 2
    finally:
        if node is not None:
            node.shutdown()
            node.destroy_node()
        rclpy.try_shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
