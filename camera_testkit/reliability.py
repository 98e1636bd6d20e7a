"""
The fault table: results measured by the fault tests and the soak, and its Markdown page.

A fault test or the soak calls ``record`` with what it injected, what it expected and
what it measured; each fault is one JSON file in ``build/reliability/`` (the last run
wins), beside the plots a record names. Tests never write into ``docs/``: ``publish``
(``make reliability``, also run by ``make bench``, and ``make soak``) renders
``docs/reliability.md`` from the records and copies their plots next to it.

    python -m camera_testkit.reliability [--records build/reliability] [--docs docs]
"""

import argparse
import datetime
import json
import os
import re
import shutil
import sys
import tempfile
from typing import Dict, List, Optional

from camera_testkit.processes import ROOT

RECORDS = os.path.join(ROOT, 'build', 'reliability')
DOCS = os.path.join(ROOT, 'docs')
PAGE = 'reliability.md'
_KEY = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.-]*')


def record(key: str, fault: str, injection: str, expected: str, measured: str,
           passed: bool = True, plot: Optional[str] = None, records: str = RECORDS) -> str:
    """
    Store one measured fault result as ``<records>/<key>.json``; return its path.

    ``plot`` names an image in ``records`` that belongs to the result (the soak's).
    Each fault has its own file, replaced whole, so parallel test runs never mix.
    """
    if not _KEY.fullmatch(key):
        raise ValueError(f'reliability record key {key!r}: use letters, digits, . _ -')
    os.makedirs(records, exist_ok=True)
    entry = {'fault': fault, 'injection': injection, 'expected': expected,
             'measured': measured, 'passed': bool(passed), 'plot': plot,
             'when': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}
    fd, tmp = tempfile.mkstemp(dir=records, prefix='.', suffix='.tmp')
    os.fchmod(fd, 0o644)  # mkstemp makes it private; it is a plain build output
    with os.fdopen(fd, 'w') as f:
        json.dump(entry, f, indent=1, sort_keys=True)
    path = os.path.join(records, key + '.json')
    os.replace(tmp, path)
    return path


def load(records: str = RECORDS) -> Dict[str, dict]:
    """Read every record, by key ({} when there are none); unreadable files are skipped."""
    try:
        names = sorted(n for n in os.listdir(records) if n.endswith('.json'))
    except OSError:
        return {}
    data = {}
    for name in names:
        try:
            with open(os.path.join(records, name)) as f:
                entry = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(entry, dict):
            data[name[:-len('.json')]] = entry
    return data


def render(data: Dict[str, dict], plots: List[str]) -> str:
    """Return the page: one table row per record (by key), then the ``plots``."""
    lines = ['# Reliability: faults, expected behaviour, measured recovery', '',
             'Recorded by the fault tests (`make test`) and the soak (`make soak`) in',
             '`build/reliability/`, rendered here by `make reliability` (which `make soak` '
             'and', '`make bench` run); do not edit by hand. Each row shows the last run.',
             '', '| fault | injection | expected | measured (last run) | result | when |',
             '|---|---|---|---|---|---|']
    for key in sorted(data):
        r = data[key]
        cells = [r['fault'], r['injection'], r['expected'], r['measured'],
                 'pass' if r['passed'] else '**FAIL**', r['when']]
        lines.append('| ' + ' | '.join(c.replace('|', '/') for c in cells) + ' |')
    if plots:
        lines += ['', 'Node resident memory, file descriptors and threads during the soaks '
                  '(vertical lines: injected faults):', '']
        lines += [f'![{p}]({p})' for p in plots]
    return '\n'.join(lines) + '\n'


def publish(records: str = RECORDS, docs: str = DOCS) -> Optional[str]:
    """Render ``<docs>/reliability.md`` and copy the plots; None (nothing written) if no record."""
    data = load(records)
    if not data:
        return None
    os.makedirs(docs, exist_ok=True)
    plots = []
    for key in sorted(data):
        plot = data[key].get('plot')
        if plot and os.path.exists(os.path.join(records, plot)):
            shutil.copyfile(os.path.join(records, plot), os.path.join(docs, plot))
            plots.append(plot)
    page = os.path.join(docs, PAGE)
    tmp = page + '.tmp'
    with open(tmp, 'w') as f:
        f.write(render(data, plots))
    os.replace(tmp, page)
    return page


def main(argv=None) -> int:
    """Command line: publish the records (a note, and exit 0, when there are none)."""
    p = argparse.ArgumentParser(
        prog='python -m camera_testkit.reliability',
        description='Render docs/reliability.md from the records in build/reliability/.')
    p.add_argument('--records', default=RECORDS, help='default: build/reliability')
    p.add_argument('--docs', default=DOCS, help='default: docs')
    a = p.parse_args(argv)
    page = publish(a.records, a.docs)
    if page is None:
        print(f'no reliability records in {a.records} (the fault tests and the soak write '
              f'them): {os.path.join(a.docs, PAGE)} left as it is')
    else:
        print(f'wrote {page} from {len(load(a.records))} records in {a.records}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
