"""The viewer: the camera's image topics in a browser, served as MJPEG without re-encoding."""
