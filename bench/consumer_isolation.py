"""
One consumer must not hurt another: the compressed stream's latency at a healthy subscriber.

Starts the emulator (20 fps VGA), the camera node and a healthy subscriber of
``image_raw/compressed`` (reliable, its own process), then measures interleaved windows:

- ``none``: no other consumer (the baseline of the same run);
- ``stalled``: one more reliable subscriber of image_raw/compressed whose process is
  SIGSTOPped (it neither reads nor acknowledges: a hung consumer);
- ``slow_raw``: a reliable ``image_raw`` subscriber (the node decodes only then) that
  sleeps SLOW_RAW_SLEEP_S per message, like a slow image processor;
- ``raw``: a reliable ``image_raw`` subscriber that keeps up (optional case);
- ``slow``: a reliable image_raw/compressed subscriber whose callback takes SLOW_SLEEP_S
  (optional case).

The node runs with Fast DDS's warnings on, so each window also counts the shared-memory
buffers Fast DDS reused under pressure ("SHM buffers reused unread /s"): the cause of the
losses, counted by Fast DDS itself. ``--stock`` (on by default) repeats every case with
the node on Fast DDS's default profile (the "before").

Latency is capture to receive: the healthy subscriber's receive time minus header.stamp,
which the node sets to the frame's capture time on the emulator (through its clock
sync, error p99 ~0.5 ms, docs/benchmarks.md). Each node variant (``--variant``: extra
environment of the node process) gets fresh processes; windows of every case are
interleaved within a repeat and their order rotates between repeats, because the
machine is shared and its load drifts. Prints a markdown table and writes JSON.

    python -m bench.consumer_isolation --out build/isolation --distro-label kilted

The same file is the disturbing and the healthy subscriber (``--role``), so it is
self-contained.
"""

import argparse
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from typing import Dict, List, Optional

from bench.harness import sections
from bench.isolation_report import (CASE_ORDER, failures, latencies, load_runs, markdown,
                                    percentile, section, STOCK_LABEL, summarise, utc_now,
                                    verdicts)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = sys.executable
CASES = CASE_ORDER  # the baseline first, then every disturbing consumer
DEFAULT_CASES = ('none', 'stalled', 'slow_raw')
SLOW_RAW_SLEEP_S = 0.2  # the slow image_raw consumer handles 5 frames/s of the 20
SLOW_SLEEP_S = 1.0  # the slow compressed consumer handles one frame a second
SUBSCRIBER_DEPTH = 10  # the rclpy/rclcpp default depth
START_TIMEOUT = 30.0
SETTLE_S = 1.5  # after a disturber is in place, before the window opens
GAP_S = 2.0  # after a disturber left, before the next window
# A stopped subscriber resumes only to exit: the node first repairs its backlog and then
# drops its ports, so the next window waits longer (the case that follows it was slower).
STALLED_GAP_S = 5.0
_STAMP = struct.Struct('<iI')  # header.stamp right after the 4-byte CDR header


# The camera node as shipped, with Fast DDS's warnings on (rcl never turns them on): Fast
# DDS warns each time its shared-memory segment reuses a buffer a reader has not read yet
# (that reader loses the sample until the reliable repair), which is the cause measured.
INVALIDATED = 'segment_size may be insufficient'
NODE_WITH_DDS_WARNINGS = """
import ctypes, glob, os, runpy, sys
libc = ctypes.CDLL(None)  # line-buffered C stdout: the warnings arrive as they happen
libc.setvbuf(ctypes.c_void_p.in_dll(libc, 'stdout'), None, 1, 0)
lib = 'librmw_fastrtps_cpp.so'
try:
    lib = (glob.glob(os.path.join(sys.prefix, 'lib', lib)) or [lib])[0]
    ctypes.CDLL(lib).rmw_set_log_severity(30)  # RMW_LOG_SEVERITY_WARN
except (OSError, AttributeError):
    pass  # another RMW implementation: no count
sys.argv[0] = 'camera_node'
runpy.run_module('esp32_drone_camera.camera_node', run_name='__main__')
"""


# -- the subscriber processes ------------------------------------------------------
def run_role(role: str, namespace: str, out: Optional[str]) -> int:
    """Subscribe as ``role`` until SIGINT/SIGTERM; the healthy one saves its records."""
    import rclpy
    from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
    from rclpy.signals import SignalHandlerOptions
    from sensor_msgs.msg import CompressedImage, Image

    rclpy.init(signal_handler_options=SignalHandlerOptions.NO)
    stop = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.append(1))
    node = rclpy.create_node(f'isolation_{role}_{os.getpid()}')
    records: List[tuple] = []
    first = []

    def on_message(raw: bytes) -> None:
        recv = time.time_ns()
        if role == 'healthy':
            sec, nsec = _STAMP.unpack_from(raw, 4)
            records.append((recv, sec * 1_000_000_000 + nsec))
        if not first:
            first.append(1)
            print('FIRST', flush=True)
        if role in ('slow_raw', 'slow'):
            time.sleep(SLOW_RAW_SLEEP_S if role == 'slow_raw' else SLOW_SLEEP_S)

    compressed = role in ('healthy', 'stalled', 'slow')
    msg_type, topic = (CompressedImage, 'image_raw/compressed') if compressed else \
        (Image, 'image_raw')
    qos = QoSProfile(depth=SUBSCRIBER_DEPTH, history=HistoryPolicy.KEEP_LAST,
                     reliability=ReliabilityPolicy.RELIABLE)
    node.create_subscription(msg_type, f'{namespace}/{topic}', on_message, qos, raw=True)
    executor = rclpy.executors.SingleThreadedExecutor()
    executor.add_node(node)
    print('READY', flush=True)
    while not stop:
        executor.spin_once(timeout_sec=0.1)
    if out:
        with open(out, 'w', encoding='utf-8') as f:
            json.dump(records, f)
    executor.shutdown()
    node.destroy_node()
    rclpy.try_shutdown()
    return 0


# -- processes ---------------------------------------------------------------------
class Child:
    """A child process whose output lines are collected in the background."""

    nice = 0  # scheduling priority of every child (--nice)

    def __init__(self, args: List[str], env: Dict[str, str]):
        self.lines: List[str] = []
        nice = Child.nice
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1,
                                     preexec_fn=(lambda: _renice(nice)) if nice else None)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip('\n'))

    def wait_line(self, text: str, timeout: float = START_TIMEOUT) -> None:
        """Wait until a printed line contains ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in list(self.lines)):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError(f'{text!r} not printed by {self.proc.args}:\n' +
                           '\n'.join(self.lines[-30:]))

    def signal(self, sig: int) -> None:
        """Send a signal while it runs."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self, timeout: float = 8.0) -> None:
        """SIGCONT (it may be stopped), SIGINT, then SIGKILL if it does not exit."""
        self.signal(signal.SIGCONT)
        self.signal(signal.SIGINT)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(2)


def _renice(nice: int) -> None:
    """Run at ``nice`` if allowed (below 0 needs root); otherwise at the inherited one."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except PermissionError:
        pass


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def child_env(domain: int, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """Return the environment of a child: our DDS domain on localhost, the ament index."""
    env = os.environ.copy()
    env.update(ROS_DOMAIN_ID=str(domain), ROS_AUTOMATIC_DISCOVERY_RANGE='LOCALHOST',
               PYTHONUNBUFFERED='1')
    env.pop('ROS_LOCALHOST_ONLY', None)
    env['AMENT_PREFIX_PATH'] = os.pathsep.join(
        p for p in (sys.prefix, env.get('AMENT_PREFIX_PATH', '')) if p)
    env['PYTHONPATH'] = os.pathsep.join(p for p in (ROOT, env.get('PYTHONPATH', '')) if p)
    env.update(extra or {})
    return env


def role_args(role: str, namespace: str, out: str = '') -> List[str]:
    """Return the command line of one subscriber process of this module."""
    args = [PY, '-m', 'bench.consumer_isolation', '--role', role, '--namespace', namespace]
    return args + (['--records', out] if out else [])


# -- machine load ------------------------------------------------------------------
def busy_jiffies() -> int:
    """Return the jiffies all CPUs spent not idle (from /proc/stat)."""
    with open('/proc/stat', encoding='ascii') as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4]


def loadavg() -> float:
    """Return the 1-minute load average."""
    with open('/proc/loadavg', encoding='ascii') as f:
        return float(f.read().split()[0])


# -- one run of one node variant ----------------------------------------------------
class Session:
    """Emulator, camera node and healthy subscriber, up for a series of windows."""

    NAMESPACE = '/camera'

    def __init__(self, domain: int, node_env: Dict[str, str], tmp: str, tag: str):
        self.env = child_env(domain)
        self.children: List[Child] = []
        port = free_port()
        self.emulator = self._start([PY, '-m', 'esp32_drone_camera.emulator', '--host',
                                     '127.0.0.1', '--port', str(port), '--pre-encoded', '10'])
        self.emulator.wait_line('EMULATOR READY')
        self.records_path = os.path.join(tmp, f'healthy_{tag}.json')
        self.healthy = self._start(role_args('healthy', self.NAMESPACE, self.records_path))
        self.healthy.wait_line('READY')
        self.node = self._start([PY, '-c', NODE_WITH_DDS_WARNINGS, '--ros-args',
                                 '-r', f'__ns:={self.NAMESPACE}',
                                 '-p', f'device_url:=ws://127.0.0.1:{port}'],
                                child_env(domain, node_env))
        self.healthy.wait_line('FIRST')
        time.sleep(2.0)  # clock sync settled, caches warm

    def invalidations(self) -> int:
        """Count the node's Fast DDS warnings of shared-memory buffers reused unread."""
        return sum(1 for line in list(self.node.lines) if INVALIDATED in line)

    def _start(self, args: List[str], env: Optional[Dict[str, str]] = None) -> Child:
        child = Child(args, env or self.env)
        self.children.append(child)
        return child

    def disturb(self, case: str) -> Optional[Child]:
        """Put the case's disturbing consumer in place (None for the baseline)."""
        if case == 'none':
            return None
        child = Child(role_args(case, self.NAMESPACE), self.env)
        child.wait_line('FIRST')
        if case == 'stalled':
            child.signal(signal.SIGSTOP)
        return child

    def window(self, case: str, seconds: float) -> dict:
        """Measure one window with ``case``'s disturber; return its time span and load."""
        disturber = self.disturb(case)
        try:
            time.sleep(SETTLE_S)
            busy0, t0, inv0 = busy_jiffies(), time.time_ns(), self.invalidations()
            time.sleep(seconds)
            busy1, t1, inv1 = busy_jiffies(), time.time_ns(), self.invalidations()
            load = loadavg()
        finally:
            if disturber is not None:
                disturber.stop()
        time.sleep(STALLED_GAP_S if case == 'stalled' else GAP_S)
        hz = os.sysconf('SC_CLK_TCK')
        return {'case': case, 't0': t0, 't1': t1, 'loadavg': load, 'invalidated': inv1 - inv0,
                'machine_busy_pct': (busy1 - busy0) / hz / ((t1 - t0) / 1e9) * 100}

    def close(self) -> List[tuple]:
        """Stop everything; return the healthy subscriber's (receive ns, stamp ns) records."""
        self.healthy.stop()
        for child in reversed(self.children):
            child.stop()
        with open(self.records_path, encoding='utf-8') as f:
            return [tuple(r) for r in json.load(f)]


# -- the run ---------------------------------------------------------------------------
# A default participant profile that sets nothing: the node keeps a profiles file the
# environment names, so this gives it Fast DDS's defaults (512 KiB shared-memory segment).
STOCK_PROFILE = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<profiles xmlns="http://www.eprosima.com/XMLSchemas/fastRTPS_Profiles">\n'
                 '  <participant profile_name="stock" is_default_profile="true"><rtps/>'
                 '</participant>\n</profiles>\n')


def stock_profile_env(directory: str) -> Dict[str, str]:
    """Write the stock profile; return the node environment that selects it."""
    from esp32_drone_camera import dds_profile
    path = os.path.join(directory, 'stock_fastdds.xml')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(STOCK_PROFILE)
    return dict.fromkeys(dds_profile.variables_for(dds_profile.fast_dds_major()), path)


def parse_variant(text: str) -> tuple:
    """'label' or 'label:K=V,K=V' -> (label, {K: V}) (the node's extra environment)."""
    label, _, spec = text.partition(':')
    env = dict(item.split('=', 1) for item in spec.split(',') if item)
    return label, env


def measure(variants: List[tuple], cases: List[str], seconds: float, repeats: int,
            domain: int, keep: Optional[str] = None) -> List[dict]:
    """
    Run every variant's session per repeat, its cases interleaved; return the windows.

    A variant is (label, node environment) or (label, environment, its own repeats).
    """
    windows = []
    with tempfile.TemporaryDirectory(prefix='isolation_') as tmp:
        for repeat in range(repeats):
            for index, (label, env, *own) in enumerate(variants):
                if own and repeat >= own[0]:
                    continue
                shift = (repeat + index) % len(cases)
                order = cases[shift:] + cases[:shift]
                session = Session(domain, env, tmp, f'{repeat}_{index}')
                spans = []
                try:
                    for case in order:
                        spans.append(session.window(case, seconds))
                        print(f'  {label} {case}: window done', file=sys.stderr, flush=True)
                finally:
                    records = session.close()
                if keep:
                    with open(os.path.join(keep, f'records_{label}_{repeat}_{index}.json'), 'w',
                              encoding='utf-8') as f:
                        json.dump({'variant': label, 'spans': spans, 'records': records}, f)
                for span in spans:
                    lat = latencies(records, span['t0'], span['t1'])
                    windows.append(dict(span, variant=label, repeat=repeat, latencies_ms=lat,
                                        p50_ms=percentile(lat, 50), p99_ms=percentile(lat, 99),
                                        worst_ms=[round(v, 2) for v in lat[-8:]]))
    return windows


def main(argv=None) -> int:
    """Measure (or render runs, or act as one of the subscriber processes, with --role)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    p.add_argument('--role', choices=('healthy',) + CASES[1:])
    p.add_argument('--namespace', default='/camera')
    p.add_argument('--records', help='(healthy role) JSON file of receive/stamp ns')
    p.add_argument('--out', help='directory for consumer_isolation[-LABEL].json/.md')
    p.add_argument('--distro-label', default='')
    p.add_argument('--cases', default=','.join(DEFAULT_CASES))
    p.add_argument('--seconds', type=float, default=20.0, help='length of each window')
    p.add_argument('--repeats', type=int, default=2)
    p.add_argument('--domain', type=int,
                   default=int(os.environ.get('CAMERA_TEST_DOMAIN', '216')))
    p.add_argument('--stock', action=argparse.BooleanOptionalAction, default=True,
                   help='also run the node with Fast DDS defaults (the "before")')
    p.add_argument('--stock-repeats', type=int,
                   help='repeats of the stock variant (default: --repeats)')
    p.add_argument('--nice', type=int, default=0,
                   help='run every process at this priority (below 0, as root: less noise '
                   'from other work on a shared machine)')
    p.add_argument('--keep-records', action='store_true',
                   help='also write every received frame (receive and stamp ns) to --out')
    p.add_argument('--variant', action='append', default=[],
                   help="node variant: 'label' or 'label:ENV=VALUE,...' (repeatable)")
    p.add_argument('--report-only', action='store_true',
                   help='exit 0 when a bound fails (it is still FAIL in the table and on '
                   'stderr): make bench reports failures without stopping')
    p.add_argument('--render', nargs='+', metavar='JSON',
                   help="render these runs' JSON files (one per distribution) as one "
                   'section instead of measuring')
    p.add_argument('--section-into', metavar='MD', help='(with --render) put the section '
                   'into this page (e.g. docs/benchmarks.md)')
    a = p.parse_args(argv)
    if a.role:
        return run_role(a.role, a.namespace, a.records)
    if a.render:
        runs = load_runs(a.render)
        text = section(runs)
        print(text)
        if a.section_into:
            sections.put_section(a.section_into, 'consumer_isolation', text)
        return _report_failures(failures(runs), a.report_only)
    if not a.out:
        p.error('--out is required')
    cases = a.cases.split(',')
    unknown = set(cases) - set(CASES)
    if unknown:
        p.error(f'unknown case(s) {sorted(unknown)}; choose from {CASES}')
    label = a.distro_label or os.environ.get('ROS_DISTRO', '')
    Child.nice = a.nice
    started = time.time()
    os.makedirs(a.out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='isolation_stock_') as stock_dir:
        variants = [parse_variant(v) for v in a.variant] or [('as shipped', {})]
        if a.stock:
            variants.append((STOCK_LABEL, stock_profile_env(stock_dir),
                             a.repeats if a.stock_repeats is None else a.stock_repeats))
        windows = measure(variants, cases, a.seconds, a.repeats, a.domain,
                          a.out if a.keep_records else None)
    summary = summarise(windows)
    checks = verdicts(summary)
    table = markdown(summary, checks, label)
    print(table)
    name = 'consumer_isolation' + (f'-{label}' if label else '')
    with open(os.path.join(a.out, name + '.json'), 'w', encoding='utf-8') as f:
        json.dump({'distro': label, 'seconds': a.seconds, 'repeats': a.repeats, 'nice': a.nice,
                   'took_s': time.time() - started, 'date': utc_now(), 'summary': summary,
                   'checks': checks,
                   'windows': [{k: v for k, v in w.items() if k != 'latencies_ms'}
                               for w in windows]}, f, indent=1)
    with open(os.path.join(a.out, name + '.md'), 'w', encoding='utf-8') as f:
        f.write(table + '\n')
    return _report_failures([f'{label} {c["variant"]} {c["case"]}' for c in checks
                             if c['variant'] != STOCK_LABEL and not c['passed']],
                            a.report_only)


def _report_failures(failed: List[str], report_only: bool) -> int:
    """Say which bounds failed on stderr; return the exit status (1 unless report_only)."""
    if not failed:
        return 0
    print(f'consumer isolation: BOUND FAILED for {", ".join(failed)} '
          '(compressed p99 > min(2 x baseline, 10 ms))', file=sys.stderr)
    return 0 if report_only else 1


if __name__ == '__main__':
    sys.exit(main())
