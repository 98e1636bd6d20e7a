"""
MJPEG over HTTP (``multipart/x-mixed-replace``), framed as web_video_server frames it.

Every part is a few header lines and the JPEG as published, so a browser ``<img>``,
VLC, ffmpeg and OpenCV's ``VideoCapture`` all read the stream.
"""

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
