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


# -- practice mode ---------------------------------------------------------------

BLUE, GREEN, RED = "rgb(219, 234, 247)", "rgb(221, 242, 220)", "rgb(253, 226, 225)"


def _fill(page, slot: str) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate(f"() => getComputedStyle(document.querySelector('#{slot} rect')).fill")


def _classes(page, slot: str) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate(f"() => document.querySelector('#{slot}').getAttribute('class')")


def _answer(page, slot: str, text: str) -> str:  # type: ignore[no-untyped-def]
    page.click(f"#{slot} rect")
    page.fill("[data-answer-input]", text)
    page.press("[data-answer-input]", "Enter")
    return page.text_content("[data-feedback]")


def test_practice_asks_for_every_box_but_the_inputs(page) -> None:  # type: ignore[no-untyped-def]
    page.click("[data-practice]")
    asked = page.evaluate("() => [...document.querySelectorAll('.slot.asked')].map(s => s.id)")
    assert sorted(asked) == ["g0", "g1", "v1", "v2"]  # inputs and ∂J/∂J = 1 are given
    assert page.is_hidden("[data-step-panel]")
    assert page.text_content("#v1").endswith("a = ?")


def test_a_right_answer_takes_the_boxs_colour(page) -> None:  # type: ignore[no-untyped-def]
    page.click("[data-practice]")
    assert _answer(page, "v1", "11") == "Right: a = 11."
    assert "asked" not in _classes(page, "v1") and _fill(page, "v1") == BLUE
    assert _answer(page, "g1", "22.0") == "Right: ∂J/∂a = 22."
    assert _fill(page, "g1") == GREEN


def test_a_wrong_answer_turns_red_and_can_be_tried_again(page) -> None:  # type: ignore[no-untyped-def]
    page.click("[data-practice]")
    assert _answer(page, "v2", "120") == "Not quite: J is not 120. Try again."
    assert "wrong" in _classes(page, "v2") and _fill(page, "v2") == RED
    assert _answer(page, "v2", "121.4") == "Not quite: J is not 121.4. Try again."  # 121 is exact
    assert _answer(page, "v2", "121") == "Right: J = 121."
    assert _fill(page, "v2") == BLUE


def test_non_numbers_are_refused_with_a_message(page) -> None:  # type: ignore[no-untyped-def]
    page.click("[data-practice]")
    for text in ["abc", "", "1/0", "11a", "--3", "Infinity", "NaN"]:
        message = _answer(page, "v1", text)
        assert "is not a number" in message, text
        assert page.is_visible("[data-answer-input]")
        page.press("[data-answer-input]", "Escape")
    assert "asked" in _classes(page, "v1")


def test_practice_works_from_the_keyboard_alone(page) -> None:  # type: ignore[no-untyped-def]
    page.focus("[data-practice]")
    page.keyboard.press("Enter")
    active = "() => document.activeElement.id"
    assert page.evaluate(active) == "v1"  # the first box to fill: values come first
    page.keyboard.press("Enter")
    assert page.is_visible("[data-answer-input]")
    page.keyboard.type("11")
    page.keyboard.press("Enter")
    assert page.text_content("[data-feedback]") == "Right: a = 11."
    assert page.evaluate(active) == "v2"  # on to the next box, in the order of the steps
    page.keyboard.press(" ")
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    assert page.text_content("[data-feedback]").startswith("Not quite")
    assert page.evaluate(active) == "v2"
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert page.is_hidden("[data-answer-input]") and page.evaluate(active) == "v2"
    page.keyboard.press("Enter")
    page.keyboard.type("121")
    page.keyboard.press("Enter")
    assert page.evaluate(active) == "g1"  # then the derivatives, from the target back


def test_fractions_are_numbers_and_exact_values_want_exact_answers(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = render(
        "x = 2; w = -2; b = 8; y = 1; c = w*x; a = c + b; d = a - y; J = d**2/2",
        tmp_path / "n",
        outputs=["html"],
        exact=True,
        wrt=["w", "b"],
    )
    page = browser.new_page()
    page.goto((out / "index.html").as_uri())
    page.click("[data-practice]")
    target = page.evaluate(
        "() => [...document.querySelectorAll('.slot')].find(s => s.textContent.startsWith('J = 9/2')).id"
    )
    assert _answer(page, target, "4.46").startswith("Not quite")
    assert _answer(page, target, "9/2") == "Right: J = 9/2."
    page.close()


def test_reveal_all_and_hide_all(page) -> None:  # type: ignore[no-untyped-def]
    page.click("[data-practice]")
    page.click("[data-reveal]")
    assert page.evaluate("() => document.querySelectorAll('.slot.asked, .slot.wrong').length") == 0
    assert _fill(page, "g0") == GREEN
    page.click("[data-hide]")
    assert page.evaluate("() => document.querySelectorAll('.slot.asked').length") == 4
    page.click("[data-practice]")  # back to the steps, where we left them
    assert _state(page)["counter"] == "Before the first step"
    assert not page.is_hidden("[data-step-panel]")


def test_two_traces_in_one_notebook_page_keep_to_themselves(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first, second = traced(LAB), traced("x = 2; y = x * x")
    html = f"<html><body>{first._repr_html_()}<hr>{second._repr_html_()}</body></html>"
    (tmp_path / "notebook.html").write_text(html)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((tmp_path / "notebook.html").as_uri())
    viewers = page.locator("[data-vizgraph-viewer]")
    assert viewers.count() == 2
    viewers.nth(1).locator("[data-next]").click()
    viewers.nth(1).locator("[data-next]").click()
    texts = [viewers.nth(i).locator("[data-explanation]").text_content() for i in range(2)]
    assert texts[0] == "The graph before any computation: every box is empty."
    assert texts[1] == "y = x·x = 2·2 = 4"
    viewers.nth(1).press("ArrowLeft")  # keys act on the viewer that has the focus
    assert viewers.nth(1).locator("[data-explanation]").text_content() == "x = 2 (input)"
    assert viewers.nth(0).locator("[data-counter]").text_content() == "Before the first step"
    ids = page.evaluate("() => [...document.querySelectorAll('svg [id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), "no id appears twice"
    page.screenshot(path=str(tmp_path / "notebook.png"), full_page=True)
    assert errors == []
