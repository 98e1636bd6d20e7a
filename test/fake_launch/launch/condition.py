"""Fake ``launch.condition``: the base of all conditions."""

from ._recorded import Recorded


class Condition(Recorded):
    """A predicate deciding whether an action runs."""

    def __init__(self, *, predicate=None):
        """Create a condition from ``predicate(context) -> bool``."""
        self.__predicate = predicate

    def evaluate(self, context):
        """Return whether the condition holds in ``context``."""
        return bool(self._predicate_func(context))

    def _predicate_func(self, context):
        if self.__predicate is None:
            raise NotImplementedError(f'{type(self).__name__} has no predicate')
        return self.__predicate(context)
