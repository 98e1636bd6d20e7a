"""Fake ``launch.launch_description``."""

from ._recorded import Recorded


class LaunchDescription(Recorded):
    """The list of entities a launch file returns."""

    def __init__(self, initial_entities=None, *, deprecated_reason=None):
        """Create a description from ``initial_entities``."""
        self.__entities = list(initial_entities) if initial_entities is not None else []
        self.__deprecated_reason = deprecated_reason

    @property
    def entities(self):
        """Return the entities, in order."""
        return self.__entities

    def describe_sub_entities(self):
        """Return the entities, in order."""
        return self.__entities

    def add_action(self, action):
        """Append an action."""
        self.__entities.append(action)

    def add_entity(self, entity):
        """Append an entity."""
        self.__entities.append(entity)

    def get_launch_arguments(self, conditional_inclusion=False):
        """
        Return the DeclareLaunchArgument actions, also those inside groups.

        Unlike the real method, included launch files are not looked into.
        """
        from .actions import DeclareLaunchArgument
        found = []

        def walk(entities):
            for entity in entities:
                if isinstance(entity, DeclareLaunchArgument):
                    found.append(entity)
                walk(entity.describe_sub_entities())

        walk(self.__entities)
        return found
