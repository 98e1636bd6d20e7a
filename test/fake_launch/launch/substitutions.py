"""Fake ``launch.substitutions`` (the Humble ones launch files commonly use)."""

import math
import os
import shutil

from .substitution import Substitution
from .utilities import normalize_to_list_of_substitutions, perform_substitutions


class SubstitutionFailure(RuntimeError):
    """A substitution could not be performed."""


def _perform(context, value):
    return perform_substitutions(context, normalize_to_list_of_substitutions(value))


class TextSubstitution(Substitution):
    """A fixed string."""

    def __init__(self, *, text):
        """Substitute ``text``."""
        self.__text = text

    @property
    def text(self):
        """Return the text."""
        return self.__text

    def perform(self, context):
        """Return the text."""
        return self.__text


class LaunchConfiguration(Substitution):
    """The value of a launch argument / launch configuration."""

    def __init__(self, variable_name, *, default=None):
        """Substitute the launch configuration ``variable_name``."""
        self.__variable_name = variable_name
        self.__default = default

    @property
    def variable_name(self):
        """Return the name as given."""
        return self.__variable_name

    def perform(self, context):
        """Return the configuration's value, or the default, or fail."""
        name = _perform(context, self.__variable_name)
        if name in context.launch_configurations:
            return context.launch_configurations[name]
        if self.__default is None:
            raise SubstitutionFailure(f"launch configuration '{name}' does not exist")
        return _perform(context, self.__default)


class PathJoinSubstitution(Substitution):
    """Path components joined with the OS separator."""

    def __init__(self, substitutions):
        """Join ``substitutions`` (strings or substitutions) as a path."""
        self.__substitutions = list(substitutions)

    @property
    def substitutions(self):
        """Return the components as given."""
        return self.__substitutions

    def perform(self, context):
        """Return the joined path."""
        return os.path.join(*[_perform(context, part) for part in self.__substitutions])


class PythonExpression(Substitution):
    """A Python expression evaluated with the math module's names (Humble: no modules)."""

    def __init__(self, expression):
        """Evaluate ``expression`` (strings and substitutions, concatenated)."""
        self.__expression = expression

    @property
    def expression(self):
        """Return the expression as given."""
        return self.__expression

    def perform(self, context):
        """Return ``str()`` of the evaluated expression."""
        return str(eval(_perform(context, self.__expression), {}, math.__dict__))


class EnvironmentVariable(Substitution):
    """The value of an environment variable of the launch process."""

    def __init__(self, name, *, default_value=''):
        """Substitute environment variable ``name`` (or ``default_value``)."""
        self.__name = name
        self.__default_value = default_value

    @property
    def name(self):
        """Return the variable name as given."""
        return self.__name

    def perform(self, context):
        """Return the variable's value or the default."""
        value = os.environ.get(_perform(context, self.__name))
        return value if value is not None else _perform(context, self.__default_value)


class FindExecutable(Substitution):
    """The path of an executable on PATH."""

    def __init__(self, *, name):
        """Find executable ``name``."""
        self.__name = name

    @property
    def name(self):
        """Return the executable name as given."""
        return self.__name

    def perform(self, context):
        """Return the executable's path or fail."""
        name = _perform(context, self.__name)
        path = shutil.which(name)
        if path is None:
            raise SubstitutionFailure(f"executable '{name}' not found on the PATH")
        return path
