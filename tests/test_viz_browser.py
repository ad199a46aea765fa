"""The live view in a real browser: Debian's Chromium driven by Python Playwright.

Starts ``solara run`` on a free loopback port with a scenario folder that holds
the shipped scenarios plus one that fails validation, then checks what a user
sees. Skipped, with the reason, where Chromium, Playwright or the page's
browser files cannot be had; CI installs them (see docs/viz.md).
Runs at 1440x900 (a laptop) and 1024x768 and checks what is *visible*: bounding
boxes inside the viewport and the element under a control's centre being that
control, not only that it exists. Set ``COOPSIM_SCREENSHOT_DIR`` to a folder to
keep the screenshots there (``viz-1440x900.png``, ...).
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
BAD_SCENARIO = ('title = "Broken on purpose"\ndescription = "x"\n[supervision]\n'
                'audit_prob_per_step = { value = 7.0, source = "assumption" }\n')
SCREENS = {"laptop": (1440, 900), "small": (1024, 768)}


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
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def open_page(browser, server, size: str):
    width, height = SCREENS[size]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    tab.set_default_timeout(30_000)
    tab.goto(server)
    tab.wait_for_selector(".coopsim-status:has-text('Step 0 ')")
    tab.locator(NETWORK).wait_for()
    tab.locator(CHARTS).nth(3).wait_for()
    tab.errors = errors
    return tab


@pytest.fixture(scope="module")
def laptop(browser, server):
    tab = open_page(browser, server, "laptop")
    yield tab
    assert tab.errors == []
    tab.context.close()


@pytest.fixture(scope="module")
def small(browser, server):
    tab = open_page(browser, server, "small")
    yield tab
    assert tab.errors == []
    tab.context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    chosen = os.environ.get("COOPSIM_SCREENSHOT_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


NETWORK = ".coopsim-network canvas.marks"
CHARTS = ".coopsim-charts canvas.marks"
CONTROLS = (".coopsim-step", ".coopsim-play", ".coopsim-reset")


def settled(page, script: str, arg) -> bool:
    """Whether the page condition ``script(arg)`` holds once the layout settles.

    Vuetify lays a page out in several passes (charts are drawn wide, then
    fitted; a message is re-rendered), so a condition read once can catch a
    passing frame. This waits, up to the page's timeout, for the condition to
    hold: on a loaded machine it simply takes longer, and a layout that never
    gets there still fails.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(script, arg=arg)
        return True
    except PlaywrightTimeout:
        return False


def inside_viewport(page, selector: str, index: int = 0) -> bool:
    """Whether the element's whole bounding box lies inside the viewport (no scrolling)."""
    return settled(page, """([s, i]) => {
        const el = document.querySelectorAll(s)[i];
        if (!el) return false;
        const r = el.getBoundingClientRect();
        return r.x >= 0 && r.y >= 0 && r.x + r.width <= window.innerWidth + 1
            && r.y + r.height <= window.innerHeight + 1;
    }""", [selector, index])


def uncovered(page, selector: str) -> bool:
    """Whether the element under the centre of ``selector`` is it (nothing lies over it)."""
    return settled(page, """(s) => {
        const el = document.querySelector(s);
        if (!el) return false;
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return !!hit && (hit === el || el.contains(hit));
    }""", selector)


def below_within(page, upper: str, lower: str, gap_px: float) -> bool:
    """Whether ``lower`` starts below the bottom of ``upper``, at most ``gap_px`` under it."""
    return settled(page, """([u, l, gap]) => {
        const a = document.querySelector(u), b = document.querySelector(l);
        if (!a || !b) return false;
        const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
        const d = rb.y - (ra.y + ra.height);
        return rb.height > 0 && d >= -1 && d < gap;
    }""", [upper, lower, gap_px])


def status(page) -> str:
    return page.locator(".coopsim-status").inner_text()


def click_step(page) -> int:
    step = int(status(page).split()[1])
    page.locator(".coopsim-step").click()
    page.wait_for_selector(f".coopsim-status:has-text('Step {step + 1} ')")
    return step + 1


def type_into(page, name: str, typed: str) -> None:
    field = page.locator(f".coopsim-field-{name} input")
    field.fill(typed)
    field.press("Enter")


def test_tab_is_titled_with_the_project(laptop):
    assert laptop.title().startswith("coopsim")


def test_network_and_headline_charts_are_visible_without_scrolling_at_1440x900(laptop, shots):
    assert inside_viewport(laptop, NETWORK)
    for i in range(4):
        assert inside_viewport(laptop, CHARTS, i), f"headline chart {i}"
    for control in CONTROLS:
        assert inside_viewport(laptop, control) and uncovered(laptop, control), control
    laptop.screenshot(path=str(shots / "viz-1440x900.png"))


def test_controls_are_reachable_and_uncovered_at_1024x768(small, shots):
    for control in CONTROLS:
        assert inside_viewport(small, control) and uncovered(small, control), control
    # The network starts on screen, beside the panel, not under it.
    assert settled(small, """([n, p]) => {
        const net = document.querySelector(n), panel = document.querySelector(p);
        if (!net || !panel) return false;
        const a = net.getBoundingClientRect(), b = panel.getBoundingClientRect();
        return a.x >= b.x + b.width - 1 && a.y < 768;
    }""", [NETWORK, ".coopsim-panel"])
    # A lever deep in the panel scrolls into view and is then uncovered.
    field = ".coopsim-field-penalty_per_misreport input"
    small.locator(field).scroll_into_view_if_needed()
    assert inside_viewport(small, field) and uncovered(small, field)
    click_step(small)
    small.screenshot(path=str(shots / "viz-1024x768.png"))


def test_step_redraws_the_charts(laptop):
    before = laptop.evaluate("(s) => document.querySelectorAll(s)[1].toDataURL()", CHARTS)
    click_step(laptop)
    laptop.wait_for_function("([s, b]) => document.querySelectorAll(s)[1].toDataURL() !== b",
                             arg=[CHARTS, before])


def test_every_chart_exports_png_and_svg_from_a_menu_in_reach(laptop):
    menus = laptop.locator(".coopsim-card .vega-embed details > summary")
    assert menus.count() == 1 + 5
    for i in range(5):  # the network and the headline charts
        assert inside_viewport(laptop, ".coopsim-card .vega-embed details > summary", i)
    menus.nth(1).click()
    actions = laptop.locator(".coopsim-card .vega-embed details[open] .vega-actions")
    assert actions.locator("a", has_text="SVG").is_visible()
    assert actions.locator("a", has_text="PNG").is_visible()
    menus.nth(1).click()


def test_typed_thousands_separator_and_refused_value_beside_its_field(laptop):
    type_into(laptop, "subsidy_budget_per_year", "2,000")
    field = laptop.locator(".coopsim-field-subsidy_budget_per_year input")
    laptop.wait_for_function("(s) => document.querySelector(s).value === '2000'",
                             arg=".coopsim-field-subsidy_budget_per_year input")
    type_into(laptop, "subsidy_per_content_step", "2,5")
    message = laptop.locator(".coopsim-lever-subsidy_per_content_step .coopsim-field-error")
    message.wait_for()
    assert "comma" in message.inner_text()
    laptop.wait_for_function("(s) => document.querySelector(s).value === '0'",
                             arg=".coopsim-field-subsidy_per_content_step input")
    # Beside its field: right under it, not at the top of the panel.
    assert below_within(laptop, ".coopsim-field-subsidy_per_content_step input",
                        ".coopsim-lever-subsidy_per_content_step .coopsim-field-error", 40)
    assert field.input_value() == "2000"
    type_into(laptop, "seed", "3.7")
    laptop.locator(".coopsim-field-seed", has_text="").wait_for()
    laptop.wait_for_function("(s) => document.querySelector(s).value === '42'",
                             arg=".coopsim-field-seed input")
    assert laptop.locator(".coopsim-field-error", has_text="3.7").is_visible()


def test_compare_pins_a_baseline_and_shows_the_differences(laptop, shots):
    laptop.locator(".coopsim-pin").click()
    laptop.wait_for_selector(".coopsim-key:has-text('thin lines: baseline')")
    type_into(laptop, "subsidy_per_content_step", "1")
    laptop.wait_for_selector(".coopsim-pending")
    laptop.locator(".coopsim-reset").click()
    laptop.wait_for_selector(".coopsim-status:has-text('Step 0 ')")
    for _ in range(13):
        click_step(laptop)
    rows = laptop.locator(".coopsim-diff-table tr")
    assert rows.count() == 1 + 5
    assert "Government spending" in laptop.locator(".coopsim-diff-table").inner_text()
    assert "baseline" in status(laptop)
    laptop.screenshot(path=str(shots / "viz-compare-1440x900.png"))


def test_downloads_give_the_steps_and_a_scenario_sim_run_accepts(laptop, tmp_path):
    from sim.scenarios import load_scenario

    with laptop.expect_download() as csv_download:
        laptop.locator("button", has_text="Steps as CSV").click()
    csv_path = tmp_path / "steps.csv"
    csv_download.value.save_as(csv_path)
    assert csv_path.read_text().startswith("run,replicate,seed,step,")
    with laptop.expect_download() as toml_download:
        laptop.locator("button", has_text="Levers as scenario TOML").click()
    toml_path = tmp_path / "saved.toml"
    toml_download.value.save_as(toml_path)
    scenario = load_scenario(toml_path)
    assert scenario.params.subsidy_per_content_step == 1.0
    assert scenario.params.subsidy_budget_per_year == 2000.0


def test_how_to_read_this_opens_and_closes(laptop):
    laptop.locator(".coopsim-help-button").click()
    help_card = laptop.locator(".coopsim-help")
    help_card.wait_for()
    assert "none → form" in help_card.inner_text() and "misreport" in help_card.inner_text()
    laptop.locator(".coopsim-help-button").click()
    help_card.wait_for(state="detached")


def test_language_switch_turns_the_page_chinese_and_back(laptop, shots):
    laptop.locator(".coopsim-lang").click()
    laptop.wait_for_selector(".coopsim-step:has-text('单步')")
    laptop.wait_for_selector(".coopsim-status:has-text('实质合作')")
    laptop.wait_for_selector(".coopsim-lever-label:has-text('实质合作补贴')")
    laptop.screenshot(path=str(shots / "viz-zh-1440x900.png"))
    laptop.locator(".coopsim-lang").click()
    laptop.wait_for_selector(".coopsim-step:has-text('Step')")
    laptop.wait_for_selector(".coopsim-status:has-text('content')")


def test_bad_scenario_shows_the_error_beside_the_picker_and_the_run_goes_on(laptop):
    laptop.locator(".coopsim-scenario").click()
    laptop.locator(".v-list-item", has_text="zz-broken").first.click()
    error = laptop.locator(".coopsim-scenario-error")
    error.wait_for()
    assert "zz-broken" in error.inner_text() and "audit_prob_per_step" in error.inner_text()
    assert below_within(laptop, ".coopsim-scenario", ".coopsim-scenario-error", 40)
    click_step(laptop)  # the server still answers
