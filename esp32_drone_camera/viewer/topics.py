"""
Which ROS topic a viewer URL means: web_video_server's ``topic=`` rules, without ROS.

A URL names the *base* image topic (``/camera/image_raw``) and is served from its
``compressed`` transport (``/camera/image_raw/compressed``); the full compressed name
works too. Anything else is a user's mistake with a one-line reason and an HTTP status:
400 for a malformed name or a topic of another type, 404 for a topic nobody publishes.
"""

import re
from typing import List, Mapping, Sequence

COMPRESSED_IMAGE = 'sensor_msgs/msg/CompressedImage'
TRANSPORT = 'compressed'
MAX_NAME = 256
# A fully qualified ROS name: tokens of [A-Za-z0-9_] not starting with a digit, separated
# by single slashes. Nothing else gets near the graph (no '..', '%', '//', spaces).
_NAME = re.compile(r'(/[A-Za-z_][A-Za-z0-9_]*)+')


class RequestError(Exception):
    """A request the viewer cannot serve; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_name(name: str) -> str:
    """Return ``name`` fully qualified, or raise RequestError(400) naming what is wrong."""
    if not name:
        raise RequestError(400, 'missing parameter: topic')
    if len(name) > MAX_NAME:
        raise RequestError(400, f'topic name longer than {MAX_NAME} characters')
    if not name.startswith('/'):
        name = '/' + name  # web_video_server takes relative names as global ones
    if not _NAME.fullmatch(name):
        raise RequestError(400, f'invalid topic name: {name!r} (a ROS name such as '
                                f'/camera/image_raw)')
    return name


def base_name(topic: str) -> str:
    """Return the base image topic of a compressed transport topic (others unchanged)."""
    suffix = '/' + TRANSPORT
    return topic[:-len(suffix)] if topic.endswith(suffix) and topic != suffix else topic


def image_topics(graph: Mapping[str, Sequence[str]]) -> List[str]:
    """Return the sorted CompressedImage topics of ``graph`` (name -> type names)."""
    return sorted(name for name, types in graph.items() if COMPRESSED_IMAGE in types)


def resolve(requested: str, graph: Mapping[str, Sequence[str]]) -> str:
    """
    Return the CompressedImage topic that a ``topic=`` parameter asks for.

    ``graph`` maps each topic name seen on the ROS graph to its type names (as
    ``Node.get_topic_names_and_types`` gives them).
    """
    name = check_name(requested)
    if COMPRESSED_IMAGE in graph.get(name, ()):
        return name
    compressed = f'{name}/{TRANSPORT}'
    if COMPRESSED_IMAGE in graph.get(compressed, ()):
        return compressed
    if name in graph:
        types = ', '.join(graph[name]) or 'unknown type'
        raise RequestError(
            400, f'{name} is {types}, not {COMPRESSED_IMAGE}, and '
                 f'{compressed} does not exist')
    raise RequestError(404, f'no such topic: {name} (nor {compressed})')
