"""The firmware's PlatformIO project: where it is, its boards, a writable copy to build in."""

import configparser
import difflib
import glob
import os
import re
import shutil
import stat
import tempfile
from typing import Callable, List, NamedTuple, Optional

from .errors import EXIT_NO_FIRMWARE, EXIT_UNKNOWN_BOARD, FlashError
from ..paths import data_path

# Only used when platformio.ini cannot be read (e.g. to show a launch default).
FALLBACK_BOARD = 'esp32s3_cam_n16r8'
# Env names that mean the ESP32-S3-EYE / Freenove ESP32-S3 CAM, the reference board.
_REFERENCE_BOARD = re.compile(r'eye|freenove', re.IGNORECASE)


def firmware_dir() -> str:
    """Return the bundled firmware's PlatformIO project (installed or in the checkout)."""
    return data_path('firmware')


class Boards(NamedTuple):
    """The envs of a PlatformIO project."""

    names: List[str]
    defaults: List[str]


def read_boards(project_dir: str) -> Boards:
    """
    Return the envs of a PlatformIO project and its default envs.

    Raises FlashError if the project has no platformio.ini.
    """
    ini_path = os.path.join(project_dir, 'platformio.ini')
    if not os.path.isfile(ini_path):
        raise FlashError(EXIT_NO_FIRMWARE, f'no firmware found: {ini_path} does not exist')
    ini = configparser.ConfigParser(interpolation=None, strict=False)
    ini.read(ini_path)
    # PlatformIO merges envs from extra_configs (globs relative to the project).
    for pattern in _split_list(ini.get('platformio', 'extra_configs', fallback='')):
        ini.read(sorted(glob.glob(os.path.join(project_dir, pattern))))
    names = [s[len('env:'):] for s in ini.sections() if s.startswith('env:')]
    defaults = _split_list(ini.get('platformio', 'default_envs', fallback=''))
    return Boards(names, [d for d in defaults if d in names])


def _split_list(value: str) -> List[str]:
    return [item for item in re.split(r'[,\s]+', value) if item]


def default_board(boards: Optional[Boards] = None) -> str:
    """Pick the default board: platformio.ini's default env, else the S3-EYE/Freenove one."""
    if boards is None:
        try:
            boards = read_boards(firmware_dir())
        except FlashError:
            return FALLBACK_BOARD
    if boards.defaults:
        return boards.defaults[0]
    reference = [b for b in boards.names if _REFERENCE_BOARD.search(b)]
    return (reference or boards.names or [FALLBACK_BOARD])[0]


def check_board(board: str, boards: Boards) -> None:
    """Raise FlashError unless ``board`` is one of the project's envs."""
    if board in boards.names:
        return
    hint = difflib.get_close_matches(board, boards.names, n=1)
    known = ', '.join(boards.names) or 'none'
    message = f'unknown board {board!r}; platformio.ini defines: {known}'
    if hint:
        message += f' (did you mean {hint[0]!r}?)'
    raise FlashError(EXIT_UNKNOWN_BOARD, message)


def _is_writable(path: str) -> bool:
    return os.access(path, os.W_OK)


def build_dir(src: str, log: Callable[[str], None]) -> str:
    """
    Return a writable copy of the project ``src`` (``src`` itself if writable).

    PlatformIO writes its build tree (.pio) into the project, which an installed
    share directory does not allow. The cache copy keeps .pio between runs so that
    a second flash only recompiles what changed.
    """
    if _is_writable(src):
        return src
    cache = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
                         'esp32_drone_camera', 'firmware')
    try:
        dest = _sync_copy(src, cache)
    except OSError:
        # No writable cache (read-only HOME in a container): build in a throwaway dir.
        dest = _sync_copy(src, tempfile.mkdtemp(prefix='esp32_drone_camera-firmware-'))
    log(f'{src} is read-only; building a copy in {dest}')
    return dest


def _sync_copy(src: str, dest: str) -> str:
    os.makedirs(dest, exist_ok=True)
    # Drop files the package no longer ships but keep the build cache.
    for name in os.listdir(dest):
        path = os.path.join(dest, name)
        if name == '.pio':
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    shutil.copytree(src, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns('.pio'))
    # copytree copies the read-only modes too; PlatformIO must write into the copy.
    for root, dirs, files in os.walk(dest):
        if '.pio' in dirs:
            dirs.remove('.pio')
        for name in dirs + files:
            path = os.path.join(root, name)
            os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)
    return dest
