"""Fake ``launch_ros.parameter_descriptions``."""

from launch._recorded import Recorded


class ParameterValue(Recorded):
    """A parameter value with an optional type (e.g. to keep '' a string)."""

    def __init__(self, value, *, value_type=None):
        """Describe ``value``, read as ``value_type`` if given."""
        self.value = value
        self.value_type = value_type


class ParameterFile(Recorded):
    """A parameter YAML file."""

    def __init__(self, param_file, *, allow_substs=False):
        """Describe the file ``param_file``."""
        self.param_file = param_file
        self.allow_substs = allow_substs


class Parameter(Recorded):
    """One named parameter."""

    def __init__(self, name, value, *, value_type=None):
        """Describe parameter ``name`` = ``value``."""
        self.name = name
        self.value = value
        self.value_type = value_type
