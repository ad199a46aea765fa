"""Speed of the live view: one step plus redraw, at county scale and at 5,000 nodes.

Prints ``name: value`` lines.

* ``server_*``: in-process time of what a Step click costs the server: the
  model step, the changed data of the network and the four charts and their
  JSON encoding (what goes over the websocket per step), mean over ``--steps``
  steps after a 24-step warm-up; the size of that JSON, and of the fixed part
  (specs, positions, names) sent once per model.
* ``browser_*`` (when /usr/bin/chromium and Playwright are there), against a
  live ``solara run`` server, mean over ``--clicks`` clicks 300 ms apart after
  12 warm-up clicks: ``click_to_network_redrawn_in_page_s`` is measured inside
  the page (``performance.now()`` clock): from the click event's time stamp to
  the end of the last Vega draw on the network canvas after it (a wrapper on
  the canvas context's ``restore``, see PAGE_PROBE); ``click_to_status_line``
  is the same clock until the status line shows the new step;
  ``playwright_click_to_redrawn_s`` is the wall time in this script from
  calling ``click()`` until Playwright has seen both (includes Playwright's
  actionability checks and polling).

Usage: .venv/bin/python benchmarks/viz_speed.py [--steps 20] [--clicks 8]
       [--no-browser] [--screenshot docs/img/viz.png]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sim.viz import app
from sim.viz.charts import CHARTS, chart_changes, chart_fixed
from sim.viz.network_view import network_changes, network_fixed

SEED = 42
SCALES = {
    # name: (scenario file extending the shipped status quo, enterprises)
    "county": 1000,
    "5000_nodes": 4984,  # + 10 schools + 6 departments = 5,000 nodes
}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def server_side(n_enterprises: int, steps: int) -> dict[str, float]:
    params, _ = app.scenario_parameters("ruian-status-quo")
    model = app.ViewModel(rng=SEED, params=params.replace(n_enterprises=n_enterprises))
    model.run_for(24)
    fixed = [network_fixed(model, width=470, height=470).chart(),
             *(chart_fixed(c).chart() for c in CHARTS)]
    times, sizes = [], []
    for _ in range(steps):
        t0 = time.perf_counter()
        model.step()
        frame = model.datacollector.get_model_vars_dataframe()
        changes = [network_changes(model), *(chart_changes(frame, c) for c in CHARTS)]
        sizes.append(len(json.dumps(changes)))
        times.append(time.perf_counter() - t0)
    return {"step_redraw_s": sum(times) / len(times), "step_kb": sum(sizes) / len(sizes) / 1e3,
            "fixed_kb": len(json.dumps(fixed)) / 1e3,
            "nodes": model.network.number_of_nodes(),
            "partnerships": int((model.partnerships.depth > 0).sum())}


#: Installed before the page loads: records when Step is clicked (the event's own
#: time stamp), when the status line changes, and every time Vega draws on a canvas
#: inside the network card (a wrapper around the 2D context's ``restore``, which
#: Vega's canvas renderer calls at the end of each redraw), all in the page's
#: ``performance.now()`` clock.
PAGE_PROBE = """
window.__probe = {clicks: [], draws: [], status: []};
document.addEventListener('click', e => {
    const button = e.target.closest && e.target.closest('button');
    if (button && button.textContent.trim() === 'Step') window.__probe.clicks.push(e.timeStamp);
}, true);
const inNetwork = new WeakMap();
const restore = CanvasRenderingContext2D.prototype.restore;
CanvasRenderingContext2D.prototype.restore = function () {
    const canvas = this.canvas;
    let hit = inNetwork.get(canvas);
    if (hit === undefined || !hit) {
        hit = !!(canvas.isConnected && canvas.closest('.coopsim-network'));
        if (canvas.isConnected) inNetwork.set(canvas, hit);
    }
    if (hit) window.__probe.draws.push(performance.now());
    return restore.apply(this, arguments);
};
new MutationObserver(() => {
    const el = document.querySelector('.coopsim-status');
    if (el) window.__probe.status.push([performance.now(), el.textContent]);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""

#: Page time of the last network draw after the newest click, or null before it.
LAST_DRAW = """() => {
    const p = window.__probe, t0 = p.clicks[p.clicks.length - 1];
    const after = p.draws.filter(t => t > t0);
    return after.length ? after[after.length - 1] - t0 : null;
}"""


def browser_side(scenario: str, clicks: int, folder: Path,
                 screenshot: str | None) -> dict[str, float]:
    """Mean times of a Step click in Chromium against a live ``solara run`` server.

    Returns ``in_page_s`` (click event to the end of the last network redraw, in
    the page's clock), ``status_s`` (click to the new step in the status line) and
    ``playwright_s`` (Playwright's wall time from calling click until it sees both).
    """
    from playwright.sync_api import sync_playwright

    from sim.viz.cli import free_port, server_command, server_env, wait_until_serving

    port = free_port()
    proc = subprocess.Popen(server_command(port), env=server_env(str(folder)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(url, proc)
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path="/usr/bin/chromium", args=FLAGS,
                viewport={"width": 1600, "height": 1250})
            context.add_init_script(PAGE_PROBE)
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector(".coopsim-status:has-text('Step 0')")
            if scenario != app.DEFAULT_SCENARIO:
                page.locator(".v-select", has_text="Scenario").click()
                page.locator(".v-list-item", has_text=scenario).first.click()
                page.wait_for_selector(f".coopsim-status:has-text('scenario {scenario}')")
            page.locator(".coopsim-network canvas.marks").wait_for()
            for _ in range(12):  # warm up: a year of steps
                _click_step(page)
            timed = [_click_step(page) for _ in range(clicks)]
            if screenshot:
                for _ in range(24):
                    _click_step(page)
                page.wait_for_timeout(500)
                page.screenshot(path=screenshot)
            context.close()
        return {key: sum(t[key] for t in timed) / len(timed) for key in timed[0]}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _click_step(page) -> dict[str, float]:
    """Click Step once; wait until the network is redrawn and no further draw follows."""
    step = int(page.locator(".coopsim-status").inner_text().split()[1])
    page.wait_for_timeout(300)  # let earlier work settle so clicks do not overlap
    t0 = time.perf_counter()
    page.get_by_role("button", name="Step").click()
    page.wait_for_selector(f".coopsim-status:has-text('Step {step + 1} ')")
    page.wait_for_function(f"({LAST_DRAW})() !== null")
    wall = time.perf_counter() - t0
    # Settle: the redraw is complete when no network draw has come for 300 ms.
    page.wait_for_function("performance.now() - window.__probe.draws.at(-1) > 300",
                           polling=50)
    in_page = page.evaluate(LAST_DRAW) / 1e3
    status = page.evaluate(f"""() => {{
        const p = window.__probe, t0 = p.clicks.at(-1);
        const hit = p.status.find(([t, text]) => t > t0 && text.includes('Step {step + 1} '));
        return hit ? hit[0] - t0 : null;
    }}""")
    return {"in_page_s": in_page, "status_s": (status or float("nan")) / 1e3,
            "playwright_s": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--clicks", type=int, default=8)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--scale", choices=[*SCALES, "all"], default="all",
                        help="time one scale only")
    parser.add_argument("--screenshot", help="save a county screenshot (full package, 3 years)")
    args = parser.parse_args()
    scales = list(SCALES) if args.scale == "all" else [args.scale]
    for name in scales:
        n_ent = SCALES[name]
        result = server_side(n_ent, args.steps)
        print(f"server_{name}_nodes: {result['nodes']}")
        print(f"server_{name}_active_partnerships: {result['partnerships']}")
        print(f"server_{name}_step_redraw_s: {result['step_redraw_s']:.4f}")
        print(f"server_{name}_data_per_step_kb: {result['step_kb']:.0f}")
        print(f"server_{name}_fixed_part_once_per_model_kb: {result['fixed_kb']:.0f}")
    if args.no_browser or not Path("/usr/bin/chromium").exists():
        print("browser: skipped (--no-browser or no /usr/bin/chromium)")
        return
    from sim.scenarios import scenario_dir
    from sim.viz import assets

    assets.ensure()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for path in scenario_dir().glob("*.toml"):
            shutil.copy(path, folder)
        (folder / "bench-5000-nodes.toml").write_text(
            'title = "Benchmark: the status quo with 4,984 enterprises (5,000 nodes)"\n'
            'description = "Ruian status quo at 5,000 nodes, to time the live view."\n'
            'extends = "ruian-status-quo"\n[scale]\n'
            'n_enterprises = { value = 4984, source = "assumption: benchmark size" }\n',
            encoding="utf-8")
        scenarios = {"county": app.DEFAULT_SCENARIO, "5000_nodes": "bench-5000-nodes"}
        for name in scales:
            scenario = scenarios[name]
            result = browser_side(scenario, args.clicks, folder, None)
            print(f"browser_{name}_click_to_network_redrawn_in_page_s: "
                  f"{result['in_page_s']:.3f}")
            print(f"browser_{name}_click_to_status_line_in_page_s: {result['status_s']:.3f}")
            print(f"browser_{name}_playwright_click_to_redrawn_s: {result['playwright_s']:.3f}")
        if args.screenshot:
            browser_side("full-package", 1, folder, args.screenshot)
            print(f"screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
