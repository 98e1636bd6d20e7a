"""
Who watches which topic: a slot per watched topic, and the wish to subscribe to it.

The hub is ROS-free. It tells its owner (the node) through ``on_change`` whenever the
set of watched topics changes; the node then subscribes to exactly ``watched()``. A
topic's slot lives while someone watches it, so a new viewer never gets a frame from
an earlier session.
"""

import contextlib
import itertools
import threading
from typing import Callable, Dict, Iterator, Optional, Set

from . import cdr_image
from .slot import Slot


class HubClosed(RuntimeError):
    """The viewer is shutting down: no new watchers."""


class Client:
    """One HTTP client of a topic: what it was sent and what it skipped."""

    _ids = itertools.count(1)

    def __init__(self, peer: str, kind: str):
        self.id = next(self._ids)
        self.peer = peer
        self.kind = kind  # 'stream' or 'snapshot'
        self.sent = 0
        self.skipped = 0  # frames that arrived while this client was still sending

    def sent_frame(self, seq: int, last_seq: int) -> None:
        """Count a frame sent; frames between ``last_seq`` and ``seq`` were skipped."""
        if last_seq:
            self.skipped += max(0, seq - last_seq - 1)
        self.sent += 1

    def as_dict(self) -> dict:
        """JSON view."""
        return {'id': self.id, 'peer': self.peer, 'kind': self.kind, 'sent': self.sent,
                'skipped': self.skipped}


class _Topic:
    def __init__(self) -> None:
        self.slot = Slot()
        self.clients: Dict[int, Client] = {}
        self.not_jpeg = 0
        self.malformed = 0
        self.format = ''


class Hub:
    """The watched topics, their latest frames and their clients."""

    def __init__(self, on_change: Callable[[], None]):
        self._on_change = on_change
        self._lock = threading.Lock()
        self._topics: Dict[str, _Topic] = {}
        self._closed = False

    @contextlib.contextmanager
    def watch(self, topic: str, peer: str = '', kind: str = 'stream') -> Iterator[tuple]:
        """Watch ``topic`` for the duration of the block; yield its (slot, client)."""
        client = Client(peer, kind)
        with self._lock:
            if self._closed:
                raise HubClosed('the viewer is shutting down')
            entry = self._topics.get(topic)
            first = entry is None
            if entry is None:
                entry = self._topics[topic] = _Topic()
            entry.clients[client.id] = client
        if first:
            self._on_change()
        try:
            yield entry.slot, client
        finally:
            with self._lock:
                del entry.clients[client.id]
                last = not entry.clients and self._topics.get(topic) is entry
                if last:
                    del self._topics[topic]
            if last:
                self._on_change()

    def watched(self) -> Set[str]:
        """Return the topics someone watches right now."""
        with self._lock:
            return set(self._topics)

    def deliver(self, topic: str, raw: bytes) -> None:
        """Take one serialised CompressedImage of ``topic`` (from its subscription)."""
        entry = self._topics.get(topic)
        if entry is None:
            return  # the last viewer just left; the subscription is on its way out
        try:
            image = cdr_image.parse(raw)
        except ValueError:
            entry.malformed += 1
            return
        entry.format = image.format
        if not cdr_image.is_jpeg(image):
            entry.not_jpeg += 1  # e.g. png: a browser cannot show it as image/jpeg
            return
        entry.slot.put(image.data, image.sec, image.nanosec)

    def stats(self, topic: str) -> Optional[dict]:
        """Return the live numbers of a watched topic, or None."""
        with self._lock:
            entry = self._topics.get(topic)
            clients = [c.as_dict() for c in entry.clients.values()] if entry else []
        if entry is None:
            return None
        return dict(entry.slot.stats(), format=entry.format, not_jpeg=entry.not_jpeg,
                    malformed=entry.malformed, clients=clients)

    def close(self) -> None:
        """Wake every client for good: the viewer is shutting down."""
        with self._lock:
            self._closed = True
            slots = [t.slot for t in self._topics.values()]
        for slot in slots:
            slot.close()
