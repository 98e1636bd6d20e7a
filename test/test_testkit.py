"""The ROS-free parts of camera_testkit: the fault records and the working-tree guard."""

import json
import subprocess

from camera_testkit import reliability, tree_guard
import pytest


def test_records_are_published_as_one_table_with_their_plots(tmp_path):
    records, docs = tmp_path / 'records', tmp_path / 'docs'
    reliability.record('b-fault', 'link | lost', 'ip link down', 'ERROR within 2 s',
                       'noticed after 1.0 s', records=str(records))
    reliability.record('a-fault', 'device hangs', 'SIGSTOP', 'frames within 2 s',
                       'took 9 s', passed=False, records=str(records))
    (records / 'soak.png').write_bytes(b'png')
    reliability.record('z-soak', 'soak', 'faults', 'flat', 'flat', plot='soak.png',
                       records=str(records))
    reliability.record('a-fault', 'device hangs', 'SIGSTOP', 'frames within 2 s',
                       'took 0.5 s', records=str(records))  # the last run wins

    page = reliability.publish(str(records), str(docs))

    text = (docs / 'reliability.md').read_text()
    assert page == str(docs / 'reliability.md')
    rows = [line for line in text.splitlines() if line.startswith('| ') and 'UTC' in line]
    assert [r.split(' | ')[0] for r in rows] == ['| device hangs', '| link / lost', '| soak']
    assert 'took 0.5 s | pass' in rows[0] and '**FAIL**' not in text
    assert (docs / 'soak.png').read_bytes() == b'png' and '![soak.png](soak.png)' in text
    assert json.loads((records / 'a-fault.json').read_text())['measured'] == 'took 0.5 s'


def test_without_records_the_page_is_left_alone(tmp_path):
    docs = tmp_path / 'docs'
    docs.mkdir()
    (docs / 'reliability.md').write_text('as committed\n')
    assert reliability.publish(str(tmp_path / 'none'), str(docs)) is None
    assert (docs / 'reliability.md').read_text() == 'as committed\n'


def test_a_record_key_must_be_a_plain_file_name(tmp_path):
    with pytest.raises(ValueError, match='reliability record key'):
        reliability.record('../docs/x', 'f', 'i', 'e', 'm', records=str(tmp_path))


def _git(root, *args):
    subprocess.run(['git', '-c', 'user.name=t', '-c', 'user.email=t@t', *args], cwd=root,
                   check=True, capture_output=True)


def test_tree_guard_sees_only_what_changed_during_the_run(tmp_path):
    _git(tmp_path, 'init', '-q')
    (tmp_path / '.gitignore').write_text('build/\n')
    (tmp_path / 'page.md').write_text('committed\n')
    (tmp_path / 'mine.py').write_text('committed\n')
    _git(tmp_path, 'add', '.')
    _git(tmp_path, 'commit', '-q', '-m', 'start')
    (tmp_path / 'mine.py').write_text('edited before the run\n')
    before = tree_guard.state(str(tmp_path))

    (tmp_path / 'build').mkdir()
    (tmp_path / 'build' / 'record.json').write_text('{}')  # ignored: fine
    assert tree_guard.changes(before, tree_guard.state(str(tmp_path))) == []

    (tmp_path / 'page.md').write_text('rewritten by a test\n')
    (tmp_path / 'plot.png').write_bytes(b'new')
    (tmp_path / 'mine.py').write_text('edited again\n')
    assert tree_guard.changes(before, tree_guard.state(str(tmp_path))) == [
        'mine.py: changed again', 'page.md: now changed', 'plot.png: new file']
