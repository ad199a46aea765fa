"""Speed of the live view: one step plus redraw, at county scale and at 5,000 nodes.

Prints ``name: value`` lines.

* ``server_*``: in-process time of what a Step click costs the server: the
  model step, the network spec, the four chart specs and their JSON encoding
  (what goes over the websocket), mean over ``--steps`` steps after a 24-step
  warm-up, and the size of that JSON.
* ``browser_*`` (when /usr/bin/chromium and Playwright are there): wall time
  from clicking Step in Chromium until the page shows the new step and the
  network canvas has been redrawn, mean over ``--clicks`` clicks, measured
  against a live ``solara run`` server.

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
import urllib.request
from pathlib import Path

from sim.viz import app
from sim.viz.charts import CHARTS, chart_spec
from sim.viz.network_view import network_spec

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
    times, sizes = [], []
    for _ in range(steps):
        t0 = time.perf_counter()
        model.step()
        frame = model.datacollector.get_model_vars_dataframe()
        specs = [network_spec(model), *(chart_spec(frame, c) for c in CHARTS)]
        sizes.append(len(json.dumps(specs)))
        times.append(time.perf_counter() - t0)
    return {"step_redraw_s": sum(times) / len(times), "spec_kb": sum(sizes) / len(sizes) / 1e3,
            "nodes": model.network.number_of_nodes(),
            "partnerships": int((model.partnerships.depth > 0).sum())}


def browser_side(scenario: str, clicks: int, folder: Path, screenshot: str | None) -> float:
    from playwright.sync_api import sync_playwright

    from sim.viz.cli import free_port, server_command, server_env

    port = free_port()
    proc = subprocess.Popen(server_command(port), env=server_env(str(folder)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.3)
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path="/usr/bin/chromium", args=FLAGS,
                viewport={"width": 1600, "height": 1250})
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector(".coopsim-status:has-text('Step 0')")
            if scenario != app.DEFAULT_SCENARIO:
                page.locator(".v-select", has_text="Scenario").click()
                page.locator(".v-list-item", has_text=scenario).first.click()
                page.wait_for_selector(f".coopsim-status:has-text('scenario {scenario}')")
            network = ".coopsim-network canvas.marks"
            page.locator(network).wait_for()
            for _ in range(12):  # warm up: a year of steps
                _click_step(page, network)
            times = []
            for _ in range(clicks):
                t0 = time.perf_counter()
                _click_step(page, network)
                times.append(time.perf_counter() - t0)
            if screenshot:
                for _ in range(24):
                    _click_step(page, network)
                page.wait_for_timeout(500)
                page.screenshot(path=screenshot)
            context.close()
        return sum(times) / len(times)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _click_step(page, network: str) -> None:
    text = page.locator(".coopsim-status").inner_text()
    step = int(text.split()[1])
    before = page.evaluate("s => document.querySelector(s).toDataURL()", network)
    page.get_by_role("button", name="Step").click()
    page.wait_for_selector(f".coopsim-status:has-text('Step {step + 1} ')")
    page.wait_for_function("([s, b]) => document.querySelector(s).toDataURL() !== b",
                           arg=[network, before])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--clicks", type=int, default=8)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--screenshot", help="save a county screenshot (full package, 3 years)")
    args = parser.parse_args()
    for name, n_ent in SCALES.items():
        result = server_side(n_ent, args.steps)
        print(f"server_{name}_nodes: {result['nodes']}")
        print(f"server_{name}_active_partnerships: {result['partnerships']}")
        print(f"server_{name}_step_redraw_s: {result['step_redraw_s']:.4f}")
        print(f"server_{name}_spec_kb: {result['spec_kb']:.0f}")
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
        county = browser_side(app.DEFAULT_SCENARIO, args.clicks, folder, None)
        print(f"browser_county_step_redraw_s: {county:.3f}")
        big = browser_side("bench-5000-nodes", args.clicks, folder, None)
        print(f"browser_5000_nodes_step_redraw_s: {big:.3f}")
        if args.screenshot:
            browser_side("full-package", 1, folder, args.screenshot)
            print(f"screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
