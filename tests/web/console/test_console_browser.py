"""The console in a real headless Chromium, as a coordinator works a case from a phone
and from a desk: a code from the local SMS stand-in, the authenticator set up and used,
the unclaimed queue, claim, note, the number shown for a reason, the claim packet
printed to PDF, the case closed with an outcome, signing out.

Screenshots at phone and desktop widths, and the packet's PDF, are kept in
HOTLINE_SCREENSHOTS (default: test-screenshots/ in the checkout). Skipped only where
Chromium is missing and this is not CI (CI installs it: see .ci/run).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from consoling import WORKER, alert, file_case, organizer
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from werkzeug.serving import make_server

from hotline.app import create_app
from hotline.config import PACKAGE_ROOT
from hotline.store.audit import Action

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
PHONE = (390, 844)
DESKTOP = (1280, 900)
SHOTS = Path(os.environ.get("HOTLINE_SCREENSHOTS") or PACKAGE_ROOT / "test-screenshots")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER) and not os.environ.get("CI"),
                       reason="Chromium and chromedriver are not installed (CI installs them)"),
]


@pytest.fixture
def served(alert_overrides: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The hotline app on a real HTTP server on a free loopback port."""
    app = create_app(alert_overrides)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()
    app.extensions["hotline"].close()


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--lang=en-US",
                 "--hide-scrollbars", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=DriverService(CHROMEDRIVER or "/usr/bin/chromedriver"),
                              options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


class Console:
    """The console as a person in the browser uses it."""

    def __init__(self, driver: webdriver.Chrome, base: str) -> None:
        self.driver = driver
        self.base = base

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def find(self, css: str) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def type(self, css: str, text: str) -> None:
        field = self.find(css)
        field.clear()
        field.send_keys(text)

    def submit(self, css: str) -> None:
        """Press a button and wait for the next page."""
        old = self.find("html")
        self.find(css).click()
        WebDriverWait(self.driver, 20).until(lambda d: _stale(old))

    def text(self) -> str:
        return str(self.find("body").text)

    def shots(self, name: str) -> None:
        """Keep the page at phone and desktop widths (whole page, not just the window)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        for label, (width, height) in (("phone", PHONE), ("desktop", DESKTOP)):
            self.driver.set_window_size(width, height)
            full = self.driver.execute_script(
                "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
            self.driver.set_window_size(width, min(max(height, int(full) + 120), 4000))
            self.driver.save_screenshot(str(SHOTS / f"console-{name}-{label}.png"))
        self.driver.set_window_size(*DESKTOP)


def _stale(element: Any) -> bool:
    try:
        element.is_enabled()
        return False
    except Exception:  # noqa: BLE001 - the old page is gone
        return True


def test_a_coordinator_works_a_case_in_the_browser_from_sign_in_to_sign_out(
        served: tuple[str, Any], chromium: webdriver.Chrome, twilio_api: Any) -> None:
    base, app = served
    cora = organizer(app, "Cora Lee", "213 555 0105", role="coordinator", languages="en,ko")
    case_id, ref = file_case(app)
    alert(app, case_id)
    page = Console(chromium, base)

    # sign in: the code comes by SMS, then the authenticator is set up
    page.open("/console/queues/unclaimed")
    assert chromium.current_url.endswith("/console/sign-in?next=%2Fconsole%2Fqueues%2Funclaimed")
    page.shots("sign-in")
    page.type("#who", "213-555-0105")
    page.submit("button[type=submit]")
    code = re.search(r"\b(\d{6})\b", twilio_api.to(cora.phone)[-1]["Body"]).group(1)  # type: ignore[union-attr]
    page.type("#code", code)
    page.submit("button[type=submit]")
    assert chromium.current_url.endswith("/console/sign-in/authenticator")
    page.shots("authenticator")
    secret = page.find("#secret").text
    page.type("#code", pyotp.TOTP(secret).now())
    page.submit("button[type=submit]")
    assert len(chromium.find_elements(By.CSS_SELECTOR, "#recovery-codes li")) == 10
    page.submit("#continue")

    # the unclaimed queue: the case, how long the worker has waited, no number
    assert chromium.current_url.endswith("/console/queues/unclaimed")
    row = page.find(f'tr[data-ref="{ref}"]')
    assert "Not paid or paid late" in row.text and "min" in row.text
    assert WORKER not in page.text() and "0123" not in page.text()
    page.shots("queue")

    # claim, note
    page.submit(f'tr[data-ref="{ref}"] a')
    page.submit("#claim")
    assert "The case is yours" in page.text()
    page.type("#note", "Called Min. Paid $12/h cash, 60 h a week.")
    page.submit("#save-note")
    assert "Called Min. Paid $12/h cash" in page.find("#timeline").text

    # the number: masked, then shown for a reason (the prompt is a form, not a popup)
    assert page.find("#masked").text == "••• ••• 0123"
    page.find("#show-number").click()
    page.find("#reason-first").click()
    page.type("#why", "call her about the wage claim")
    page.submit("#reveal-submit")
    assert page.find("#number").text == WORKER
    page.shots("case")

    # the claim packet, printed to PDF as "Save as PDF" does
    page.open(f"/console/cases/{ref}")
    page.submit("#packet")
    assert "Wage claim preparation" in page.text() and "Assi Market" in page.text()
    page.shots("packet")
    pdf = base64.b64decode(chromium.print_page())
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "console-packet.pdf").write_bytes(pdf)

    # close with an outcome
    page.open(f"/console/cases/{ref}")
    Select(page.find("#outcome")).select_by_value("labor_commissioner")
    page.submit("#close")
    assert "Referred to the Labor Commissioner" in page.find("#status").text

    # sign out: the session is over on the server too
    page.submit("#sign-out")
    assert chromium.current_url.endswith("/console/sign-in")
    page.open(f"/console/cases/{ref}")
    assert "/console/sign-in" in chromium.current_url

    actions = [e.action for e in app.extensions["console"].audit.entries(limit=50)]
    for done in (Action.SIGNED_IN, Action.VIEWED, Action.CLAIMED, Action.NOTED,
                 Action.REVEALED, Action.PACKET, Action.CLOSED, Action.SIGNED_OUT):
        assert done in actions, done


@pytest.fixture
def chromium_without_scripts(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-sync",
                 f"--window-size={PHONE[0]},{PHONE[1]}", "--lang=ko-KR", "--hide-scrollbars",
                 f"--user-data-dir={tmp_path / 'chromium-nojs'}"):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=DriverService(CHROMEDRIVER or "/usr/bin/chromedriver"),
                              options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_an_organizer_on_a_phone_with_scripts_off_works_a_case_by_keyboard_in_korean(
        served: tuple[str, Any], chromium_without_scripts: webdriver.Chrome,
        twilio_api: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    base, app = served
    driver = chromium_without_scripts
    ana = organizer(app, "Ana Kim", "213 555 0101", languages="ko,en", industries="restaurant")
    case_id, ref = file_case(app)
    alert(app, case_id)
    page = Console(driver, base)

    def press(css: str) -> None:
        old = page.find("html")
        page.find(css).send_keys(Keys.ENTER)  # the keyboard, not the mouse
        WebDriverWait(driver, 20).until(lambda d: _stale(old))

    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    page.open("/console/")
    page.find("#who").send_keys("2135550101")
    press("#who")
    code = re.search(r"\b(\d{6})\b", twilio_api.to(ana.phone)[-1]["Body"]).group(1)  # type: ignore[union-attr]
    page.find("#code").send_keys(code)
    press("#code")
    assert "미배정" in page.text() and ref in page.text()  # in her language
    press(f'tr[data-ref="{ref}"] a')
    assert "사장님이 월급을 늦게 줘요" in page.text()
    press("#claim")
    assert "이 사건을 맡았어요" in page.text()
    page.find("#show-number").send_keys(Keys.ENTER)  # <details> opens without scripts
    page.find("#reason-first").send_keys(Keys.SPACE)
    press("#reveal-submit")
    assert page.find("#number").text == WORKER
    page.shots("case-ko-noscript")
    press("#packet")
    assert "Wage claim preparation" in page.text()  # the form is English
