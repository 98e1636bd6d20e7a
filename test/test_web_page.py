"""
Test the firmware's built-in page (firmware/web/index.html) in a real browser.

The emulator serves the same file at ``/`` and speaks protocol v2, so the page
is driven exactly as on the drone: headless Debian chromium through
Playwright (no browser download). Skips only when chromium or Playwright is
missing.
"""

import os
import re
import shutil
import time

from camera_testkit.processes import Emulator, ROOT, wait_for
import pytest

CHROMIUM = '/usr/bin/chromium'
PAGE = os.path.join(ROOT, 'firmware', 'web', 'index.html')
SCREENSHOT = os.environ.get('WEB_PAGE_SCREENSHOT',
                            os.path.join(ROOT, 'build', 'web_page.png'))

sync_api = pytest.importorskip('playwright.sync_api', reason='playwright is not installed')
if not (os.path.exists(CHROMIUM) or shutil.which('chromium')):
    pytest.skip('chromium is not installed (apt-get install chromium)', allow_module_level=True)


@pytest.fixture(scope='module')
def browser():
    """Launch one headless chromium for the module."""
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which('chromium'),
            args=['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
                  '--disable-background-networking'])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """Open a fresh page in its own context (no cache, no leftover sockets)."""
    context = browser.new_context(viewport={'width': 1100, 'height': 620})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def emulator():
    """Start a protocol v2 emulator on a free port."""
    emu = Emulator('--pre-encoded', '8')
    yield emu
    emu.stop()


def text(page, selector):
    """Return the text of an element."""
    return page.locator(selector).inner_text().strip()


def wait_frame_change(page, timeout_ms=10000):
    """Wait until the video element shows a new frame; return its src."""
    before = page.eval_on_selector('#video', 'e => e.src')
    page.wait_for_function(
        '([before]) => { const v = document.getElementById("video");'
        ' return v.src !== before && v.complete && v.naturalWidth > 0; }',
        arg=[before], timeout=timeout_ms)
    return page.eval_on_selector('#video', 'e => e.src')


def frames_quality(port, timeout=10.0):
    """Return the APP4 quality byte of the next frames, read as a second viewer."""
    from websockets.sync.client import connect
    seen = []
    with connect(f'ws://127.0.0.1:{port}/', compression=None, open_timeout=5) as ws:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(seen) < 3:
            msg = ws.recv(timeout=timeout)
            if isinstance(msg, bytes) and msg[2:4] == b'\xff\xe4' and msg[6:11] == b'DCAM\0':
                seen.append(msg[13])
    return seen


def test_page_is_self_contained():
    """No external resources: the drone's access point has no internet."""
    with open(PAGE, encoding='utf-8') as f:
        html = f.read()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert not re.search(r'@import|url\(\s*["\']?https?:', html, re.I)
    for element_id in ('video', 'conn-state', 'fps', 'frames', 'heap', 'clients', 'quality',
                       'quality-apply', 'reply', 'token'):
        assert f'id="{element_id}"' in html, element_id


def test_frames_render_and_stats_update(page, emulator):
    """Video at 640x480 with a changing src; page fps and device stats filled in."""
    page.goto(f'http://127.0.0.1:{emulator.port}/')
    page.wait_for_function('document.getElementById("video").naturalWidth === 640',
                           timeout=10000)
    assert page.eval_on_selector('#video', 'e => e.naturalHeight') == 480
    first = wait_frame_change(page)
    assert first.startswith('blob:')
    assert wait_frame_change(page) != first
    assert text(page, '#conn-state') == 'connected'
    page.wait_for_function('Number(document.getElementById("frames").textContent) > 0',
                           timeout=5000)
    frames = int(text(page, '#frames'))
    page.wait_for_function(
        f'Number(document.getElementById("frames").textContent) > {frames}', timeout=5000)
    assert re.fullmatch(r'\d+ KB', text(page, '#heap'))
    assert int(text(page, '#clients')) >= 1
    page.wait_for_function('Number(document.getElementById("fps").textContent) > 2',
                           timeout=5000)
    assert text(page, '#resolution').startswith('VGA')
    os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
    page.screenshot(path=SCREENSHOT)


def test_quality_control_changes_the_stream(page, emulator):
    """The quality command gets an ok reply and the device's frames carry the new value."""
    page.goto(f'http://127.0.0.1:{emulator.port}/')
    page.wait_for_function('!document.getElementById("quality-apply").disabled', timeout=10000)
    assert not page.is_visible('#token')  # no token configured: no token field
    assert set(frames_quality(emulator.port)) == {12}
    page.fill('#quality', '40')
    page.click('#quality-apply')
    page.wait_for_function('document.getElementById("reply").textContent.startsWith("ok")',
                           timeout=5000)
    assert text(page, '#reply') == 'ok: quality 40'
    assert wait_for(lambda: set(frames_quality(emulator.port)) == {40}, 10)
    page.fill('#quality', '99')  # refused in the page, nothing sent
    page.click('#quality-apply')
    assert 'must be' in text(page, '#reply')


def test_token_field_when_the_device_wants_one(page):
    """welcome.auth shows the token input; its value goes with the command."""
    emu = Emulator('--pre-encoded', '8', '--token', 's3cret')
    try:
        page.goto(f'http://127.0.0.1:{emu.port}/')
        page.wait_for_selector('#token', state='visible', timeout=10000)
        page.wait_for_function('!document.getElementById("quality-apply").disabled',
                               timeout=10000)
        page.fill('#quality', '20')
        page.fill('#token', 'wrong')
        page.click('#quality-apply')
        page.wait_for_function(
            'document.getElementById("reply").textContent.startsWith("unauthorized")',
            timeout=5000)
        page.fill('#token', 's3cret')
        page.click('#quality-apply')
        page.wait_for_function('document.getElementById("reply").textContent === "ok: quality 20"',
                               timeout=5000)
    finally:
        emu.stop()


def test_reconnects_after_the_device_restarts(page, emulator):
    """Kill the emulator, start it again on the same port: the page comes back by itself."""
    port = emulator.port
    page.goto(f'http://127.0.0.1:{port}/')
    wait_frame_change(page)
    emulator.stop()
    page.wait_for_function(
        'document.getElementById("conn-state").textContent.startsWith("disconnected")',
        timeout=10000)
    restarted = Emulator('--pre-encoded', '8', port=port)
    try:
        page.wait_for_function(
            'document.getElementById("conn-state").textContent === "connected"', timeout=20000)
        wait_frame_change(page)
    finally:
        restarted.stop()
