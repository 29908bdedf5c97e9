"""The web console in a real browser: Debian's chromium, driven by selenium, against a real
`ragloom serve` on the embedded profile. Screenshots of each page go to test-artifacts/console/
(ignored by git); README's pictures are made from them."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.helpers.images import encoded, sign
from tests.helpers.media import make_video, recording, write_wav
from tests.helpers.runtime import parse_sse
from tests.helpers.server import running_server
from tests.helpers.tenants import ADMIN

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
SAID = "The river flows past the old mill and into the lake."
CRANE = sign(["The harbour crane lifts", "at most 40 tonnes."])
WELCOME = sign(["Welcome to the harbour tour"])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """A `ragloom serve` on the shipped embedded profile: its URL and the default tenant's key."""
    home = tmp_path_factory.mktemp("console") / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
    env |= {"RAGLOOM_HOME": str(home), "RAGLOOM_ADMIN_USER": ADMIN[0], "RAGLOOM_ADMIN_PASSWORD": ADMIN[1]}
    # the keys these tests revoke on purpose fail to log in: no throttling of this one client for them
    env["RAGLOOM_HTTP__AUTH_FREE_FAILURES"] = "1000"
    with running_server(env, timeout=180) as url:
        yield url, (home / "default-api-key").read_text().strip()


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[WebDriver]:
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver is None:
        message = "chromium and chromedriver are not installed (scripts/test.sh installs them)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--autoplay-policy=no-user-gesture-required",
        "--mute-audio",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(service=Service(driver), options=options)
    chrome.downloads = tmp_path_factory.mktemp("downloads")  # type: ignore[attr-defined]
    chrome.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(chrome.downloads)}
    )
    yield chrome
    chrome.quit()


def wait(browser: WebDriver, condition, seconds: float = 60):
    """What `condition` returns once it is true; on a timeout, what the page showed."""
    try:
        # a list the page draws again meanwhile leaves stale elements: look again
        waiting = WebDriverWait(browser, seconds, 0.2, ignored_exceptions=(StaleElementReferenceException,))
        return waiting.until(lambda _: condition())
    except TimeoutException:
        shown = browser.find_element(By.TAG_NAME, "body").text[-3000:]
        logs = [entry["message"] for entry in browser.get_log("browser")][-10:]
        raise AssertionError(f"waited {seconds} s in vain; the page shows:\n{shown}\n{logs}") from None


def click(browser: WebDriver, element) -> None:
    """Click as a person would: the control scrolled to the middle of the window first."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def shot(browser: WebDriver, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def signed_in(browser: WebDriver, url: str, key: str) -> None:
    browser.get(url + "/")
    browser.execute_script("sessionStorage.clear()")
    browser.get(url + "/")
    browser.find_element(By.ID, "api-key").send_keys(key)
    browser.find_element(By.ID, "signin-button").click()
    wait(browser, lambda: browser.find_element(By.ID, "tenant-name").is_displayed())


def ask(browser: WebDriver, question: str):
    """Ask on the Ask page; the assistant's message once its stream ended."""
    browser.find_element(By.ID, "tab-ask").click()
    field = browser.find_element(By.ID, "question")
    field.clear()
    field.send_keys(question)
    before = len(browser.find_elements(By.CSS_SELECTOR, "#messages .message.assistant"))
    browser.find_element(By.ID, "ask-button").click()
    wait(
        browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "#messages .message.assistant")) > before
    )
    wait(browser, lambda: browser.find_element(By.ID, "messages").get_attribute("aria-busy") == "false", 120)
    return browser.find_elements(By.CSS_SELECTOR, "#messages .message.assistant")[-1]


def no_page_errors(browser: WebDriver) -> None:
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    # a refused request (a 4xx the page shows) is logged too; script errors and CSP violations not
    assert not [e for e in errors if "Content Security Policy" in e["message"] or "Uncaught" in e["message"]]


def test_a_tenant_uploads_three_kinds_of_file_and_asks(server, browser, tmp_path):
    url, key = server
    signed_in(browser, url, key)
    shot(browser, "documents-empty")
    notes = tmp_path / "harbour.txt"
    notes.write_text("The harbour opens at six in the morning. Ferries leave every hour.")
    walk = ["Our team will meet in the library on Friday.", "Please send the report before lunch.", SAID]
    river = write_wav(recording(walk, gap_seconds=15.0)[0], tmp_path / "river.wav")  # SAID after 30 s
    poster = tmp_path / "crane.png"
    poster.write_bytes(encoded(CRANE, "PNG"))
    browser.find_element(By.ID, "file-input").send_keys("\n".join(str(p) for p in (notes, river, poster)))

    def statuses() -> list[str]:
        return [
            e.get_attribute("data-status")
            for e in browser.find_elements(By.CSS_SELECTOR, "#uploads li.upload [data-status]")
        ]

    wait(browser, lambda: statuses() == ["ready"] * 3, 240)
    bars = browser.find_elements(By.CSS_SELECTOR, "#uploads li.upload progress")
    assert [bar.get_attribute("value") for bar in bars] == ["100"] * 3
    listed = "#documents li.doc[data-document-id] [data-status]"
    wait(
        browser,
        lambda: (
            [e.get_attribute("data-status") for e in browser.find_elements(By.CSS_SELECTOR, listed)]
            == ["ready"] * 3
        ),
    )
    shot(browser, "documents")
    # the original and the tenant's audit trail, downloaded from the page
    [row] = [
        r for r in browser.find_elements(By.CSS_SELECTOR, "#documents li.doc") if "harbour.txt" in r.text
    ]
    click(browser, row.find_element(By.CSS_SELECTOR, "button.original"))
    saved = browser.downloads / "harbour.txt"
    wait(browser, lambda: saved.exists() and saved.read_text() == notes.read_text(), 30)
    click(browser, browser.find_element(By.ID, "audit-export"))
    trail = browser.downloads / "audit.jsonl"
    wait(browser, lambda: trail.exists() and '"document.ready"' in trail.read_text(), 30)
    assert all(json.loads(line)["chain"] == "default" for line in trail.read_text().splitlines())

    answer = ask(browser, "Where does the river flow?")
    assert "old mill" in answer.text
    chip = answer.find_element(By.CSS_SELECTOR, "button.citation[data-marker='1']")
    chip.click()
    player = wait(browser, lambda: browser.find_element(By.ID, "player"))
    cited = httpx.post(
        f"{url}/v1/query",
        json={"question": "Where does the river flow?"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    window = _cited_window(cited.text)
    assert window[0] > 5, window  # the player has to seek to the cited seconds
    position = "return arguments[0].currentTime"
    wait(browser, lambda: browser.execute_script(position, player) > window[0] - 0.5, 30)
    now = browser.execute_script(position, player)
    assert window[0] - 0.5 <= now <= window[1] + 0.5, (now, window)
    # it plays the cited seconds, and stops at their end
    wait(browser, lambda: browser.execute_script("return arguments[0].paused", player), 30)
    assert window[1] - 0.5 <= browser.execute_script(position, player) <= window[1] + 1.0
    shot(browser, "ask-recording")

    nothing = ask(browser, "What is the boiling point of mercury?")
    assert "no-answer" in nothing.get_attribute("class")
    assert nothing.find_element(By.CSS_SELECTOR, ".no-answer-label").is_displayed()
    shot(browser, "ask-no-answer")
    browser.set_window_size(360, 800)  # a phone's width: nothing sticks out sideways
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360
    browser.set_window_size(1280, 900)
    no_page_errors(browser)


def _cited_window(stream: str) -> tuple[float, float]:
    event, done = parse_sse(stream)[-1]
    assert event == "done", stream
    top = done["citations"][0]
    return top["start_seconds"], top["end_seconds"]


def test_a_video_citation_shows_its_keyframe_with_the_words_boxed(server, browser, tmp_path):
    url, _ = server
    onboarded = httpx.post(f"{url}/admin/tenants", json={"name": "Harbour"}, auth=ADMIN, timeout=30)
    key = onboarded.json()["api_key"]  # a tenant of its own: only the video answers
    video = make_video(tmp_path / "tour.mp4", [(WELCOME, 10), (CRANE, 10)], fps=5, size=(960, 540))
    headers = {"Authorization": f"Bearer {key}"}
    with video.open("rb") as data:
        created = httpx.post(
            f"{url}/v1/documents", files={"file": ("tour.mp4", data)}, headers=headers, timeout=60
        )
    assert created.status_code == 201, created.text
    signed_in(browser, url, key)
    wait(browser, lambda: _status(url, headers, created.json()["id"]) == "ready", 240)
    answer = ask(browser, "How many tonnes can the harbour crane lift?")
    assert "40 tonnes" in answer.text
    video_id = created.json()["id"]
    answer.find_element(By.CSS_SELECTOR, f"button.citation[data-document-id='{video_id}']").click()
    frame = wait(browser, lambda: browser.find_element(By.ID, "frame-image"))
    wait(
        browser,
        lambda: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", frame),
    )
    assert frame.get_attribute("src").startswith("blob:")
    assert browser.find_elements(By.CSS_SELECTOR, ".picture .box")  # the lines read, boxed
    shot(browser, "ask-video-frame")
    no_page_errors(browser)


def _status(url: str, headers: dict[str, str], document_id: str) -> str:
    return httpx.get(f"{url}/v1/documents/{document_id}", headers=headers, timeout=30).json()["status"]


def test_hostile_names_and_text_are_shown_as_text(server, browser, tmp_path):
    url, key = server
    headers = {"Authorization": f"Bearer {key}"}
    name = '<img src=x onerror="window.pwned=1">.txt'
    body = b"<script>window.pwned=2</script> The lighthouse keeper is named Ada Brandt."
    created = httpx.post(
        f"{url}/v1/documents", files={"file": (name, body, "text/plain")}, headers=headers, timeout=60
    )
    assert created.status_code == 201, created.text
    page = httpx.post(
        f"{url}/v1/documents",
        files={
            "file": (
                "page.html",
                b"<html><body><img src=x onerror='window.pwned=3'>"
                b"<p>The tide turns at noon.</p></body></html>",
                "text/html",
            )
        },
        headers=headers,
        timeout=60,
    )
    assert page.status_code == 201, page.text
    signed_in(browser, url, key)
    wait(browser, lambda: _status(url, headers, created.json()["id"]) == "ready", 120)
    browser.find_element(By.ID, "tab-documents").click()
    listed_as = created.json()["filename"]  # the name as stored: the server strips < and > from it
    wait(browser, lambda: listed_as in browser.find_element(By.ID, "documents").text)
    answer = ask(browser, "Who is the lighthouse keeper?")
    assert "<script>window.pwned=2</script>" in answer.text  # the passage, shown as the text it is
    assert browser.execute_script("return window.pwned") is None
    assert not browser.find_elements(By.CSS_SELECTOR, "#documents img, #messages img, #messages script")
    csp = httpx.get(url + "/", timeout=10).headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    no_page_errors(browser)


def test_the_admin_console_from_a_new_tenant_to_its_deletion(server, browser):
    url, _ = server
    browser.get(url + "/admin/")
    browser.execute_script("sessionStorage.clear()")
    browser.get(url + "/admin/")
    browser.find_element(By.ID, "admin-user").send_keys(ADMIN[0])
    browser.find_element(By.ID, "admin-password").send_keys(ADMIN[1])
    browser.find_element(By.ID, "signin-button").click()
    wait(browser, lambda: browser.find_element(By.ID, "app").is_displayed())
    browser.find_element(By.ID, "new-tenant-name").send_keys("Harbour Board")
    browser.find_element(By.ID, "create-button").click()

    def shown_key() -> str:
        value = browser.find_element(By.ID, "secret-value").get_attribute("value")
        return value if value.startswith("rlk_") else ""

    secret = wait(browser, shown_key)
    assert httpx.get(f"{url}/v1/tenant", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    shot(browser, "admin-created")
    browser.find_element(By.ID, "secret-dismiss").click()

    def row():
        [found] = [
            r
            for r in browser.find_elements(By.CSS_SELECTOR, "#tenants li.tenant")
            if "Harbour Board" in r.find_element(By.TAG_NAME, "h3").text
        ]
        return found

    def status() -> str:
        return row().find_element(By.CSS_SELECTOR, "[data-status]").get_attribute("data-status")

    click(browser, row().find_element(By.CSS_SELECTOR, "button.suspend"))
    wait(browser, lambda: status() == "suspended")
    assert httpx.get(f"{url}/v1/tenant", headers={"Authorization": f"Bearer {secret}"}).status_code == 403
    click(browser, row().find_element(By.CSS_SELECTOR, "button.resume"))
    wait(browser, lambda: status() == "active")
    browser.find_element(By.ID, "audit-verify").click()
    wait(browser, lambda: browser.find_element(By.ID, "audit-result").get_attribute("data-ok") == "true")
    shot(browser, "admin")
    click(browser, row().find_element(By.CSS_SELECTOR, "button.delete"))
    browser.find_element(By.ID, "confirm-yes").click()
    wait(browser, lambda: browser.find_element(By.ID, "receipt").is_displayed())
    assert browser.find_elements(By.CSS_SELECTOR, "#receipt-counts dt")
    shot(browser, "admin-deleted")
    assert httpx.get(f"{url}/v1/tenant", headers={"Authorization": f"Bearer {secret}"}).status_code in (
        401,
        403,
    )
    no_page_errors(browser)


UNLABELLED = """
return [...document.querySelectorAll('input, textarea, select, button')]
  .filter((e) => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                 && !e.textContent.trim())
  .map((e) => e.outerHTML);
"""


def test_both_consoles_are_labelled_and_work_from_the_keyboard(server, browser):
    url, key = server
    for page in ("/", "/admin/"):
        browser.get(url + page)
        browser.execute_script("sessionStorage.clear()")
        browser.get(url + page)
        assert browser.execute_script(UNLABELLED) == [], page
    browser.get(url + "/")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # the first stop is the key field
    assert browser.switch_to.active_element.get_attribute("id") == "api-key"
    browser.switch_to.active_element.send_keys(key, Keys.ENTER)
    wait(browser, lambda: browser.find_element(By.ID, "tenant-name").is_displayed())
    assert browser.execute_script(UNLABELLED) == []
    browser.set_window_size(360, 800)
    for tab in ("tab-documents", "tab-ask"):
        browser.find_element(By.ID, tab).send_keys(Keys.ENTER)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 360, tab
    browser.set_window_size(1280, 900)
