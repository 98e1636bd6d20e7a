"""
What the browser viewer costs: CPU per served frame of the viewer beside the node's.

Usage: ``python -m bench.viewer_cost --out DIR [--seconds 20] [--clients 1]``. Starts
the emulator, the camera node and the viewer, reads ``--clients`` MJPEG streams over
HTTP for a window, and measures each process's CPU time from the run time of its
threads (``/proc/<pid>/task/*/schedstat``, nanoseconds; a thread that ends inside the
window is not counted, the streaming ones live throughout). Prints a markdown table and
writes ``DIR/viewer_cost.json``. For reference it also measures a bare rclpy subscriber
of the same topic (raw, no HTTP: what any Python subscriber pays per frame), and times
the two ways of getting the JPEG out of a received message: slicing the raw CDR bytes
(what the viewer does) and deserialising.
"""

import argparse
import json
import os
import re
import sys
import threading
import time
import timeit
import urllib.request

from bench.harness import sections
from camera_testkit.processes import child_env, free_port, Proc, PY
from esp32_drone_camera.viewer import cdr_image, mjpeg

DEFAULT_DOMAIN = 68  # explicit; make bench uses 64, the bench smoke test 67
TOPIC = '/camera/image_raw/compressed'


def thread_cpu_ns(pid: int) -> dict:
    """Return the run time (ns) of each live thread of ``pid``, keyed by 'tid name'."""
    out = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/schedstat') as f:
                ns = int(f.read().split()[0])
            with open(f'/proc/{pid}/task/{tid}/comm') as f:
                out[f'{tid} {f.read().strip()}'] = ns
        except (FileNotFoundError, ProcessLookupError):
            pass  # the thread ended while we listed them
    return out


def cpu_between(before: dict, after: dict) -> dict:
    """CPU ns per thread name between two readings (threads that started count from 0)."""
    by_name = {}
    for key, ns in after.items():
        name = key.split(' ', 1)[1]
        by_name[name] = by_name.get(name, 0) + ns - before.get(key, 0)
    return by_name


class StreamReader:
    """One HTTP client reading an MJPEG stream as fast as it can, counting parts."""

    def __init__(self, url: str):
        self.parts = 0
        self.bytes = 0
        self._response = urllib.request.urlopen(url, timeout=10)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        try:
            while True:
                part = mjpeg.read_part(self._response)
                if part is None:
                    return
                self.parts += 1
                self.bytes += len(part[1])
        except (OSError, ValueError):
            return

    def close(self):
        """Stop reading."""
        self._response.close()


def extraction_cost(repeat: int = 20000) -> dict:
    """Time slicing the JPEG out of raw CDR against deserialising the message (µs)."""
    from rclpy.serialization import deserialize_message, serialize_message
    from sensor_msgs.msg import CompressedImage
    msg = CompressedImage(format='jpeg', data=b'\xff\xd8' + os.urandom(22_000) + b'\xff\xd9')
    msg.header.frame_id = 'camera_optical_frame'
    raw = serialize_message(msg)
    slice_us = min(timeit.repeat(lambda: cdr_image.parse(raw).data, number=repeat,
                                 repeat=3)) / repeat * 1e6
    deser_us = min(timeit.repeat(lambda: bytes(deserialize_message(raw, CompressedImage).data),
                                 number=repeat, repeat=3)) / repeat * 1e6
    return {'frame_bytes': len(msg.data), 'raw_slice_us': round(slice_us, 2),
            'deserialize_and_bytes_us': round(deser_us, 2)}


def bare_subscriber() -> int:
    """Subscribe to the image topic as the viewer does, with no HTTP, until interrupted."""
    import rclpy
    from rclpy.executors import ExternalShutdownException
    from sensor_msgs.msg import CompressedImage
    from esp32_drone_camera.viewer.node import IMAGE_QOS
    rclpy.init()
    node = rclpy.create_node('viewer_cost_bare_subscriber')
    frames = []
    node.create_subscription(CompressedImage, TOPIC, lambda raw: frames.append(len(raw)),
                             IMAGE_QOS, raw=True)
    node.create_timer(0.25, lambda: print(f'FRAMES {len(frames)}', flush=True))
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    return 0


def api(base: str, path: str) -> dict:
    """GET one of the viewer's JSON endpoints."""
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.load(r)


def topic_frames(base: str) -> int:
    """Frames the viewer received on the image topic so far (0 while unwatched)."""
    for t in api(base, '/api/topics')['topics']:
        if t['name'] == TOPIC:
            return t.get('frames', 0)
    return 0


def measure(seconds: float, clients: int, domain: int, fps: float, log=print) -> dict:
    """Run the processes, measure an idle window and a streaming window; return figures."""
    env = child_env(domain)
    port = free_port()
    started = []
    try:
        started.append(Proc([PY, '-m', 'esp32_drone_camera.emulator', '--port', str(port),
                             '--fps', str(fps), '--pre-encoded', '8'], env))
        started[-1].wait_line('EMULATOR READY')
        node = Proc([PY, '-m', 'esp32_drone_camera.camera_node', '--ros-args',
                     '-r', '__ns:=/camera', '-p', f'device_url:=ws://127.0.0.1:{port}'], env)
        started.append(node)
        node.wait_line('streaming from', 20)
        viewer = Proc([PY, '-m', 'esp32_drone_camera.viewer', '--ros-args', '-p', 'port:=0'],
                      env)
        started.append(viewer)
        base = re.search(r'viewer at (\S+)', viewer.wait_line('viewer at ', 20)).group(1)
        base = base.rstrip('/')
        deadline = time.monotonic() + 20
        while not any(t['name'] == TOPIC for t in api(base, '/api/topics')['topics']):
            if time.monotonic() > deadline:
                raise RuntimeError(f'the viewer never saw {TOPIC}')
            time.sleep(0.2)

        idle_window = min(5.0, seconds)
        time.sleep(1)
        v0, n0 = thread_cpu_ns(viewer.pid), thread_cpu_ns(node.pid)
        time.sleep(idle_window)
        idle_viewer = cpu_between(v0, thread_cpu_ns(viewer.pid))
        idle_node = cpu_between(n0, thread_cpu_ns(node.pid))

        readers = [StreamReader(f'{base}/stream?topic=/camera/image_raw')
                   for _ in range(clients)]
        time.sleep(3)  # subscription matched, streams running
        v0, n0 = thread_cpu_ns(viewer.pid), thread_cpu_ns(node.pid)
        parts0, frames0, t0 = [r.parts for r in readers], topic_frames(base), time.monotonic()
        time.sleep(seconds)
        v1, n1 = thread_cpu_ns(viewer.pid), thread_cpu_ns(node.pid)
        parts1, frames1, t1 = [r.parts for r in readers], topic_frames(base), time.monotonic()
        for r in readers:
            r.close()

        bare = Proc([PY, '-m', 'bench.viewer_cost', '--bare-subscriber'], env)
        started.append(bare)
        bare.wait_line('FRAMES', 20)
        time.sleep(3)

        def bare_frames():
            return int([line for line in bare.lines if line.startswith('FRAMES')][-1].split()[1])
        b0, f0, tb0 = thread_cpu_ns(bare.pid), bare_frames(), time.monotonic()
        time.sleep(min(10.0, seconds))
        bare_cpu, bare_count = cpu_between(b0, thread_cpu_ns(bare.pid)), bare_frames() - f0
        bare_elapsed = time.monotonic() - tb0
    finally:
        for proc in reversed(started):
            proc.stop()
    elapsed = t1 - t0
    served = sum(parts1) - sum(parts0)
    published = frames1 - frames0
    viewer_cpu = cpu_between(v0, v1)
    node_cpu = cpu_between(n0, n1)
    return {
        'seconds': round(elapsed, 2), 'clients': clients, 'target_fps': fps,
        'published_frames': published, 'served_frames': served,
        'served_fps_per_client': [round((b - a) / elapsed, 2) for a, b in zip(parts0, parts1)],
        'viewer_cpu_ms': round(sum(viewer_cpu.values()) / 1e6, 1),
        'node_cpu_ms': round(sum(node_cpu.values()) / 1e6, 1),
        'viewer_ms_per_served_frame': round(sum(viewer_cpu.values()) / 1e6 / served, 3),
        'node_ms_per_published_frame': round(sum(node_cpu.values()) / 1e6 / published, 3),
        'viewer_cpu_pct': round(sum(viewer_cpu.values()) / 1e7 / elapsed, 2),
        'node_cpu_pct': round(sum(node_cpu.values()) / 1e7 / elapsed, 2),
        'viewer_threads_ms': {k: round(v / 1e6, 1) for k, v in sorted(viewer_cpu.items())},
        'bare_subscriber': {'seconds': round(bare_elapsed, 2), 'frames': bare_count,
                            'ms_per_frame': round(sum(bare_cpu.values()) / 1e6 / bare_count,
                                                  3)},
        'idle': {'seconds': idle_window,
                 'viewer_cpu_pct': round(sum(idle_viewer.values()) / 1e7 / idle_window, 2),
                 'node_cpu_pct': round(sum(idle_node.values()) / 1e7 / idle_window, 2)},
    }


def table(r: dict) -> str:
    """Return the figures as a markdown table."""
    fps = ', '.join(f'{f:g}' for f in r['served_fps_per_client'])
    x = r['extraction']
    return '\n'.join([
        f'Viewer cost: {r["clients"]} MJPEG client(s), {r["seconds"]:g} s at '
        f'{r["target_fps"]:g} fps VGA (served fps per client: {fps}).',
        '',
        '| process | CPU per frame | CPU | frames |',
        '|---|---|---|---|',
        f'| camera node | {r["node_ms_per_published_frame"]:.3f} ms per published frame | '
        f'{r["node_cpu_pct"]:.1f}% | {r["published_frames"]} published |',
        f'| viewer | {r["viewer_ms_per_served_frame"]:.3f} ms per served frame | '
        f'{r["viewer_cpu_pct"]:.1f}% | {r["served_frames"]} served |',
        f'| viewer, nobody watching | - | {r["idle"]["viewer_cpu_pct"]:.2f}% | '
        'not subscribed |',
        f'| bare rclpy raw subscriber (reference, no HTTP) | '
        f'{r["bare_subscriber"]["ms_per_frame"]:.3f} ms per received frame | - | '
        f'{r["bare_subscriber"]["frames"]} received |',
        '',
        f'Getting the JPEG out of a received {x["frame_bytes"]} B message: raw CDR slice '
        f'{x["raw_slice_us"]:.1f} µs, deserialise + bytes(msg.data) '
        f'{x["deserialize_and_bytes_us"]:.1f} µs.',
    ])


def run(seconds: float = 20.0, clients: int = 1, domain: int = DEFAULT_DOMAIN,
        fps: float = 20.0) -> dict:
    """Measure everything (what ``make bench`` calls); return the figures ``table`` shows."""
    extraction = extraction_cost()  # before any child runs
    result = measure(seconds, clients, domain, fps)
    result['extraction'] = extraction
    return result


def main(argv=None) -> int:
    """Measure, print the table, write the JSON."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    p.add_argument('--out', help='directory for viewer_cost.json (required)')
    p.add_argument('--seconds', type=float, default=20.0, help='streaming window (s)')
    p.add_argument('--clients', type=int, default=1, help='MJPEG clients at once')
    p.add_argument('--fps', type=float, default=20.0, help="the emulator's frame rate")
    p.add_argument('--domain', type=int, default=DEFAULT_DOMAIN, help='ROS_DOMAIN_ID')
    p.add_argument('--section-into', metavar='MD', help='also put the table into this page '
                   '(e.g. docs/benchmarks.md) as its "Browser viewer" section')
    p.add_argument('--bare-subscriber', action='store_true', help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.bare_subscriber:  # the reference child process
        return bare_subscriber()
    if not a.out:
        p.error('--out is required')
    result = run(a.seconds, a.clients, a.domain, a.fps)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'viewer_cost.json'), 'w') as f:
        json.dump(result, f, indent=2)
    print(table(result))
    if a.section_into:
        section = '## Browser viewer\n\n' + table(result)
        sections.put_section(a.section_into, 'viewer_cost', section)
    return 0


if __name__ == '__main__':
    sys.exit(main())
