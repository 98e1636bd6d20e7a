"""
``TextEnum``: an Enum whose members are their text, as ``enum.StrEnum`` (Python 3.11+).

Humble's Python is 3.10, which has no StrEnum: members subclass ``str``, so they equal
the plain string and serialise as it, and ``str()``/f-strings give the value, not
``ClassName.MEMBER``, so logs and diagnostics read the same as the protocol text.
"""

from enum import Enum


class TextEnum(str, Enum):
    """Base of the package's text-valued Enums (link states, message kinds)."""

    def __str__(self) -> str:
        return self.value
