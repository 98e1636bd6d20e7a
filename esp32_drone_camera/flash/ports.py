"""
The serial port to flash: found by its USB VID:PID, checked, and who else holds it.

Ports come from pyserial's ``serial.tools.list_ports.comports()``, which gives each
port's USB vendor and product IDs. Espressif's own vendor ID (303a) is an Espressif
chip on native USB: the ESP32-S3's USB Serial/JTAG is 303a:1001. Camera boards
without native USB reach the chip through a USB-UART bridge (CP210x, CH340, CH9102,
FTDI), whose IDs say nothing about what is behind it. So an Espressif port is chosen
over bridges, and two candidates of the same kind are refused rather than guessed.
"""

import os
import time
from typing import List, NamedTuple, Optional, Sequence

from serial.tools import list_ports
from serial.tools.list_ports_common import ListPortInfo

from .errors import (EXIT_NO_PORT, EXIT_PORT_ACCESS, EXIT_PORT_AMBIGUOUS, FlashError)
from .release import RELEASE_SERVICE

ESPRESSIF_VID = 0x303a
ESPRESSIF_USB = {0x1001: 'Espressif USB Serial/JTAG (ESP32-S3 native USB)'}
# The USB-UART bridges found on ESP32 camera boards.
USB_UART_BRIDGES = {
    (0x10c4, 0xea60): 'Silicon Labs CP210x USB-UART bridge',
    (0x1a86, 0x7523): 'WCH CH340 USB-UART bridge',
    (0x1a86, 0x55d4): 'WCH CH9102 USB-UART bridge',
    (0x0403, 0x6001): 'FTDI FT232R USB-UART bridge',
}
_NO_PORT_HINT = ('check the cable (a charge-only cable has no data lines); an ESP32-S3 on '
                 'native USB shows up as /dev/ttyACM*: hold BOOT while plugging it in if '
                 'it does not')


def kind(port: ListPortInfo) -> str:
    """Name what a port's VID:PID says it is ('' when it is no ESP32 candidate)."""
    if port.vid == ESPRESSIF_VID:
        return ESPRESSIF_USB.get(port.pid, 'Espressif USB device')
    return USB_UART_BRIDGES.get((port.vid, port.pid), '')


def describe(port: ListPortInfo) -> str:
    """One line for a port: device, VID:PID and what that is, and its own description."""
    # pyserial says 'n/a' where the system gives no description.
    own = port.description if port.description not in (None, '', 'n/a') else ''
    if port.vid is None:
        return f'{port.device} (no USB IDs' + (f': {own})' if own else ')')
    ids = f'{port.vid:04x}:{port.pid:04x}'
    what = kind(port) or 'not a known ESP32 board or USB-UART bridge'
    return f'{port.device} ({ids} {what}' + (f', "{own}")' if own else ')')


class Choice(NamedTuple):
    """The port picked for the flash and why."""

    device: str
    reason: str


def choose(ports: Sequence) -> Choice:
    """
    Pick the camera's port among ``ports`` (pyserial ListPortInfo), or raise FlashError.

    One Espressif port wins; else one USB-UART bridge; more than one of the winning
    kind is ambiguous, none at all is no port.
    """
    espressif = [p for p in ports if p.vid == ESPRESSIF_VID]
    bridges = [p for p in ports if p.vid != ESPRESSIF_VID and kind(p)]
    candidates, why = ((espressif, "Espressif's own USB vendor ID, the chip on native USB")
                       if espressif else (bridges, 'a USB-UART bridge used on ESP32 boards'))
    if len(candidates) == 1:
        [port] = candidates
        others = [describe(p) for p in ports if p is not port and kind(p)]
        reason = f'{describe(port)}: the only port with {why}'
        if others:
            reason += '; not chosen: ' + ', '.join(others)
        return Choice(port.device, reason)
    if candidates:
        raise FlashError(EXIT_PORT_AMBIGUOUS, (
            'more than one board could be the camera; pick its port with --port:\n'
            + '\n'.join('  ' + describe(p) for p in candidates)))
    raise FlashError(EXIT_NO_PORT, no_board_message(ports))


def no_board_message(ports: Sequence) -> str:
    """Say that no ESP32 board was found, listing the serial ports there are."""
    message = ("no ESP32 board found: no serial port has Espressif's USB vendor ID (303a) "
               'or a known USB-UART bridge (' + ', '.join(
                   f'{vid:04x}:{pid:04x}' for vid, pid in USB_UART_BRIDGES) + ')')
    if ports:
        return (message + '; serial ports present (pass one with --port):\n'
                + '\n'.join('  ' + describe(p) for p in ports))
    return f'{message}; no serial ports at all: {_NO_PORT_HINT}'


def serial_ports() -> List:
    """Return the serial ports pyserial finds, sorted by device."""
    return sorted(list_ports.comports(), key=lambda p: p.device)


def find_camera_port() -> Choice:
    """Pick the camera's port among the serial ports present (see choose())."""
    return choose(serial_ports())


def check_port(port: str) -> None:
    """Raise FlashError unless ``port`` exists and we may open it."""
    if not os.path.exists(port):
        present = serial_ports()
        raise FlashError(EXIT_NO_PORT, f'no such port: {port}; ' + (
            'serial ports present:\n' + '\n'.join('  ' + describe(p) for p in present)
            if present else f'no serial ports found: {_NO_PORT_HINT}'))
    if not os.access(port, os.R_OK | os.W_OK):
        raise FlashError(EXIT_PORT_ACCESS, f'no permission to open {port}: add yourself to its '
                                           'group (usually "dialout") and log in again')


class Holder(NamedTuple):
    """A process that has a file open."""

    pid: int
    cmdline: str

    @property
    def is_camera_node(self) -> bool:
        """Whether this looks like our own camera driver node."""
        return 'camera_node' in self.cmdline or 'esp32_drone_camera' in self.cmdline


def _cmdline(pid: str) -> str:
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            return f.read().replace(b'\0', b' ').decode(errors='replace').strip()
    except OSError:
        return ''


def port_holders(port: str) -> List[Holder]:
    """Return the other processes that have ``port`` open (those we may inspect)."""
    target = os.path.realpath(port)
    holders = []
    for pid in filter(str.isdigit, os.listdir('/proc')):
        if int(pid) == os.getpid():
            continue
        fd_dir = f'/proc/{pid}/fd'
        try:
            fds = os.listdir(fd_dir)
        except OSError:  # gone, or another user's process
            continue
        for fd in fds:
            try:
                if os.readlink(os.path.join(fd_dir, fd)) == target:
                    holders.append(Holder(int(pid), _cmdline(pid)))
                    break
            except OSError:
                continue
    return holders


def busy_message(port: str, holders: List[Holder], release_node: Optional[str]) -> str:
    """Explain who holds the port and how to free it."""
    lines = [f'{port} is in use by another process:']
    lines += [f'  pid {h.pid}: {h.cmdline or "?"}' for h in holders]
    if any(h.is_camera_node for h in holders):
        node = release_node or '/camera/esp32_drone_camera'
        lines += [
            'That is a running esp32_drone_camera node. Let this tool release the port for '
            f'the flash and re-acquire it afterwards:  --release-node {node}',
            f'or release it yourself:  ros2 service call {node}/{RELEASE_SERVICE} '
            'std_srvs/srv/SetBool "{data: true}"',
            'or stop the node.']
    else:
        lines.append('Close it (serial monitor, modem manager, ...) and try again.')
    return '\n'.join(lines)


def wait_port_free(port: str, timeout_s: float) -> List[Holder]:
    """Return the port's holders once none are left or ``timeout_s`` has passed."""
    deadline = time.monotonic() + timeout_s
    holders = port_holders(port)
    while holders and time.monotonic() < deadline:
        time.sleep(0.1)
        holders = port_holders(port)
    return holders
