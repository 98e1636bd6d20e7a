"""
WiFi and token settings for the firmware build, from the command line or the environment.

The values go to PlatformIO's environment only (the firmware's build script
firmware/scripts/build_config.py reads them); the password and the token are never
printed, not even where PlatformIO echoes its build flags.
"""

import argparse
import os
from typing import Iterable, Optional

ENV_SSID = 'CAM_AP_SSID'
ENV_PASSWORD = 'CAM_AP_PASSWORD'
ENV_TOKEN = 'CAM_TOKEN'
# The firmware's build script reads the token under this name, the camera node and the
# emulator read CAM_TOKEN: the same token goes to both.
ENV_FIRMWARE_TOKEN = 'CAM_COMMAND_TOKEN'
# Values of these are never printed (child_env() gives CAM_COMMAND_TOKEN the value of
# CAM_TOKEN, so hiding CAM_TOKEN's value hides both).
SECRET_ENV = (ENV_PASSWORD, ENV_TOKEN)


def child_env(args: argparse.Namespace) -> dict:
    """Return PlatformIO's environment: ours plus the WiFi/token overrides."""
    env = dict(os.environ)
    for name, value in ((ENV_SSID, args.ssid), (ENV_PASSWORD, args.password)):
        if value is not None:
            env[name] = value
    token = next((t for t in (args.token, env.get(ENV_TOKEN), env.get(ENV_FIRMWARE_TOKEN))
                  if t is not None), None)
    if token is not None:
        env[ENV_TOKEN] = env[ENV_FIRMWARE_TOKEN] = token
    # Python buffers a pipe's output in blocks; we want PlatformIO's lines as they come.
    env['PYTHONUNBUFFERED'] = '1'
    return env


def describe_overrides(env: dict) -> str:
    """Say which firmware settings come from the environment, hiding secret values."""
    parts = []
    for name in (ENV_SSID, ENV_PASSWORD, ENV_TOKEN):
        if env.get(name):
            parts.append(f'{name}=<set>' if name in SECRET_ENV else f'{name}={env[name]}')
    return ', '.join(parts) or 'none (firmware defaults)'


class Redactor:
    """Replace secret values in text before it is printed."""

    def __init__(self, secrets: Iterable[Optional[str]]):
        """Hide each of ``secrets`` (empty and None ones are ignored)."""
        # Longest first, so a secret containing another is hidden whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """Return ``text`` with every secret replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, '***')
        return text

    @classmethod
    def for_env(cls, env: dict) -> 'Redactor':
        """Hide the secret values of a PlatformIO environment made by child_env()."""
        return cls(env.get(name) for name in SECRET_ENV)
