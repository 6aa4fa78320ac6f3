"""The simulator's call mode in a real headless Chromium: staff call the voice line,
press keys on the page's keypad and read each spoken line with its language and voice."""

from __future__ import annotations

from typing import Any

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from test_simulator_browser import Page, browser, pytestmark, server  # noqa: F401

from hotline.dialogue import spoken
from hotline.dialogue.call import Line
from hotline.words.speech import say


def heard(page: Page) -> list[tuple[str, str]]:
    return [((e.find_element(By.CSS_SELECTOR, ".body").get_attribute("textContent") or ""),
             (e.find_element(By.CSS_SELECTOR, ".meta").get_attribute("textContent") or ""))
            for e in page.browser.find_elements(By.CSS_SELECTOR, "#messages .bot")]


def settle(page: Page, before: int) -> list[tuple[str, str]]:
    def done(driver: Any) -> bool:
        state = driver.find_element(By.ID, "messages").get_attribute("data-state")
        return state == "idle" and len(heard(page)) > before

    WebDriverWait(page.browser, 20).until(done)
    return heard(page)[before:]


def test_staff_walk_the_voice_menu_with_the_keypad(
        server: tuple[str, Any], browser: webdriver.Chrome) -> None:  # noqa: F811
    base, app = server
    catalogs = app.extensions["hotline"].catalogs
    page = Page(browser, base)
    page.log_in()
    Select(browser.find_element(By.ID, "channel")).select_by_value("call")
    assert browser.find_element(By.ID, "composer").is_displayed() is False
    browser.find_element(By.ID, "dial").click()
    choice = settle(page, 0)
    assert choice[0] == ("한국어 안내는 1번을 눌러 주세요.",
                         "spoken · ko-KR · Polly.Seoyeon-Neural")
    assert choice[1][1] == "spoken · es-US · Polly.Lupe-Neural"

    browser.find_element(By.CSS_SELECTOR, ".key[data-key='2']").click()
    menu = settle(page, len(choice))
    assert menu[1] == (say(catalogs, Line(spoken.MENU, "es")),
                       "spoken · es-US · Polly.Lupe-Neural")

    browser.find_element(By.CSS_SELECTOR, ".key[data-key='2']").click()
    record = settle(page, len(choice) + len(menu))
    assert record[0][0] == say(catalogs, Line(spoken.RECORD_CONSENT, "es"))
    notes = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#messages .system")]
    assert notes[-1].startswith("Recording after a beep, up to 180 s")
    assert browser.find_element(By.ID, "leave").is_enabled()
    page.screenshot("simulator-call-es.png")
