"""
MJPEG over HTTP (``multipart/x-mixed-replace``), framed as web_video_server frames it.

Every part is a few header lines and the JPEG as published, so a browser ``<img>``,
VLC, ffmpeg and OpenCV's ``VideoCapture`` all read the stream.
"""

from typing import BinaryIO, Dict, Optional, Tuple

BOUNDARY = 'boundarydonotcross'  # web_video_server's, so tools tuned to it keep working
CONTENT_TYPE = f'multipart/x-mixed-replace; boundary={BOUNDARY}'
# No caching anywhere: each request must see the live picture.
NO_CACHE = (('Cache-Control', 'no-cache, no-store, must-revalidate, max-age=0'),
            ('Pragma', 'no-cache'))


def part_header(length: int, sec: int, nanosec: int) -> bytes:
    """Return the boundary and headers that precede a JPEG of ``length`` bytes."""
    return (f'--{BOUNDARY}\r\n'
            'Content-Type: image/jpeg\r\n'
            f'Content-Length: {length}\r\n'
            f'X-Timestamp: {sec}.{nanosec:09d}\r\n'
            '\r\n').encode('ascii')


PART_END = b'\r\n'  # after each JPEG, before the next boundary


def read_part(stream: BinaryIO, max_header: int = 4096
              ) -> Optional[Tuple[Dict[str, str], bytes]]:
    """
    Read one part from a file-like MJPEG stream: return (headers, jpeg), or None at its end.

    The client side of the framing above (tests and benchmarks read streams with it).
    """
    headers: Dict[str, str] = {}
    line = stream.readline(max_header)
    while line in (b'\r\n', b'\n'):  # the CRLF that ends the previous part
        line = stream.readline(max_header)
    if not line:
        return None
    if line.strip() != b'--' + BOUNDARY.encode():
        raise ValueError(f'expected a boundary, got {line[:80]!r}')
    while True:
        line = stream.readline(max_header)
        if not line:
            return None
        if line in (b'\r\n', b'\n'):
            break
        name, _, value = line.decode('latin-1').partition(':')
        headers[name.strip().lower()] = value.strip()
    length = int(headers['content-length'])
    data = stream.read(length)
    return (headers, data) if len(data) == length else None
