"""The step-through driven in a real browser: Debian's Chromium through Playwright."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from vizgraph.api import render

from .helpers import LAB, traced

pytestmark = [pytest.mark.browser, pytest.mark.dot]

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path: Path):  # type: ignore[no-untyped-def]
    out = render(LAB, tmp_path / "lab", outputs=["html"], title="Lab")
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            errors.append("fetched " + request.url)
            if not request.url.startswith(("file:", "data:"))
            else None
        ),
    )
    page.goto(out.joinpath("index.html").as_uri())
    yield page
    page.screenshot(path=str(tmp_path / "viewer.png"), full_page=True)
    page.close()
    assert errors == []


def _state(page) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => ({
        counter: document.querySelector('[data-counter]').textContent,
        text: document.querySelector('[data-explanation]').textContent,
        current: [...document.querySelectorAll('svg .node.current')].map(n => n.id),
        filled: document.querySelectorAll('svg .slot:not(.pending)').length,
        slider: document.querySelector('[data-slider]').value,
        edges: [...document.querySelectorAll('svg .edge.current')].map(e => e.id),
    })""")


def test_starts_before_the_first_step_with_every_box_empty(page) -> None:  # type: ignore[no-untyped-def]
    state = _state(page)
    assert state["counter"] == "Before the first step"
    assert state["filled"] == 0 and state["current"] == []
    assert page.is_disabled("[data-prev]")


def test_keys_step_forward_and_back(page) -> None:  # type: ignore[no-untyped-def]
    steps = traced(LAB).steps
    for index, step in enumerate(steps, start=1):
        page.keyboard.press("ArrowRight")
        state = _state(page)
        assert state["counter"] == f"Step {index} of 6 · {step.phase} pass"
        assert state["text"] == step.text
        assert state["current"] == [f"n{step.node}"]
        assert state["filled"] == index
    assert page.is_disabled("[data-next]")
    page.keyboard.press("ArrowLeft")
    assert _state(page)["text"] == steps[4].text
    page.keyboard.press("Home")
    assert _state(page)["filled"] == 0
    page.keyboard.press("End")
    assert _state(page)["filled"] == 6


def test_buttons_and_slider(page) -> None:  # type: ignore[no-untyped-def]
    page.click("[data-next]")
    page.click("[data-next]")
    state = _state(page)
    assert state["text"] == "a = 2 + 3w = 2 + 3·3 = 11"
    assert state["edges"] == ["e0"]
    page.click("[data-prev]")
    assert _state(page)["text"] == "w = 3 (input)"
    page.fill("[data-slider]", "6")
    state = _state(page)
    assert state["text"] == "∂J/∂w = ∂J/∂a · ∂a/∂w = 22 · 3 = 66, where ∂a/∂w = 3"
    assert state["slider"] == "6"


def test_the_highlight_is_visible_in_the_picture(page) -> None:  # type: ignore[no-untyped-def]
    page.keyboard.press("ArrowRight")
    stroke = page.evaluate(
        "() => getComputedStyle(document.querySelector('#n0 .card')).strokeWidth"
    )
    plain = page.evaluate("() => getComputedStyle(document.querySelector('#n1 .card')).strokeWidth")
    assert float(stroke.rstrip("px")) > float(plain.rstrip("px"))
    hidden = page.evaluate("() => getComputedStyle(document.querySelector('#v1 text')).display")
    assert hidden == "none"
