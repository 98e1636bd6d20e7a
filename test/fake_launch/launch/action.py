"""Fake ``launch.action``: the base of all actions."""

from ._recorded import Recorded


class Action(Recorded):
    """An action; ``condition`` decides whether it would run."""

    def __init__(self, *, condition=None):
        """Create an action, run only if ``condition`` (a Condition) holds."""
        self.__condition = condition

    @property
    def condition(self):
        """Return the condition given to the constructor, or None."""
        return self.__condition

    def describe_sub_entities(self):
        """Return the entities this action contains (none by default)."""
        return []

    def execute(self, context):
        """Do nothing: the fake never runs anything."""
        return None
