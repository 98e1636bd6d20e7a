"""Unit tests of settings.py: one typed object for the parameter table (no ROS)."""

import dataclasses

from esp32_drone_camera import params
from esp32_drone_camera.settings import FIELDS, Settings
import pytest


def test_fields_are_the_parameter_table():
    assert FIELDS == tuple(p.name for p in params.PARAMS)
    types = {f.name: f.type for f in dataclasses.fields(Settings) if f.init}
    for p in params.PARAMS:
        assert types[p.name] is type(p.default), p.name


def test_built_from_a_lookup_and_defaults():
    asked = []

    def value_of(name):
        asked.append(name)
        return params.BY_NAME[name].default
    s = Settings.from_lookup(value_of)
    assert asked == list(FIELDS)
    assert s == Settings.defaults()
    assert Settings.defaults(jpeg_quality=30).jpeg_quality == 30


def test_derived_values():
    s = Settings.defaults(timestamp_source='auto', arrival_offset=0.025)
    assert s.use_capture_time and s.arrival_offset_ns == 25_000_000
    s.update({'timestamp_source': 'arrival'})
    assert not s.use_capture_time


def test_listeners_hear_only_their_settings():
    s = Settings.defaults()
    heard = []
    s.listen(('stale_timeout',), lambda new: heard.append(('stale', new.stale_timeout)))
    s.listen(('max_frame_size', 'arrival_offset'), lambda new: heard.append('stamper'))
    s.update({'jpeg_quality': 40, 'use_sim_time': True})  # not a setting: ignored
    assert heard == [] and s.jpeg_quality == 40 and not hasattr(s, 'use_sim_time')
    s.update({'stale_timeout': 1.5, 'max_frame_size': 2048, 'arrival_offset': 0.1})
    assert heard == [('stale', 1.5), 'stamper']  # one call per listener per update


def test_listening_to_a_misspelt_setting_fails_at_once():
    with pytest.raises(ValueError, match='stale_timout'):
        Settings.defaults().listen(('stale_timout',), lambda s: None)
