"""
The Fast DDS profile of the camera node: one consumer must not hurt another.

The node publishes the small compressed frames and, while someone subscribes, the
decoded ``image_raw`` (~900 KiB a frame at VGA) from one DDS participant. With Fast
DDS's default shared-memory segment (512 KiB) each image_raw sample recycles the whole
segment, and the compressed frame sent just before it is lost to any subscriber that
had not copied it out yet; the reliable protocol resends it ~200 ms later, so the
compressed stream's p99 at a healthy subscriber rose from ~2 ms to 60-200 ms
(Fast DDS logs "Buffer is being invalidated, segment_size may be insufficient" at
warning level). A stalled subscriber did the same: its shared-memory port pins up to 512
samples until Fast DDS declares it dead. ``config/fastdds_camera.xml`` gives the
participant a 16 MiB segment and otherwise Fast DDS's default transports;
``bench/consumer_isolation.py`` measures it.

The profile is Fast DDS's default profile file, selected through the environment before
rclpy creates the participant. A user's own choice wins: a profiles file already named
in the environment, built-in transports chosen with FASTDDS_BUILTIN_TRANSPORTS, or
another RMW implementation leave everything as it is.
"""

import glob
import os
from typing import Dict, MutableMapping, Optional, Tuple

from .paths import data_path

PROFILE = ('config', 'fastdds_camera.xml')
SEGMENT_MIB = 16  # keep in step with the XML
# Fast DDS 3 (Kilted) reads the first name (its rmw warns that the second is deprecated),
# Fast DDS 2 (Jazzy, Humble) only the second.
PROFILE_VARIABLES: Tuple[str, ...] = ('FASTDDS_DEFAULT_PROFILES_FILE',
                                      'FASTRTPS_DEFAULT_PROFILES_FILE')
_USER_TRANSPORTS = 'FASTDDS_BUILTIN_TRANSPORTS'


def profile_path() -> str:
    """Return where the package's Fast DDS profile is (installed or in the checkout)."""
    return data_path(*PROFILE)


def fast_dds_major() -> Optional[int]:
    """Return 3 or 2 by the Fast DDS library installed beside rmw_fastrtps; None if unknown."""
    try:
        from ament_index_python.packages import get_package_prefix
        lib = os.path.join(get_package_prefix('rmw_fastrtps_shared_cpp'), 'lib')
    except Exception:  # noqa: BLE001 - no ament index, or no rmw_fastrtps
        return None
    for major, name in ((3, 'libfastdds.so*'), (2, 'libfastrtps.so*')):
        if glob.glob(os.path.join(lib, name)):
            return major
    return None


def variables_for(major: Optional[int]) -> Tuple[str, ...]:
    """Return the variables that name a profiles file to this Fast DDS (both if unknown)."""
    by_major: Dict[Optional[int], Tuple[str, ...]] = {3: PROFILE_VARIABLES[:1],
                                                      2: PROFILE_VARIABLES[1:]}
    return by_major.get(major, PROFILE_VARIABLES)


def select(environ: MutableMapping[str, str] = os.environ,
           major: Optional[int] = None) -> str:
    """
    Select the package's Fast DDS profile unless the user chose DDS settings; say what.

    Call it before ``rclpy.init()``: Fast DDS reads the variables once, when the
    process creates its first participant. ``major`` is the Fast DDS version (found
    beside rmw_fastrtps when not given). Returns one line for the node's log.
    """
    rmw = environ.get('RMW_IMPLEMENTATION', '')
    if rmw and not rmw.startswith('rmw_fastrtps'):
        return f'DDS: {rmw}, no Fast DDS profile needed'
    for name in PROFILE_VARIABLES + (_USER_TRANSPORTS,):
        if environ.get(name):
            return (f'DDS: keeping your {name}={environ[name]}; give its shared-memory '
                    f'transport a segment of {SEGMENT_MIB} MiB or more if you subscribe to '
                    'image_raw (see config/fastdds_camera.xml)')
    path = profile_path()
    if not os.path.isfile(path):
        return f'DDS: {path} is missing; Fast DDS defaults in use'
    for name in variables_for(major or fast_dds_major()):
        environ[name] = path
    return f'DDS: Fast DDS profile {path} ({SEGMENT_MIB} MiB shared-memory segment)'
