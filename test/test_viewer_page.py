"""
The viewer's page in headless Chromium (Playwright), fed by the emulator, node and viewer.

The page shows the live 640x480 picture, its diagnostics follow the camera when the
emulator dies and comes back, and three browsers at once each keep the frame rate.
The run leaves a screenshot in build/viewer.png (docs/viewer.png is a copy of one).
"""

import os
import shutil
import time

from camera_testkit.processes import CameraNode, Emulator, ROOT, wait_for
import pytest

from test_viewer import Viewer

pytestmark = pytest.mark.ros

CHROMIUM = '/usr/bin/chromium'
SCREENSHOT = os.path.join(ROOT, 'build', 'viewer.png')
TOPIC = '/camera/image_raw'
CARD = f'section.topic[data-topic="{TOPIC}"]'
CONNECTION = 'tr[data-name="esp32_drone_camera: connection"]'

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
def new_page(browser):
    """Open pages, each in a context of its own (as separate browsers would)."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={'width': 1280, 'height': 640})
        contexts.append(context)
        return context.new_page()
    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def stack(procs):
    """Emulator, camera node (quick to reconnect) and viewer; the emulator is replaceable."""
    emulator = Emulator('--pre-encoded', '8')
    procs.append(emulator)
    node = CameraNode(emulator.url, reconnect_max=0.5)
    procs.append(node)
    viewer = Viewer()
    procs.append(viewer)
    viewer.wait_topic()
    return emulator, node, viewer


def picture(page):
    """Return a sample of the pixels the page shows (a 64x48 grid of the canvas)."""
    return page.eval_on_selector(
        f'{CARD} canvas.view',
        'c => { const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;'
        ' const out = []; for (let y = 0; y < c.height; y += 10)'
        ' for (let x = 0; x < c.width; x += 10) out.push(d[(y * c.width + x) * 4 + 1]);'
        ' return out; }')


def shown(page):
    """Return the frames the page has shown so far (live, not the once-a-second display)."""
    return page.evaluate(f'views.get("{TOPIC}").shown')


def received(page):
    """Return the frames the page has received so far (shown, or skipped while busy)."""
    return page.evaluate(f'views.get("{TOPIC}").received')


def connection_level(page):
    """Return the level shown for the node's connection status, or None."""
    cells = page.locator(f'{CONNECTION} td.level')
    return cells.inner_text() if cells.count() else None


def test_page_shows_the_live_picture_and_diagnostics_follow_the_camera(stack, new_page,
                                                                       procs):
    emulator, _, viewer = stack
    page = new_page()
    page.goto(viewer.url)
    page.wait_for_function(
        f"document.querySelector('{CARD} canvas.view')?.width === 640", timeout=15000)
    assert page.eval_on_selector(f'{CARD} canvas.view', 'e => e.height') == 480
    first = picture(page)
    assert len(set(first)) > 10  # a picture, not an empty canvas
    assert wait_for(lambda: shown(page) > 20, 10)
    # Live: the emulator cycles a few pre-encoded frames, so one sample may land on the
    # same frame as the first again; a live page shows another within a few frames.
    assert wait_for(lambda: picture(page) != first, 5)
    page.wait_for_function(f"Number(document.querySelector('{CARD} .fps').textContent) > 15",
                           timeout=10000)
    assert wait_for(lambda: connection_level(page) == 'OK', 10)
    assert page.locator(f'{CONNECTION} td.message').inner_text().startswith('connected')
    # The screenshot once the first diagnostics ticks (no frames, no PONG yet) are over.
    wait_for(lambda: set(page.locator('#diagnostics td.level').all_inner_texts()) == {'OK'}, 5)
    os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
    page.screenshot(path=SCREENSHOT)

    emulator.stop()  # the camera goes away: no frames, the connection status turns red
    assert wait_for(lambda: connection_level(page) == 'ERROR', 15)
    frozen = shown(page)
    time.sleep(1)
    assert shown(page) == frozen
    age = float(page.locator(f'{CARD} .age').inner_text().split()[0])
    assert age > 1

    restarted = Emulator('--pre-encoded', '8', port=emulator.port)
    procs.append(restarted)
    assert wait_for(lambda: connection_level(page) == 'OK', 20)
    assert wait_for(lambda: shown(page) > frozen + 20, 10)  # the same page, live again


def test_three_browsers_each_keep_the_frame_rate(stack, new_page, probe):
    _, _, viewer = stack
    pages = [new_page() for _ in range(3)]
    for page in pages:
        page.goto(viewer.url)
    for page in pages:
        assert wait_for(lambda: shown(page) > 10, 15)
    time.sleep(3)  # steady state: past the pages' and the stack's start-up work
    before = [(shown(page), received(page)) for page in pages]
    published_before, started = probe.frame_count(), time.monotonic()
    time.sleep(8)
    after = [(shown(page), received(page)) for page in pages]
    elapsed = time.monotonic() - started
    published = (probe.frame_count() - published_before) / elapsed
    rates = [round((a[0] - b[0]) / elapsed, 1) for a, b in zip(after, before)]
    received_rates = [round((a[1] - b[1]) / elapsed, 1) for a, b in zip(after, before)]
    assert published > 17, f'the node published {published:.1f} fps'
    for rate in rates:
        assert rate > 0.9 * published, (f'shown {rates}, received {received_rates} fps, '
                                        f'published {published:.1f} fps, load {os.getloadavg()}')
    assert len(viewer.topic_stats()['clients']) == 3  # one stream per browser


def test_a_plain_img_element_plays_the_stream(stack, new_page):
    """The web_video_server way: <img src=".../stream?topic=..."> on any page."""
    _, _, viewer = stack
    page = new_page()
    page.set_content(f'<img id="v" src="{viewer.url}stream?topic={TOPIC}">')
    page.wait_for_function('document.getElementById("v").naturalWidth === 640', timeout=15000)
    assert wait_for(lambda: len(viewer.topic_stats()['clients']) == 1, 5)
    assert wait_for(lambda: viewer.topic_stats()['clients'][0]['sent'] > 20, 10)
