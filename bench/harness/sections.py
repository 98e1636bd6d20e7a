"""
Generated sections of docs/benchmarks.md that come from benches run after run_bench.

``run_bench`` rewrites the whole page; each later bench (adaptive link, viewer cost,
consumer isolation) then puts its own section between markers named after it, so a
rerun of one bench replaces its own section and leaves the others alone.
"""

import os


def markers(name: str):
    """Return the begin and end markers of bench ``name``'s section."""
    return (f'<!-- bench.{name}: begin (generated) -->', f'<!-- bench.{name}: end -->')


def put_section(page: str, name: str, section: str) -> None:
    """Replace bench ``name``'s section in ``page`` (or append it) with ``section``."""
    begin, end = markers(name)
    try:
        with open(page, encoding='utf-8') as f:
            text = f.read()
    except FileNotFoundError:
        text = ''
    block = f'{begin}\n{section.rstrip(chr(10))}\n{end}\n'
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1].lstrip('\n')
    else:
        text = text.rstrip('\n') + ('\n\n' if text else '') + block
    tmp = page + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, page)
