"""Unit tests of params.py: what a user's mistake in a parameter reads like (no ROS)."""

from esp32_drone_camera import params
import pytest


@pytest.mark.parametrize('name, value, message', [
    ('publish_raw', True, 'parameter publish_raw: true is not a string (YAML reads yes, no, '
     'on, off, true and false as booleans: quote it); allowed: one of lazy, always, never'),
    ('qos_depth', 0, 'parameter qos_depth: 0 is out of range; allowed: an integer from 1 '
     'to 100'),
    ('qos', 'best_effort', "parameter qos: 'best_effort' is not allowed; allowed: one of "
     'reliable, sensor_data'),
    ('stale_timeout', 0.1, 'parameter stale_timeout: 0.1 is out of range; allowed: a number '
     'from 0.2 to 60.0'),
    ('connect_timeout', True, 'parameter connect_timeout: true is not a number; allowed: a '
     'number from 0.2 to 60.0'),
    ('serial_baud', 1.5, 'parameter serial_baud: 1.5 is not an integer; allowed: an integer '
     'from 1200 to 3000000'),
    ('apply_on_connect', 'yes!', "parameter apply_on_connect: 'yes!' is not true or false; "
     'allowed: true or false'),
    ('frame_id', 7, 'parameter frame_id: 7 is not a string; allowed: a string'),
])
def test_a_mistake_is_one_line_naming_parameter_value_and_what_is_allowed(name, value,
                                                                          message):
    assert params.problem(name, value) == message


def test_good_values_and_integers_for_numbers_pass():
    for p in params.PARAMS:
        assert params.problem(p.name, p.default) is None, p.name
    assert params.problem('connect_timeout', 5) is None
    assert params.coerce('connect_timeout', 5) == 5.0
    assert isinstance(params.coerce('connect_timeout', 5), float)
    assert params.coerce('qos_depth', 5) == 5 and isinstance(params.coerce('qos_depth', 5), int)
    assert params.coerce('connect_timeout', True) is True  # a bool is no number
    assert params.problem('reconnect_max', 600) is None and params.problem('jpeg_quality', 63) \
        is None
    assert params.problem('use_sim_time', 3) is None  # rclpy's own: rclpy checks it


def test_unknown_parameters_are_named_with_a_guess():
    assert params.unknown(['use_sim_time', 'qos_overrides./camera/x.reliability',
                           'jpeg_quality']) is None
    assert params.unknown(['stale_timout', 'frobnicate']) == (
        'ignored, not parameters of this node: frobnicate, stale_timout (did you mean '
        'stale_timeout?)')
