"""The live view in a real browser: Debian's Chromium driven by Python Playwright.

Starts ``solara run`` on a free loopback port with a scenario folder that holds
the shipped scenarios plus one that fails validation, then checks what a user
sees. Skipped, with the reason, where Chromium, Playwright or the page's
browser files cannot be had; CI installs them (see docs/viz.md).
Set ``COOPSIM_SCREENSHOT`` to a path to keep the screenshot there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BAD_SCENARIO = ('title = "Broken on purpose"\n[supervision]\n'
                'audit_prob_per_step = { value = 7.0, source = "assumption" }\n')


def _skip_unless_browser_available() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y "
                    "chromium) to run the browser test")
    pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    from sim.viz import assets

    try:
        assets.ensure()
    except assets.AssetError as err:
        pytest.skip(f"the page's browser files are missing and could not be installed: {err}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _skip_unless_browser_available()
    from sim.scenarios import scenario_dir
    from sim.viz.cli import free_port, server_command, server_env, wait_until_serving

    folder = tmp_path_factory.mktemp("scenarios")
    for path in scenario_dir().glob("*.toml"):
        shutil.copy(path, folder)
    for sub in ("networks",):
        if (scenario_dir() / sub).is_dir():
            shutil.copytree(scenario_dir() / sub, folder / sub)
    (folder / "zz-broken.toml").write_text(BAD_SCENARIO, encoding="utf-8")
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "solara.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(server_command(port), env=server_env(str(folder)), stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(url, proc)
    except TimeoutError as err:
        proc.kill()
        pytest.fail(f"solara did not start on {url} ({err}):\n{log.read_text()[-3000:]}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=FLAGS,
            viewport={"width": 1600, "height": 1000})
        tab = context.pages[0] if context.pages else context.new_page()
        tab.set_default_timeout(20_000)
        tab.goto(server)
        yield tab
        context.close()


@pytest.fixture(scope="module")
def screenshot_path(tmp_path_factory) -> Path:
    chosen = os.environ.get("COOPSIM_SCREENSHOT")
    return Path(chosen) if chosen else tmp_path_factory.mktemp("shots") / "viz.png"


def status(page) -> str:
    return page.locator(".coopsim-status").inner_text()


COLOUR_PIXELS = """([selector, index, palette, name]) => {
    // Count pixels nearest to palette[name], drawn solid or blended with white at
    // the opacities the view uses; a pixel nearer to another colour does not count.
    const canvas = document.querySelectorAll(selector)[index];
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb = hex => [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
    const candidates = [];
    for (const [key, hex] of Object.entries(palette)) {
        for (const a of [1.0, 0.9, 0.55]) {
            candidates.push([key, rgb(hex).map(c => a * c + (1 - a) * 255)]);
        }
    }
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] < 200) continue;
        let best = null, bestD = 1e9;
        for (const [key, c] of candidates) {
            const d = Math.abs(data[i] - c[0]) + Math.abs(data[i + 1] - c[1])
                + Math.abs(data[i + 2] - c[2]);
            if (d < bestD) { bestD = d; best = key; }
        }
        if (best === name && bestD < 30) n++;
    }
    return n;
}"""


def colour_pixels(page, selector: str, index: int, name: str) -> int:
    """Pixels of a Vega canvas in the view's colour for ``name`` (see COLOURS)."""
    from sim.viz.network_view import COLOURS

    return page.evaluate(COLOUR_PIXELS, [selector, index, COLOURS, name])


def canvas_image(page, selector: str, index: int) -> str:
    return page.evaluate("([s, i]) => document.querySelectorAll(s)[i].toDataURL()",
                         [selector, index])


NETWORK = ".coopsim-network canvas.marks"
CHARTS = ".coopsim-charts canvas.marks"


def test_network_and_charts_render(page):
    page.wait_for_selector(".coopsim-status:has-text('Step 0')")
    page.locator(NETWORK).wait_for()
    page.locator(CHARTS).nth(3).wait_for()
    assert page.locator(CHARTS).count() == 4
    page.wait_for_function(f"document.querySelector('{NETWORK}').width > 300")
    # Schools, departments and enterprises are drawn in their colours; the legend
    # swatches of the depth levels are there before any partnership exists.
    for kind in ("school", "department", "no partnership", "form", "practice", "content"):
        assert colour_pixels(page, NETWORK, 0, kind) > 10, kind
    # Mesa's "Model Parameters" card would be empty (the levers live in "Scenario and
    # levers"), so it is hidden; Mesa's own controller card stays.
    assert page.get_by_text("Model Parameters", exact=True).is_hidden()
    assert page.get_by_text("Controls", exact=True).is_visible()
    assert page.get_by_text("Scenario and levers", exact=True).is_visible()


def test_step_advances_the_count_and_changes_the_chart(page):
    from sim.viz.network_view import COLOURS

    page.wait_for_selector(".coopsim-status:has-text('Step 0')")
    before_chart = canvas_image(page, CHARTS, 0)
    before_form = colour_pixels(page, NETWORK, 0, "form")
    page.get_by_role("button", name="Step").click()
    page.wait_for_selector(".coopsim-status:has-text('Step 1 ')")
    page.wait_for_function(
        "([s, before]) => document.querySelectorAll(s)[0].toDataURL() !== before",
        arg=[CHARTS, before_chart])
    # New agreements start at form: orange ties appear in the network.
    page.wait_for_function(f"([p]) => ({COLOUR_PIXELS})(['{NETWORK}', 0, p, 'form'])"
                           f" > {before_form + 50}", arg=[COLOURS])


FIND_COLOUR = """([selector, hex]) => {
    // CSS-pixel offset of the centre of the pixels in the left 70% of the canvas
    // (the plot, not the legend) drawn in colour hex at the nodes' opacity 0.9.
    const canvas = document.querySelector(selector);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb = [1, 3, 5].map(i => 0.9 * parseInt(hex.slice(i, i + 2), 16) + 0.1 * 255);
    const ratio = canvas.width / canvas.getBoundingClientRect().width;
    let best = null, most = 0;
    for (let y = 0; y < canvas.height; y++) {
        let run = 0;
        for (let x = 0; x < 0.7 * canvas.width; x++) {
            const i = 4 * (y * canvas.width + x);
            const near = Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1])
                + Math.abs(data[i + 2] - rgb[2]) < 12 && data[i + 3] > 250;
            run = near ? run + 1 : 0;
            if (run > most) { most = run; best = [(x - run / 2) / ratio, y / ratio]; }
        }
    }
    return most >= 4 ? best : null;  // the widest row of a triangle
}"""


def test_hovering_a_school_shows_its_key_attributes(page):
    from sim.viz.network_view import COLOURS

    page.wait_for_selector(".coopsim-status:has-text('Step 1 ')")
    spot = page.evaluate(FIND_COLOUR, [NETWORK, COLOURS["school"]])
    assert spot is not None
    box = page.locator(NETWORK).bounding_box()
    page.mouse.move(box["x"] + spot[0], box["y"] + spot[1] - 2)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    text = tooltip.inner_text()
    for attribute in ("school", "level", "main majors", "students/year", "at content"):
        assert attribute in text, text
    page.mouse.move(0, 0)


def test_moved_lever_and_reset_rebuild_the_model_with_the_new_value(page):
    assert "coordination_body = True" not in page.locator(".coopsim-changed").inner_text()
    page.locator(".coopsim-lever", has_text="coordination_body").locator("input").click()
    page.wait_for_selector("text=press Reset")
    page.get_by_role("button", name="Reset").click()
    page.wait_for_selector(".coopsim-status:has-text('Step 0 ')")
    page.wait_for_selector(".coopsim-changed:has-text('coordination_body = True')")


def test_picking_a_scenario_loads_its_values(page):
    _pick(page, "full-package")
    page.wait_for_selector(".coopsim-status:has-text('scenario full-package')")
    changed = page.locator(".coopsim-changed")
    changed.locator("text=subsidy_per_content_step = 1.0").wait_for()
    assert "tax_offset_rate = 0.3" in changed.inner_text()
    page.locator(".coopsim-lever", has_text="subsidy_per_content_step (MU/step): 1").wait_for()


def test_bad_scenario_shows_the_error_and_keeps_the_last_good_model(page, screenshot_path):
    _pick(page, "zz-broken")
    error = page.locator(".coopsim-error")
    error.wait_for()
    assert "zz-broken" in error.inner_text() and "audit_prob_per_step" in error.inner_text()
    assert "scenario full-package" in status(page)
    assert page.locator(".v-select", has_text="Scenario").inner_text().endswith("full-package")
    page.get_by_role("button", name="Step").click()  # the server still answers
    page.wait_for_selector(".coopsim-status:has-text('Step 1 ')")
    page.screenshot(path=str(screenshot_path), full_page=True)
    print(f"screenshot: {screenshot_path}")
    assert screenshot_path.stat().st_size > 10_000


def _pick(page, name: str) -> None:
    page.locator(".v-select", has_text="Scenario").click()
    page.locator(".v-list-item", has_text=name).first.click()
