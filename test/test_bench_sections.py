"""Sections that later benches put into docs/benchmarks.md (bench.harness.sections)."""

from bench.harness import sections


def test_a_section_goes_into_the_page_once_and_leaves_the_others(tmp_path):
    page = str(tmp_path / 'benchmarks.md')
    with open(page, 'w') as f:
        f.write('# Benchmarks\n\ntext\n')
    sections.put_section(page, 'adaptive_link', '## Adaptive\n\nrun 1\n')
    sections.put_section(page, 'viewer_cost', '## Viewer\n\nviewer 1\n')
    sections.put_section(page, 'adaptive_link', '## Adaptive\n\nrun 2\n')
    with open(page) as f:
        text = f.read()
    assert text.startswith('# Benchmarks\n\ntext\n\n')
    assert 'run 2' in text and 'run 1' not in text and 'viewer 1' in text
    begin, end = sections.markers('adaptive_link')
    assert text.count(begin) == 1 and text.count(end) == 1
    assert text.index(begin) < text.index('run 2') < text.index(end)
