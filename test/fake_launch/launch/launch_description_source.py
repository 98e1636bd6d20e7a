"""Fake ``launch.launch_description_source``."""

import importlib.util

from ._recorded import Recorded
from .utilities import normalize_to_list_of_substitutions, perform_substitutions


class LaunchDescriptionSource(Recorded):
    """Where an included launch description comes from."""

    def __init__(self, launch_description=None, location='<string>', method='interpreted'):
        """Create a source for ``launch_description`` found at ``location``."""
        self.__launch_description = launch_description
        self.__location = location
        self.__method = method

    @property
    def location(self):
        """Return the location as given (a path or substitutions)."""
        return self.__location

    def get_launch_description(self, context):
        """Return the description, loading a Python launch file if need be."""
        if self.__launch_description is None:
            path = perform_substitutions(
                context, normalize_to_list_of_substitutions(self.__location))
            spec = importlib.util.spec_from_file_location('_included_launch_file', path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self.__launch_description = module.generate_launch_description()
        return self.__launch_description
