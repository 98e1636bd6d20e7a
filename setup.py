"""ament_python package setup: installs the modules, executables and share/ data."""

from glob import glob
import os

from setuptools import find_packages, setup

package_name = 'esp32_drone_camera'


def tree(src):
    """Map every file below ``src`` to its place under share/<package>."""
    out = {}
    for path in glob(os.path.join(src, '**', '*'), recursive=True):
        if os.path.isfile(path) and '/.pio/' not in path and '/build/' not in path:
            dest = os.path.join('share', package_name, os.path.dirname(path))
            out.setdefault(dest, []).append(path)
    return sorted(out.items())


setup(
    name=package_name,
    version='0.1.0',
    packages=find_packages(exclude=['test', 'test.*', 'bench', 'bench.*']),
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/' + package_name]),
        ('share/' + package_name, ['package.xml']),
        ('share/' + package_name + '/launch', glob('launch/*.launch.py')),
        ('share/' + package_name + '/config', glob('config/*.yaml') + glob('config/*.xml')),
        ('share/' + package_name + '/docs', glob('docs/*.md')),
    ] + tree('firmware'),
    install_requires=['setuptools', 'websockets>=13', 'pyserial', 'PyYAML', 'numpy', 'Pillow'],
    zip_safe=True,
    maintainer='esp32_drone_camera maintainers',
    maintainer_email='maintainers@esp32-drone-camera.invalid',
    description='ROS 2 driver, emulator and firmware for the ESP32-S3 + OV2640 drone camera',
    license='Apache-2.0',
    tests_require=['pytest'],
    entry_points={
        'console_scripts': [
            'camera_node = esp32_drone_camera.camera_node:main',
            'emulator = esp32_drone_camera.emulator.__main__:main',
            'flash = esp32_drone_camera.flash:main',
            'monitor = esp32_drone_camera.monitor:main',
        ],
    },
)
