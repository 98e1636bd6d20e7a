"""ament_python package setup: installs the modules, executables and share/ data."""

from glob import glob
import os

from setuptools import find_packages, setup

package_name = 'esp32_drone_camera'


# What the flash tool builds from (firmware/platformio.ini and what it names): the
# glue, the portable core, the build script, the web page, and VERSION (read by the build
# and by protocol.py). firmware/test (host stubs, unit tests, fuzzers) is for developing
# the firmware in a checkout, not for flashing.
FIRMWARE = ['platformio.ini', 'VERSION', 'README.md', 'src', 'lib', 'scripts', 'web']


def tree(src, names):
    """Map the files ``names`` below ``src`` (and those in them) to share/<package>."""
    out = {}
    for name in names:
        top = os.path.join(src, name)
        paths = [top] + glob(os.path.join(top, '**', '*'), recursive=True)
        for path in paths:
            if os.path.isfile(path) and '/.pio/' not in path and '/build/' not in path:
                dest = os.path.join('share', package_name, os.path.dirname(path))
                out.setdefault(dest, []).append(path)
    return sorted(out.items())


# websockets floors, one per component (the README says the same; test_packaging checks):
# the node's link uses only the sans-I/O protocol, which Ubuntu's python3-websockets has
# since 10.1 (22.04, Humble; test_ws_link_compat runs it on 10.1 and 10.4); the emulator
# serves with websockets.asyncio, new in 13.0, so it is an extra.
NODE_WEBSOCKETS = 'websockets>=10.1'
EMULATOR_WEBSOCKETS = 'websockets>=13'
# image_raw needs a JPEG decoder. pip gets simplejpeg: a small wheel with libjpeg-turbo
# inside, the faster of the two (docs/benchmarks.md), and no second OpenCV beside a ROS
# install's python3-opencv, which cv_bridge is built against. colcon does not install
# install_requires: there rosdep installs package.xml's python3-opencv (simplejpeg has
# no rosdep key), which the node uses when simplejpeg is absent.
JPEG_DECODER = 'simplejpeg>=1.7.1'


setup(
    name=package_name,
    version='0.1.0',
    packages=find_packages(exclude=['test', 'test.*', 'bench', 'bench.*', 'camera_testkit',
                                    'camera_testkit.*']),
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/' + package_name]),
        ('share/' + package_name, ['package.xml']),
        ('share/' + package_name + '/launch', glob('launch/*.launch.py')),
        ('share/' + package_name + '/viewer', ['esp32_drone_camera/viewer/static/index.html']),
        ('share/' + package_name + '/config', glob('config/*.yaml') + glob('config/*.xml')),
        ('share/' + package_name + '/docs', glob('docs/*.md')),
    ] + tree('firmware', FIRMWARE),
    install_requires=['setuptools', NODE_WEBSOCKETS, 'pyserial', 'PyYAML', 'numpy', 'Pillow',
                      JPEG_DECODER],
    extras_require={'emulator': [EMULATOR_WEBSOCKETS]},
    zip_safe=True,
    maintainer='esp32_drone_camera maintainers',
    maintainer_email='maintainers@esp32-drone-camera.invalid',
    description='ROS 2 driver, emulator and firmware for the ESP32-S3 + OV2640 drone camera',
    license='Apache-2.0',
    tests_require=['pytest'],
    entry_points={
        'console_scripts': [
            'camera_node = esp32_drone_camera.node_main:main',
            'emulator = esp32_drone_camera.emulator.__main__:main',
            'flash = esp32_drone_camera.flash:main',
            'monitor = esp32_drone_camera.monitor:main',
            'viewer = esp32_drone_camera.viewer.node:main',
        ],
    },
)
