"""Unit tests of protocol.py beside the shared vectors (test_protocol_vectors.py)."""

from esp32_drone_camera import protocol
import pytest


def test_ping_format():
    assert protocol.format_ping('123') == 'PING 123'
    assert protocol.parse_ping('PING 123') == '123' and protocol.parse_ping('PING') == ''
    assert protocol.parse_ping('PING bad token!') is None
    with pytest.raises(ValueError):
        protocol.format_ping('x' * 40)
