"""The simulator in a real headless Chromium: staff log in, then type a Korean and a Spanish
conversation and read the bot's replies, with their SMS cost, on the page.

Skipped only where Chromium is missing and this is not CI (CI installs it: see .ci/run).
Set HOTLINE_SCREENSHOTS=DIR to keep screenshots of both conversations.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from werkzeug.serving import make_server

from hotline.app import create_app
from hotline.dialogue import flow, messages
from hotline.dialogue.replies import Reply
from hotline.dialogue.topics import TOPICS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
PASSWORD = "staff password for tests"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
                       reason="Chromium and chromedriver are not installed (CI installs them)"),
]


@pytest.fixture
def server(overrides: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Serve the app, simulator on, with a real HTTP server on a free loopback port."""
    app = create_app({**overrides, "simulator_enabled": True, "simulator_password": PASSWORD})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()
    app.extensions["hotline"].close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1100,900",
                 "--lang=en-US", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=DriverService(CHROMEDRIVER or "/usr/bin/chromedriver"),
                              options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


class Page:
    """The simulator as staff see it."""

    def __init__(self, browser: webdriver.Chrome, base: str) -> None:
        self.browser = browser
        self.base = base

    def log_in(self) -> None:
        self.browser.get(self.base + "/simulator/")
        assert self.browser.current_url.endswith("/simulator/login")
        field = self.browser.find_element(By.ID, "password")
        field.send_keys(PASSWORD)
        field.send_keys(Keys.ENTER)
        WebDriverWait(self.browser, 15).until(
            lambda d: d.find_elements(By.ID, "messages"))

    def replies(self) -> list[str]:
        return [e.get_attribute("textContent") or "" for e in
                self.browser.find_elements(By.CSS_SELECTOR, "#messages .bot .body")]

    def costs(self) -> list[str]:
        return [e.get_attribute("textContent") or "" for e in
                self.browser.find_elements(By.CSS_SELECTOR, "#messages .bot .meta")]

    def _answered(self, before: int) -> list[str]:
        def done(driver: Any) -> bool:
            state = driver.find_element(By.ID, "messages").get_attribute("data-state")
            return state == "idle" and len(self.replies()) > before

        WebDriverWait(self.browser, 20).until(done)
        errors = self.browser.find_elements(By.CSS_SELECTOR, "#messages .system")
        assert not errors, [e.text for e in errors]
        return self.replies()[before:]

    def type(self, text: str) -> list[str]:
        """Type a message and press Enter, as staff do; return the new replies."""
        before = len(self.replies())
        box = self.browser.find_element(By.ID, "text")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        return self._answered(before)

    def pick_language(self, code: str) -> list[str]:
        before = len(self.replies())
        Select(self.browser.find_element(By.ID, "language")).select_by_value(code)
        return self._answered(before)

    def new_worker(self) -> None:
        self.browser.find_element(By.ID, "new-worker").click()
        assert self.replies() == []

    def screenshot(self, name: str) -> None:
        folder = os.environ.get("HOTLINE_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.browser.save_screenshot(str(Path(folder) / name))


def test_staff_type_a_korean_and_a_spanish_conversation_and_see_what_workers_get(
        server: tuple[str, Any], browser: webdriver.Chrome) -> None:
    base, app = server
    catalogs = app.extensions["hotline"].catalogs

    def sms(msgid: str, locale: str) -> str:
        return catalogs.render(Reply(msgid), locale, fold_accents=True)

    page = Page(browser, base)
    page.log_in()

    # Korean: pick the language, open the rights topics, read one, go back to the menu
    welcome, menu = page.pick_language("ko")
    assert welcome == sms(messages.WELCOME, "ko")
    assert menu.startswith(sms(messages.MENU, "ko") + "\n1 ")
    assert page.costs()[0].startswith("UCS-2 · ") and " SMS · " in page.costs()[0]
    (rights,) = page.type("1")
    assert rights.startswith(sms(messages.RIGHTS, "ko"))
    (topic,) = page.type("1")
    assert topic.startswith(catalogs.translate("ko", None, TOPICS[0].parts[0][0]) + "\n")
    assert page.type("메뉴") == [menu]
    page.screenshot("simulator-ko.png")

    # Spanish, a new worker whose language the bot detects from the first message
    page.new_worker()
    Select(browser.find_element(By.ID, "language")).select_by_value("")
    welcome, menu = page.type("hola, buenas tardes")
    assert welcome == sms(messages.WELCOME, "es")
    assert "informacion" in welcome  # SMS folds accents so the text stays GSM-7
    assert menu.startswith(sms(messages.MENU, "es"))
    assert page.costs()[0] == f"GSM-7 · 1 SMS · {len(welcome)} characters"
    (question,) = page.type("2")
    assert question.startswith(sms(flow.QUESTIONS[flow.REPORT_START].prompt, "es") + "\n1 ")
    (asked,) = page.type("1")
    assert asked == sms(flow.QUESTIONS[flow.StepId.EMPLOYER].prompt, "es")
    page.screenshot("simulator-es.png")
