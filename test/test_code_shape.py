"""
The package's size limits (COMMON brief, issue #11): small files, small classes, a thin node.

Read with ``ast``, so a limit counts the lines a module or class really spans (its
docstring and comments included), not a guess from indentation.
"""

import ast
import os

from camera_testkit.processes import ROOT
import pytest

PACKAGE = os.path.join(ROOT, 'esp32_drone_camera')
MAX_MODULE_LINES = 450
MAX_CLASS_LINES = 300
MAX_NODE_LINES = 260  # CameraNode keeps publishers, services and parameter wiring only


def _modules():
    for root, _, files in os.walk(PACKAGE):
        for name in sorted(files):
            if name.endswith('.py'):
                yield os.path.relpath(os.path.join(root, name), ROOT)


def _classes(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as f:
        tree = ast.parse(f.read(), filename=path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            yield node.name, node.end_lineno - first + 1


MODULES = sorted(_modules())


def test_the_package_has_modules_to_check():
    assert 'esp32_drone_camera/camera_node.py' in MODULES
    assert len(MODULES) > 20


@pytest.mark.parametrize('path', MODULES)
def test_module_size(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as f:
        lines = sum(1 for _ in f)
    assert lines <= MAX_MODULE_LINES, f'{path}: {lines} lines (limit {MAX_MODULE_LINES})'


@pytest.mark.parametrize('path', MODULES)
def test_class_size(path):
    large = [f'{name}: {lines} lines' for name, lines in _classes(path)
             if lines > MAX_CLASS_LINES]
    assert not large, f'{path}: classes over {MAX_CLASS_LINES} lines: {large}'


def test_camera_node_stays_thin():
    sizes = dict(_classes('esp32_drone_camera/camera_node.py'))
    assert 'CameraNode' in sizes
    assert sizes['CameraNode'] < MAX_NODE_LINES, f'CameraNode: {sizes["CameraNode"]} lines'
