"""The step-through page in a real browser: Debian's Chromium, driven by Playwright.

scripts/bootstrap installs Chromium with apt (the ``test`` extra); Playwright's Python package
brings its own driver and is pointed at that browser, so nothing downloads a browser build. A
screenshot is saved in ``test-artifacts/`` (or ``$AUTOGRAD_LITE_TEST_ARTIFACTS``) to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from autograd_lite.explain import graph_nodes
from autograd_lite.lecture import lecture_graph
from autograd_lite.stepthrough import StepThrough, step_through

ARTIFACTS = Path(
    os.environ.get(
        "AUTOGRAD_LITE_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"
    )
)

STATE = """() => {
  const shown = Array.from(document.querySelectorAll("#frames > .frame:not([hidden])"));
  const frame = shown[0];
  const marked = Array.from(frame.querySelectorAll("g.node.highlight"));
  return {
    shown: shown.length,
    node: frame.dataset.node,
    highlighted: marked.map((g) => g.querySelector("title").textContent),
    fill: marked.map((g) => g.querySelector("polygon, path").getAttribute("fill")),
    heading: document.getElementById("heading").textContent,
    caption: document.getElementById("caption").textContent,
    position: document.getElementById("position").textContent,
    slider: document.getElementById("slider").value,
    phase: Array.from(document.querySelectorAll("#phases li.current")).map((li) => li.textContent),
    previousDisabled: document.getElementById("previous").disabled,
    nextDisabled: document.getElementById("next").disabled,
    pictureTop: frame.querySelector("svg").getBoundingClientRect().top,
  };
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail(
            "Chromium is not installed; `bash scripts/bootstrap test` installs it "
            "(apt-get install chromium)"
        )
    # Chromium refuses to run as root with its sandbox on, as CI runs: root goes without.
    root = getattr(os, "geteuid", lambda: 1)() == 0
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox"] if root else []
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory) -> tuple[StepThrough, Path, dict[int, str]]:
    g = lecture_graph()
    g.L.backward()
    steps = step_through(g.L, alpha=0.1)
    path = steps.save_html(tmp_path_factory.mktemp("page") / "step-through.html")
    ids = {id(node): f"n{k}" for k, node in enumerate(graph_nodes(g.L))}
    return steps, path, ids


def test_the_page_pages_through_every_frame_in_a_browser(browser, lecture):
    steps, path, ids = lecture
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(5000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else 0)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: problems.append(r.url) if not r.url.startswith("file:") else 0)
    page.goto(path.as_uri())

    def expect(k: int) -> dict[str, Any]:
        """The page shows frame k (from 1): its picture alone, its node, its caption."""
        state = page.evaluate(STATE)
        frame = steps[k - 1]
        assert state["shown"] == 1
        assert state["node"] == ids[id(frame.node)]
        assert state["highlighted"] == [ids[id(frame.node)]]  # the frame's node, and only it
        assert state["fill"] == ["#fdba74"]
        assert state["caption"] == frame.caption
        assert state["heading"] == frame.heading
        assert state["position"] == f"{k} / {len(steps)}" and state["slider"] == str(k)
        assert state["phase"] == [frame.phase]
        assert state["previousDisabled"] == (k == 1)
        assert state["nextDisabled"] == (k == len(steps))
        return state

    first = expect(1)
    page.click("#next")
    expect(2)
    page.click("#next")
    expect(3)
    page.click("#previous")
    expect(2)
    page.click("#previous")
    expect(1)  # and "previous" is disabled there
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    dz = expect(9)
    assert dz["caption"].startswith("dz = da · a(1 − a) = dL · (a − y)")
    # The picture never moves, whatever the length of the caption above it.
    assert dz["pictureTop"] == first["pictureTop"]
    page.keyboard.press("ArrowLeft")
    expect(8)
    page.keyboard.press("End")
    expect(len(steps))
    page.keyboard.press("Home")
    expect(1)
    # The slider: dragged with the keys it is focused for, it shows the frame it stops at.
    page.focus("#slider")
    page.keyboard.press("End")
    expect(len(steps))
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    update = expect(len(steps) - 2)
    assert update["phase"] == ["update"] and update["pictureTop"] == first["pictureTop"]
    page.locator("#slider").fill("9")
    expect(9)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "step-through-backward-3-of-9.png"
    page.screenshot(path=str(screenshot), full_page=True)
    print(f"screenshot of the step-through page: {screenshot}")
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    assert problems == []
    page.close()


def test_the_widgets_page_fallback_runs_in_its_frame(browser, lecture):
    steps, _, ids = lecture
    page: Page = browser.new_page()
    page.set_default_timeout(5000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_content(f"<!DOCTYPE html><body>{steps._repr_html_()}</body>")
    inner = page.frame_locator("iframe")
    inner.locator("#next").click()
    assert inner.locator("#caption").text_content() == steps[1].caption
    marked = inner.locator(".frame:not([hidden]) g.node.highlight > title").text_content()
    assert marked == ids[id(steps[1].node)]
    assert problems == []
    page.close()
