"""
Check that a test run left the git working tree as it found it.

Tests write only under ``build/`` (ignored) or temporary directories. ``snapshot``
records every path ``git status`` reports (changed, untracked) with a hash of its
content; ``check`` fails when a path was added, changed or removed since, so changes
that were there before the run (your own edits) do not count.

    python -m camera_testkit.tree_guard snapshot build/tree-before.json
    python -m camera_testkit.tree_guard check build/tree-before.json
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
from typing import Dict, List, Optional

from camera_testkit.processes import ROOT


def _hash(path: str) -> str:
    try:
        with open(path, 'rb') as f:
            return hashlib.sha1(f.read()).hexdigest()
    except IsADirectoryError:
        return 'directory'
    except OSError:
        return 'missing'


def state(root: str = ROOT) -> Optional[Dict[str, str]]:
    """Map each path git reports as changed or untracked to its status and content hash."""
    try:
        out = subprocess.run(['git', 'status', '--porcelain=v1', '-z', '--untracked-files=all'],
                             cwd=root, capture_output=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None  # not a git checkout (a source tarball): nothing to compare
    entries = out.decode('utf-8', 'surrogateescape').split('\0')
    result, i = {}, 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if 'R' in status or 'C' in status:
            i += 1  # a rename or copy is followed by its source path
        result[path] = f'{status} {_hash(os.path.join(root, path))}'
    return result


def changes(before: Dict[str, str], after: Dict[str, str]) -> List[str]:
    """Describe what differs between two states, one line per path."""
    lines = []
    for path in sorted(before.keys() | after.keys()):
        was, now = before.get(path), after.get(path)
        if was == now:
            continue
        if was is None:
            what = 'new file' if now.startswith('??') else 'now changed'
        else:
            what = 'back as committed' if now is None else 'changed again'
        lines.append(f'{path}: {what}')
    return lines


def main(argv=None) -> int:
    """Command line: snapshot, or check against a snapshot (exit 1 on a difference)."""
    p = argparse.ArgumentParser(
        prog='python -m camera_testkit.tree_guard', description=__doc__.strip().splitlines()[0])
    p.add_argument('action', choices=('snapshot', 'check'))
    p.add_argument('file', help='where the snapshot is kept (under build/)')
    a = p.parse_args(argv)
    now = state()
    if now is None:
        print('tree_guard: not a git checkout, nothing checked')
        return 0
    if a.action == 'snapshot':
        os.makedirs(os.path.dirname(os.path.abspath(a.file)), exist_ok=True)
        with open(a.file, 'w') as f:
            json.dump(now, f)
        return 0
    with open(a.file) as f:
        before = json.load(f)
    lines = changes(before, now)
    if lines:
        print('The test run changed files outside build/ (tests must write only under '
              'build/ or temporary directories):\n  ' + '\n  '.join(lines), file=sys.stderr)
        return 1
    print('tree_guard: the run left the working tree as it found it')
    return 0


if __name__ == '__main__':
    sys.exit(main())
