"""Fake ``launch_ros.substitutions``: package lookups through the ament index."""

import os
import shutil

from launch.substitution import Substitution
from launch.substitutions import SubstitutionFailure
from launch.utilities import normalize_to_list_of_substitutions, perform_substitutions


class FindPackagePrefix(Substitution):
    """The install prefix of a ROS package."""

    def __init__(self, package):
        """Find ``package`` in the ament index."""
        self.__package = package

    @property
    def package(self):
        """Return the package name as given."""
        return self.__package

    def perform(self, context):
        """Return the package's prefix (needs ament_index_python and AMENT_PREFIX_PATH)."""
        from ament_index_python.packages import get_package_prefix
        return get_package_prefix(self._package_name(context))

    def _package_name(self, context):
        return perform_substitutions(context, normalize_to_list_of_substitutions(self.__package))


class FindPackageShare(FindPackagePrefix):
    """The share directory of a ROS package."""

    def perform(self, context):
        """Return ``<prefix>/share/<package>``."""
        return os.path.join(super().perform(context), 'share', self._package_name(context))


class ExecutableInPackage(FindPackagePrefix):
    """An executable installed by a ROS package (in ``<prefix>/lib/<package>``)."""

    def __init__(self, executable, package):
        """Find ``executable`` of ``package``."""
        super().__init__(package)
        self.__executable = executable

    @property
    def executable(self):
        """Return the executable name as given."""
        return self.__executable

    def perform(self, context):
        """Return the executable's path or fail."""
        libexec = os.path.join(super().perform(context), 'lib', self._package_name(context))
        name = perform_substitutions(context,
                                     normalize_to_list_of_substitutions(self.__executable))
        path = shutil.which(name, path=libexec)
        if path is None:
            raise SubstitutionFailure(f"executable '{name}' not found in '{libexec}'")
        return path
