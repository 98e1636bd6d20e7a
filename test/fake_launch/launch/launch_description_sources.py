"""Fake ``launch.launch_description_sources``."""

from .launch_description_source import LaunchDescriptionSource


class PythonLaunchDescriptionSource(LaunchDescriptionSource):
    """A Python launch file to include."""

    def __init__(self, launch_file_path):
        """Include the launch file at ``launch_file_path`` (string or substitutions)."""
        super().__init__(None, launch_file_path, 'interpreted python launch file')


class AnyLaunchDescriptionSource(LaunchDescriptionSource):
    """A launch file of any format to include (only Python ones load in the fake)."""

    def __init__(self, launch_file_path):
        """Include the launch file at ``launch_file_path`` (string or substitutions)."""
        super().__init__(None, launch_file_path, 'interpreted launch file')
