"""
The node's settings as one typed object, filled from the parameter table (params.py).

ROS-free: the node reads each parameter once at start-up and hands later changes to
``update``. The few settings that must reach another part as they change (a link's
stall timeout, the frame stamper's bounds) are wired with ``listen``, so nothing
needs to know whether that part exists yet.
"""

import dataclasses
from typing import Any, Callable, Dict, Iterable, List, Mapping, Tuple

from .params import PARAMS


@dataclasses.dataclass
class Settings:
    """One field per row of ``params.PARAMS``, same name, same type as its default."""

    device_url: str
    frame_id: str
    camera_name: str
    camera_info_url: str
    qos: str
    qos_depth: int
    stale_timeout: float
    connect_timeout: float
    reconnect_min: float
    reconnect_max: float
    max_frame_size: int
    fps_tolerance: float
    timestamp_source: str
    arrival_offset: float
    ping_interval: float
    command_transport: str
    command_timeout: float
    command_token_file: str
    serial_port: str
    serial_baud: int
    apply_on_connect: bool
    jpeg_quality: int
    frame_size: str
    publish_raw: str
    adaptive_quality: bool
    target_fps: int
    _listeners: List[Tuple[frozenset, Callable[['Settings'], None]]] = dataclasses.field(
        default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def from_lookup(cls, value_of: Callable[[str], Any]) -> 'Settings':
        """Build the settings by asking ``value_of(name)`` for every parameter."""
        return cls(**{p.name: value_of(p.name) for p in PARAMS})

    @classmethod
    def defaults(cls, **overrides: Any) -> 'Settings':
        """Return the table's defaults, with ``overrides`` (for tests and tools)."""
        values: Dict[str, Any] = {p.name: p.default for p in PARAMS}
        values.update(overrides)
        return cls(**values)

    @property
    def use_capture_time(self) -> bool:
        """Tell whether frames are stamped with the device's capture time when known."""
        return self.timestamp_source == 'auto'

    @property
    def arrival_offset_ns(self) -> int:
        """``arrival_offset`` in nanoseconds."""
        return int(self.arrival_offset * 1e9)

    def listen(self, names: Iterable[str], listener: Callable[['Settings'], None]) -> None:
        """Call ``listener(settings)`` after an update that changes any of ``names``."""
        wanted = frozenset(names)
        unknown = wanted - set(FIELDS)
        if unknown:
            raise ValueError(f'no such setting: {", ".join(sorted(unknown))}')
        self._listeners.append((wanted, listener))

    def update(self, changes: Mapping[str, Any]) -> None:
        """Take new values into effect; names that are not settings are ignored."""
        changed = set()
        for name, value in changes.items():
            if name in FIELDS:
                setattr(self, name, value)
                changed.add(name)
        for names, listener in self._listeners:
            if names & changed:
                listener(self)


FIELDS = tuple(f.name for f in dataclasses.fields(Settings) if f.init)
