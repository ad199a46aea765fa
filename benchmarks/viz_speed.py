"""Speed of the live view: a step plus redraw at county scale and at 20,000 enterprises, and Play.

Prints ``name: value`` lines; every time is the median of several runs.

* ``server_*``: in-process time of what a Step click costs the server: the
  model step, the changed data of the network and the charts and their JSON
  encoding (what goes over the websocket per step), median over ``--steps``
  steps after a 24-step warm-up; the size of that JSON, and of the fixed part
  (specs, positions, names) sent once per model.
* ``browser_*`` (when /usr/bin/chromium and Playwright are there), against a
  live ``solara run`` server, median over ``--clicks`` clicks 300 ms apart after
  12 warm-up clicks: ``click_to_network_redrawn_in_page_s`` is measured inside
  the page (``performance.now()`` clock): from the click event's time stamp to
  the end of the last Vega draw on the network canvas after it (a wrapper on
  the canvas context's ``restore``, see PAGE_PROBE); ``click_to_status_line``
  is the same clock until the status line shows the new step;
  ``playwright_click_to_redrawn_s`` is the wall time in this script from
  calling ``click()`` until Playwright has seen both (includes Playwright's
  actionability checks and polling).
* ``browser_*_play_*``: Play at its default interval for ``--play-s`` seconds:
  the steps per second the status line shows (page clock), against the rate
  the interval asks for, and what the page itself says it manages.

``--repeats N`` repeats each browser measurement N times (a fresh page each
time) and prints every run's median and the median of those.

Usage: .venv/bin/python benchmarks/viz_speed.py [--steps 20] [--clicks 8]
       [--repeats 3] [--play-s 6] [--no-browser] [--scale county|20000_enterprises|all]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from sim.viz import app
from sim.viz.charts import CHARTS, chart_changes, chart_fixed
from sim.viz.network_view import network_changes, network_fixed
from sim.viz.runs import Comparison, RunSet

SEED = 42
SCALES = {
    # name: enterprises (the shipped status quo otherwise)
    "county": 1000,
    "20000_enterprises": 20000,
}
SCENARIOS = {"county": app.DEFAULT_SCENARIO, "20000_enterprises": "bench-20000-enterprises"}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 900}


def server_side(n_enterprises: int, steps: int) -> dict[str, float]:
    params, _ = app.scenario_parameters(app.DEFAULT_SCENARIO)
    comparison = Comparison(RunSet(params.replace(n_enterprises=n_enterprises), SEED))
    comparison.step(24)
    model = comparison.current.model
    runs = comparison.runs()
    fixed = [network_fixed(model, width=app.NETWORK_PX, height=app.NETWORK_PX).chart(),
             *(chart_fixed(c, [r.name for r in runs]).chart() for c in CHARTS)]
    times, model_times, sizes = [], [], []
    for _ in range(steps):
        t0 = time.perf_counter()
        comparison.step(1)
        t1 = time.perf_counter()
        changes = [network_changes(model), *(chart_changes(runs, c) for c in CHARTS)]
        sizes.append(len(json.dumps(changes)))
        times.append(time.perf_counter() - t0)
        model_times.append(t1 - t0)
    return {"step_redraw_s": statistics.median(times),
            "model_step_s": statistics.median(model_times),
            "step_kb": statistics.median(sizes) / 1e3,
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
    if (button && button.classList.contains('coopsim-step')) window.__probe.clicks.push(e.timeStamp);
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


def browser_side(scenario: str, clicks: int, play_s: float, folder: Path,
                 screenshot: str | None) -> dict[str, float | str]:
    """Median times of a Step click, and Play's pace, in Chromium against ``solara run``."""
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
                profile, executable_path="/usr/bin/chromium", args=FLAGS, viewport=VIEWPORT)
            context.add_init_script(PAGE_PROBE)
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(120_000)
            page.goto(url)
            page.wait_for_selector(".coopsim-status:has-text('Step 0 ')")
            if scenario != app.DEFAULT_SCENARIO:
                page.locator(".coopsim-scenario").click()
                page.locator(".v-list-item", has_text=scenario).first.click()
                page.wait_for_selector(f".coopsim-status:has-text('{scenario}')")
                page.wait_for_selector(".coopsim-status:has-text('Step 0 ')")
            page.locator(".coopsim-network canvas.marks").wait_for()
            for _ in range(12):  # warm up: a year of steps
                _click_step(page)
            timed = [_click_step(page) for _ in range(clicks)]
            result: dict[str, float | str] = {
                key: statistics.median(t[key] for t in timed) for key in timed[0]}
            result.update(_play(page, play_s))
            if screenshot:
                page.screenshot(path=screenshot)
            context.close()
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _click_step(page) -> dict[str, float]:
    """Click Step once; wait until the network is redrawn and no further draw follows."""
    step = int(page.locator(".coopsim-status").inner_text().split()[1])
    page.wait_for_timeout(300)  # let earlier work settle so clicks do not overlap
    t0 = time.perf_counter()
    page.locator(".coopsim-step").click()
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


def _play(page, seconds: float) -> dict[str, float | str]:
    """Play for ``seconds``: steps per second seen in the status line, and the page's own note."""
    page.evaluate("() => { window.__probe.status = []; }")
    page.locator(".coopsim-play").click()
    page.wait_for_timeout(seconds * 1000)
    page.locator(".coopsim-play").click()  # pause
    note = page.locator(".coopsim-play-note")
    said = note.inner_text() if note.count() else ""
    seen = page.evaluate("""() => {
        const steps = [];
        for (const [t, text] of window.__probe.status) {
            const m = text.match(/Step (\\d+) /);
            if (m && (!steps.length || steps.at(-1)[1] !== +m[1])) steps.push([t, +m[1]]);
        }
        return steps;
    }""")
    if len(seen) < 3:
        return {"play_steps_per_s": float("nan"), "play_note": said}
    # From the first redraw to the last: the pace after start-up.
    (t0, s0), (t1, s1) = seen[0], seen[-1]
    return {"play_steps_per_s": (s1 - s0) / ((t1 - t0) / 1e3), "play_note": said}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--clicks", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--play-s", type=float, default=6.0)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--scale", choices=[*SCALES, "all"], default="all",
                        help="time one scale only")
    parser.add_argument("--screenshot", help="save a 1440x900 screenshot of the county run")
    args = parser.parse_args()
    scales = list(SCALES) if args.scale == "all" else [args.scale]
    for name in scales:
        runs = [server_side(SCALES[name], args.steps) for _ in range(args.repeats)]
        result = runs[0]
        print(f"server_{name}_nodes: {result['nodes']}")
        print(f"server_{name}_active_partnerships: {result['partnerships']}")
        for key in ("model_step_s", "step_redraw_s"):
            values = [r[key] for r in runs]
            print(f"server_{name}_{key}: {statistics.median(values):.4f} "
                  f"(runs: {', '.join(f'{v:.4f}' for v in values)})")
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
        (folder / "bench-20000-enterprises.toml").write_text(
            'title = "Benchmark: the status quo with 20,000 enterprises"\n'
            'description = "Ruian status quo at 20,000 enterprises, to time the live view."\n'
            'extends = "ruian-status-quo"\n[scale]\n'
            'n_enterprises = { value = 20000, source = "assumption: benchmark size" }\n',
            encoding="utf-8")
        for name in scales:
            runs = [browser_side(SCENARIOS[name], args.clicks, args.play_s, folder,
                                 args.screenshot if name == "county" and i == 0 else None)
                    for i in range(args.repeats)]
            for key, label in (("in_page_s", "click_to_network_redrawn_in_page_s"),
                               ("status_s", "click_to_status_line_in_page_s"),
                               ("playwright_s", "playwright_click_to_redrawn_s"),
                               ("play_steps_per_s", "play_steps_per_s")):
                values = [r[key] for r in runs]
                print(f"browser_{name}_{label}: {statistics.median(values):.3f} "
                      f"(runs: {', '.join(f'{v:.3f}' for v in values)})")
            print(f"browser_{name}_play_asked_steps_per_s: {1000 / app.DEFAULT_INTERVAL_MS:.2f}")
            print(f"browser_{name}_play_note: {runs[-1]['play_note'] or '(none)'}")
        if args.screenshot:
            print(f"screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
