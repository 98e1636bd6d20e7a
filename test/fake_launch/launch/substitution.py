"""Fake ``launch.substitution``: the base of all substitutions."""

from ._recorded import Recorded


class Substitution(Recorded):
    """A value computed when the launch description runs."""

    def describe(self):
        """Return a human readable description."""
        return repr(self)

    def perform(self, context):
        """Return the value in ``context``; each substitution defines it."""
        raise NotImplementedError(f'{type(self).__name__} cannot be performed in the fake')
