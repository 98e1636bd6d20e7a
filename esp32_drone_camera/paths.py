"""Where the package's data files are, installed or in a source checkout."""

import os
import sys

PACKAGE = 'esp32_drone_camera'
_SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def share_dir() -> str:
    """
    Return the package's share directory (or the source checkout's root).

    A colcon or pip install puts the data files under ``share/esp32_drone_camera``
    and registers them in the ament index; an editable checkout has them in place.
    """
    if os.path.isfile(os.path.join(_SOURCE_ROOT, 'package.xml')):
        return _SOURCE_ROOT
    try:
        from ament_index_python.packages import get_package_share_directory
        return get_package_share_directory(PACKAGE)
    except Exception:  # noqa: BLE001 - ament index missing or not set up
        pass
    # A plain pip install (no sourced ROS environment) puts data_files under the prefix.
    prefix_share = os.path.join(sys.prefix, 'share', PACKAGE)
    if os.path.isfile(os.path.join(prefix_share, 'package.xml')):
        return prefix_share
    return _SOURCE_ROOT


def data_path(*parts: str) -> str:
    """Return the path of a data file below the share directory."""
    return os.path.join(share_dir(), *parts)
