"""End to end in a real browser: an operator asks, reads the notice and sources, downloads the
original and gives a thumbs-down; Review and Admin stay closed to them, by menu and by URL; a
quality user reviews that answer; an admin sees the index status. Screenshots go to
``test-artifacts/``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, expect

from tests.e2e.conftest import ARTIFACTS, ServedApp
from tests.ui_support import DEMO_PASSWORDS, LOCKOUT_Q, OFF_TOPIC_Q

pytestmark = pytest.mark.e2e

COMMENT = "Step 7 should say which vent valve to open first"
TIMEOUT_MS = 30_000
ANSWER_TIMEOUT_MS = 120_000  # the first question warms the retriever up; slow on a busy machine
expect.set_options(timeout=TIMEOUT_MS)  # assertions wait as long as actions (default 5 s)


def open_context(browser: Browser, app: ServedApp) -> BrowserContext:
    """A fresh browser session that only reaches the app: anything else is aborted and noted."""
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)

    def only_the_app(route: Route) -> None:
        url = route.request.url
        if url.startswith((app.url, "data:", "blob:")):
            route.continue_()
        else:
            app.browser_outside.append(url)
            route.abort()

    context.route("**/*", only_the_app)
    return context


def log_in(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORDS[username])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(username.capitalize(), exact=False).first).to_be_visible()


def settled(page: Page) -> None:
    """Wait until Streamlit has finished running the script (widgets are stable then)."""
    app = page.locator('[data-testid="stApp"]')
    expect(app).to_have_attribute("data-test-script-state", "notRunning")


def shot(target: Page | Locator, name: str) -> None:
    target.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def ask(page: Page, question: str) -> Locator:
    """Ask in the chat and return the answer's chat message once its sources are drawn."""
    box = page.get_by_placeholder("Ask a question about your site's documents")
    box.fill(question)
    box.press("Enter")
    message = page.locator('[data-testid="stChatMessage"]').last
    sources = message.get_by_text(re.compile(r"Sources \(\d+\)"))
    expect(sources).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    return message


def box_top(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return float(box["y"])


def operator_asks_and_gives_feedback(page: Page, app: ServedApp) -> None:
    page.goto(app.url)
    log_in(page, "olivia")
    answer = ask(page, LOCKOUT_Q)
    notices = answer.locator('[class*="st-key-notices-"]')
    body = answer.locator('[class*="st-key-answer-"]')
    sources = answer.locator('[class*="st-key-sources-"]')
    expect(notices.get_by_text("Safety notices")).to_be_visible()
    expect(body).to_contain_text("[1]")
    assert box_top(notices) < box_top(body) < box_top(sources)
    shot(answer, "01-operator-answer")

    first = sources.locator('[data-testid="stExpander"]').first
    expect(first).to_contain_text("BRK-SOP-001 rev 4")
    first.locator("summary").click()
    expect(first.locator("mark").first).to_be_visible()
    expect(first).to_contain_text("revision 4")
    shot(first, "02-operator-source-open")
    with page.expect_download() as download:
        first.get_by_role("button", name=re.compile("Download original")).click()
    assert download.value.suggested_filename == "brk-sop-001-lockout-tagout.md"

    answer.get_by_role("radio", name="Thumbs down").click()
    answer.get_by_label("Comment (optional)").fill(COMMENT)
    answer.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text(f"Your feedback: not helpful: {COMMENT}")).to_be_visible()
    settled(page)

    box = page.get_by_placeholder("Ask a question about your site's documents")
    box.fill(OFF_TOPIC_Q)
    box.press("Enter")
    abstention = page.locator('[data-testid="stChatMessage"]').nth(3)
    expect(abstention.locator('[data-testid="stAlert"]')).to_contain_text(
        "do not answer", timeout=ANSWER_TIMEOUT_MS
    )
    expect(abstention).to_contain_text("Closest documents in your scope")
    expect(abstention.get_by_text(re.compile(r"Sources \(\d+\)"))).to_have_count(0)
    settled(page)
    shot(abstention, "03-operator-abstention")


def operator_cannot_reach_review_or_admin(page: Page, app: ServedApp) -> None:
    expect(page.get_by_role("link", name="Review")).to_have_count(0)
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    for path in ("review", "admin"):
        page.goto(f"{app.url}/{path}")
        expect(page.get_by_role("dialog")).to_contain_text("Page not found")
        page.keyboard.press("Escape")
        log_in(page, "olivia")
        expect(page.get_by_role("heading", name="Plant Copilot")).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("^(Review|Admin)$"))).to_have_count(0)
        expect(page.get_by_role("link", name=re.compile("Review|Admin"))).to_have_count(0)
    shot(page, "04-operator-no-review")


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox (a react-aria combobox) through its Open button."""
    settled(page)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label)
    box.get_by_role("button", name="Open").click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_role("combobox", name=label)).to_have_value(option)


def quality_reviews_the_answer(page: Page, app: ServedApp) -> None:
    page.goto(app.url)
    log_in(page, "quinn")
    page.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Review", exact=True)).to_be_visible()
    expect(page.get_by_text("2 interaction(s) match.")).to_be_visible()
    choose(page, "Feedback", "Thumbs down")
    expect(page.get_by_text("1 interaction(s) match.")).to_be_visible()
    settled(page)
    expect(page.get_by_text(f"thumbs down — {COMMENT}")).to_be_visible()
    expect(
        page.get_by_text("[1] Lockout/tagout - Brookfield bottling plant (BRK-SOP-001 rev 4)").first
    ).to_be_visible()
    page.get_by_text("SOP needs update", exact=True).click()
    page.get_by_label("Comment", exact=True).fill("Name the vent valve in step 7")
    page.get_by_role("button", name="Record disposition").click()
    expect(page.get_by_text("Disposition recorded.")).to_be_visible()
    expect(
        page.get_by_text("quinn: SOP needs update. Name the vent valve in step 7")
    ).to_be_visible()
    shot(page, "05-quality-review")


def admin_sees_index_status(page: Page, app: ServedApp) -> None:
    page.goto(app.url)
    log_in(page, "ada")
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Index status")).to_be_visible()
    table = page.locator('[data-testid="stTable"]').first
    for site in ("brookfield", "calder", "dunmore"):
        expect(table).to_contain_text(site)
    expect(page.get_by_text("No evaluation runs yet.")).to_be_visible()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    shot(page, "06-admin")


def test_operator_quality_admin_journey(browser: Browser, served_app: ServedApp) -> None:
    steps: list[tuple[str, Any]] = [
        ("operator", operator_asks_and_gives_feedback),
        ("operator", operator_cannot_reach_review_or_admin),
        ("quality", quality_reviews_the_answer),
        ("admin", admin_sees_index_status),
    ]
    contexts: dict[str, BrowserContext] = {}
    pages: dict[str, Page] = {}
    try:
        for who, step in steps:
            if who not in pages:
                contexts[who] = open_context(browser, served_app)
                pages[who] = contexts[who].new_page()
            try:
                step(pages[who], served_app)
            except Exception:
                shot(pages[who], f"failure-{step.__name__}")
                raise
    finally:
        for context in contexts.values():
            context.close()
    assert served_app.outside_attempts() == []


def technician_opens_an_asset_page(page: Page, app: ServedApp) -> None:
    page.goto(app.url)
    log_in(page, "theo")
    page.get_by_role("link", name="Asset").click()
    expect(page.get_by_role("heading", name="Asset")).to_be_visible()
    choose(page, "Site", "calder")
    settled(page)
    box = page.get_by_label("Asset tag")
    box.fill("press 4")  # an alias from calder/assets.yaml
    box.press("Enter")
    expect(page.get_by_role("heading", name="IMM-4")).to_be_visible()
    incidents = page.locator('[class*="st-key-as-incidents-CAL-INC-2025-009"]')
    expect(incidents).to_contain_text("Hydraulic hose burst on IMM-4")
    expect(page.get_by_role("heading", name=re.compile(r"Work orders \(\d+\)"))).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').first
    expect(grid).to_be_visible()
    expect(page.get_by_text(re.compile(r"Last corrective action: .*WO-CAL-25"))).to_be_visible()
    settled(page)
    shot(page, "07-technician-asset-page")


def operator_cannot_open_the_asset_page(page: Page, app: ServedApp) -> None:
    expect(page.get_by_role("link", name="Asset")).to_have_count(0)
    page.goto(f"{app.url}/asset?site=brookfield&tag=FILLER-2")
    expect(page.get_by_role("dialog")).to_contain_text("Page not found")
    page.keyboard.press("Escape")
    log_in(page, "olivia")
    expect(page.get_by_role("heading", name="IMM-4")).to_have_count(0)
    expect(page.get_by_role("heading", name="FILLER-2")).to_have_count(0)
    expect(page.get_by_text("Work orders (")).to_have_count(0)
    shot(page, "08-operator-no-asset")


def test_asset_page_journey(browser: Browser, served_app: ServedApp) -> None:
    for step in (technician_opens_an_asset_page, operator_cannot_open_the_asset_page):
        context = open_context(browser, served_app)
        page = context.new_page()
        try:
            if step is operator_cannot_open_the_asset_page:
                page.goto(served_app.url)
                log_in(page, "olivia")
            step(page, served_app)
        except Exception:
            shot(page, f"failure-{step.__name__}")
            raise
        finally:
            context.close()
    assert served_app.outside_attempts() == []
