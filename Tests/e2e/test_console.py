"""The console at GET / in a real browser (headless Chromium driven by chromedriver and selenium):
a whole chat played from both sides, the virtual clock, routing queues and their agents, the token login
and escaping.

scripts/test.sh installs Chromium, chromedriver and selenium when missing, so CI runs this module;
it skips only when they are absent outside CI (AXPSIM_CONSOLE_REQUIRED=1 turns that into a failure).
Screenshots of each screen go to AXPSIM_SCREENSHOTS (default: a temporary directory)."""
import os
import shutil
import tempfile

import pytest

from browser import CHROME, CHROMEDRIVER, start_chrome  # noqa: E402

from harness import Server
from test_routing import advance, start_chat, virtual


_REQUIRED = os.environ.get("AXPSIM_CONSOLE_REQUIRED") == "1" or os.environ.get("CI")
if not CHROME or not CHROMEDRIVER:
    if _REQUIRED:
        raise RuntimeError("the console test needs chromium and chromedriver (scripts/test.sh installs them)")
    pytest.skip("no Chromium or chromedriver (Debian packages 'chromium', 'chromium-driver')", allow_module_level=True)
if _REQUIRED:
    from selenium import webdriver  # noqa: F401 (fails loudly in CI)
webdriver = pytest.importorskip("selenium.webdriver", reason="python package 'selenium' is not installed")
from selenium.common.exceptions import NoAlertPresentException, NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

SHOTS = os.environ.get("AXPSIM_SCREENSHOTS") or tempfile.mkdtemp(prefix="axpsim-console-shots-")
WIDE, NARROW = (1280, 800), (420, 800)


@pytest.fixture()
def browser():
    profile = tempfile.mkdtemp(prefix="axpsim-console-chrome-")
    driver = start_chrome(profile, ("--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                                    "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
                                    "--window-size=1280,800", "--disable-background-timer-throttling",
                                    "--disable-renderer-backgrounding"))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def tid(driver, name, root=None):
    return (root or driver).find_element(By.CSS_SELECTOR, f'[data-testid="{name}"]')


def wait(driver, condition, timeout=20, message=""):
    """Waits for a condition; the console re-renders lists live, so a stale or missing element is a retry."""
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(lambda d: condition(), message)


def text_of(driver, name):
    return tid(driver, name).text


def shot(driver, name):
    """A screenshot at the wide and the narrow size (the page laid out for each)."""
    for (width, height), suffix in ((WIDE, "wide"), (NARROW, "narrow")):
        driver.set_window_size(width, height)
        driver.execute_script("return document.body.offsetHeight")
        driver.save_screenshot(os.path.join(SHOTS, f"{name}-{suffix}.png"))
    driver.set_window_size(*WIDE)


def viewport_shot(driver, name, size=(1280, 800)):
    """A screenshot whose page is exactly `size` (the README's images), whatever the window's frame takes."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False})
    try:
        driver.execute_script("return document.body.offsetHeight")
        driver.save_screenshot(os.path.join(SHOTS, f"{name}-{size[0]}x{size[1]}.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def no_page_errors(driver):
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE" and "favicon" not in entry["message"]]
    assert not errors, errors


def open_console(driver, server):
    driver.set_window_size(*WIDE)
    driver.get(server.url("/"))
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, '[data-testid="playground-start"]'), message="console did not load")


def start_playground(driver, name=None, integration="support"):
    Select(tid(driver, "playground-integration")).select_by_visible_text(
        next(o.text for o in Select(tid(driver, "playground-integration")).options if o.text.startswith(integration)))
    if name is not None:
        tid(driver, "playground-name").clear()
        tid(driver, "playground-name").send_keys(name)
    tid(driver, "playground-start").click()
    wait(driver, lambda: "joined" in text_of(driver, "playground-transcript"), message="the customer's chat did not start")


def test_a_whole_chat_from_both_sides(server, browser):
    d = browser
    assert server.post("/__sim/reset").status_code == 200
    open_console(d, server)
    shot(d, "console-empty")

    # The customer starts a chat in the playground; the console lists it live.
    start_playground(d, name="Ann")
    row = lambda: d.find_element(By.CSS_SELECTOR, '[data-testid="engagement-row"]')  # noqa: E731
    wait(d, lambda: "PENDING" in row().text, message="no engagement row")
    engagement_id = wait(d, lambda: row().get_attribute("data-engagement-id"))
    assert "Ann" in wait(d, lambda: row().text)
    # The customer writes before anyone joined: an unread count on the row.
    tid(d, "playground-composer").send_keys("Hello, my router is blinking red")
    tid(d, "playground-send").click()
    wait(d, lambda: "Hello, my router" in text_of(d, "playground-transcript"))
    wait(d, lambda: "1" in d.find_element(By.CSS_SELECTOR, '[data-testid="engagement-row"] .badge').text, message="no unread count")

    # The console opens the chat and joins as the agent Alice.
    d.find_element(By.CSS_SELECTOR, f'[data-engagement-id="{engagement_id}"]').click()
    wait(d, lambda: "Hello, my router" in text_of(d, "transcript"), message="the customer's message is not in the transcript")
    tid(d, "agent-name").clear()
    tid(d, "agent-name").send_keys("Alice")
    tid(d, "agent-join").click()
    wait(d, lambda: "Alice (agent) joined" in text_of(d, "transcript"))
    wait(d, lambda: "Alice" in text_of(d, "playground-transcript"), message="the customer did not see the agent join")
    wait(d, lambda: "ACTIVE" in d.find_element(By.CSS_SELECTOR, f'[data-engagement-id="{engagement_id}"]').text)

    # The agent types (the customer sees the indicator), then answers.
    tid(d, "composer").send_keys("Let me check")
    wait(d, lambda: "typing" in text_of(d, "playground-typing"), message="the customer did not see the agent typing")
    tid(d, "composer").send_keys(" that for you.")
    tid(d, "send").click()
    wait(d, lambda: "Let me check that for you." in text_of(d, "playground-transcript"))
    wait(d, lambda: text_of(d, "playground-typing") == "", message="the typing indicator stayed after the message")

    # A rich message: quick replies the customer answers with one click.
    Select(tid(d, "composer-kind")).select_by_value("reply")
    tid(d, "composer").send_keys("Did restarting it help?")
    extra = tid(d, "composer-extra")
    extra.clear()
    extra.send_keys("Yes\nNo")
    tid(d, "send").click()
    wait(d, lambda: d.find_elements(By.XPATH, '//*[@data-testid="playground-transcript"]//button[text()="No"]'))
    d.find_element(By.XPATH, '//*[@data-testid="playground-transcript"]//button[text()="No"]').click()
    wait(d, lambda: "\nNo\n" in "\n" + text_of(d, "transcript") + "\n", message="the customer's choice did not reach the console")
    Select(tid(d, "composer-kind")).select_by_value("text")
    shot(d, "console-chat")

    # Past the token reminder on a virtual clock: the reminder shows in the console and the playground.
    tid(d, "tab-time").click()
    seconds = tid(d, "clock-seconds")
    seconds.clear()
    seconds.send_keys("750")
    tid(d, "clock-advance").click()
    wait(d, lambda: "fired" in text_of(d, "clock-fired"))
    assert text_of(d, "clock-mode") == "virtual"
    wait(d, lambda: "Token expiry reminder" in text_of(d, "transcript"), message="the reminder is not in the console transcript")
    shot(d, "console-time")
    tid(d, "tab-playground").click()
    wait(d, lambda: "Token expiry reminder" in text_of(d, "playground-transcript"), message="the playground did not see the reminder")

    # The agent ends the chat: both sides see it.
    tid(d, "end-chat").click()
    wait(d, lambda: "Chat ended" in text_of(d, "transcript"))
    wait(d, lambda: "chat ended" in d.find_element(By.CSS_SELECTOR, ".device .pill").text, message="the customer did not see the end")
    wait(d, lambda: "TERMINATED" in d.find_element(By.CSS_SELECTOR, f'[data-engagement-id="{engagement_id}"]').text)
    messages = server.get(f"/__sim/engagements/{engagement_id}/messages").json()["messages"]
    assert [m["body"]["elementText"]["text"] for m in messages][:2] == ["Hello, my router is blinking red", "Let me check that for you."]
    no_page_errors(d)


def test_two_devices_of_one_customer_and_tools(server, browser):
    d = browser
    assert server.post("/__sim/reset").status_code == 200
    open_console(d, server)
    start_playground(d, name="Bob")
    tid(d, "playground-device").click()
    wait(d, lambda: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="playground-transcript"]')) == 2)
    first, second = d.find_elements(By.CSS_SELECTOR, '[data-testid="playground-composer"]')
    second.send_keys("from my phone")
    d.find_elements(By.CSS_SELECTOR, '[data-testid="playground-send"]')[1].click()
    transcripts = d.find_elements(By.CSS_SELECTOR, '[data-testid="playground-transcript"]')
    wait(d, lambda: all("from my phone" in t.text for t in transcripts), message="both devices must see the message")
    # Snapshots and faults from their tabs.
    tid(d, "tab-snapshots").click()
    tid(d, "snapshot-name").send_keys("console-test")
    tid(d, "snapshot-take").click()
    wait(d, lambda: "console-test" in text_of(d, "snapshot-list"))
    tid(d, "tab-faults").click()
    tid(d, "fault-add").click()
    wait(d, lambda: "503" in text_of(d, "fault-list"))
    shot(d, "console-faults")
    d.find_element(By.XPATH, '//*[@data-testid="fault-list"]//button[text()="Remove"]').click()
    wait(d, lambda: "No fault rules" in text_of(d, "fault-list"))
    assert server.get("/__sim/faults").json()["rules"] == []
    no_page_errors(d)


def test_a_hostile_customer_name_renders_as_text(server, browser):
    d = browser
    assert server.post("/__sim/reset").status_code == 200
    hostile = "<img src=x onerror=alert(1)>"
    open_console(d, server)
    start_playground(d, name=hostile)
    first_row = lambda: d.find_element(By.CSS_SELECTOR, '[data-testid="engagement-row"]')  # noqa: E731
    wait(d, lambda: hostile in first_row().text, message="the name must show as text")
    first_row().click()
    tid(d, "agent-join").click()
    wait(d, lambda: hostile in text_of(d, "transcript"))
    tid(d, "playground-composer").send_keys("<script>alert(2)</script>")
    tid(d, "playground-send").click()
    wait(d, lambda: "<script>alert(2)</script>" in text_of(d, "transcript"))
    assert not d.find_elements(By.CSS_SELECTOR, "main img, .app img"), "no element may come from data"
    with pytest.raises(NoAlertPresentException):
        d.switch_to.alert.text  # noqa: B018
    assert d.execute_script("return document.querySelectorAll('.app img').length") == 0


def test_token_login(browser):
    d = browser
    guarded = Server("--control-token", "s3cret-token").start()
    try:
        d.set_window_size(*WIDE)
        d.get(guarded.url("/"))
        tid(d, "login-token").send_keys("wrong")
        tid(d, "login-submit").click()
        wait(d, lambda: "not the control token" in d.page_source)
        shot(d, "console-login")
        tid(d, "login-token").send_keys("s3cret-token")
        tid(d, "login-submit").click()
        wait(d, lambda: d.find_elements(By.CSS_SELECTOR, '[data-testid="playground-start"]'), message="no console after login")
        cookie = d.get_cookie("axpsim_console") or next(iter(d.get_cookies()), None)
        assert cookie and cookie["httpOnly"] and cookie.get("sameSite") == "Strict"
        # The console works with the cookie alone: the playground's chat appears in the list.
        start_playground(d, name="Cleo")
        wait(d, lambda: d.find_elements(By.CSS_SELECTOR, '[data-testid="engagement-row"]'))
        assert d.execute_script("return document.cookie") == "", "the session cookie must be HttpOnly"
        d.find_element(By.CSS_SELECTOR, "#logout button").click()
        wait(d, lambda: d.find_elements(By.CSS_SELECTOR, '[data-testid="login-token"]'))
    finally:
        assert guarded.stop() == 0


# ---- routing queues (SPEC §10) -------------------------------------------------------------------

def queue_card(driver, queue_id):
    return driver.find_element(By.CSS_SELECTOR, f'[data-testid="queue-card"][data-queue-id="{queue_id}"]')


def agent_row(driver, queue_id, agent_id):
    return queue_card(driver, queue_id).find_element(By.CSS_SELECTOR, f'[data-testid="queue-agent"][data-agent-id="{agent_id}"]')


def waiting_rows(driver, queue_id):
    return queue_card(driver, queue_id).find_elements(By.CSS_SELECTOR, '[data-testid="queue-waiting-row"]')


def waiting_ids(driver, queue_id):
    return [row.get_attribute("data-engagement-id") for row in waiting_rows(driver, queue_id)]


def agent_state(server, queue_id, agent_id):
    agents = server.get(f"/__sim/accounts/DEMOAA/queues/{queue_id}").json()["agents"]
    return next(a["state"] for a in agents if a["agentId"] == agent_id)


def toggle_agent(driver, queue_id, agent_id):
    click(driver, lambda: agent_row(driver, queue_id, agent_id).find_element(By.CSS_SELECTOR, f'[data-testid="agent-toggle"][data-agent-id="{agent_id}"]'))


def held_row(driver, queue_id, engagement_id):
    return queue_card(driver, queue_id).find_element(By.CSS_SELECTOR, f'[data-testid="queue-held-row"][data-engagement-id="{engagement_id}"]')


def click(driver, find, message=""):
    """Clicks what `find` finds, again if a live re-render replaced it meanwhile."""
    wait(driver, lambda: find().click() or True, message=message)


def open_queues(driver):
    tid(driver, "tab-queues").click()
    Select(tid(driver, "queues-account")).select_by_value("DEMOAA")
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, '[data-testid="queue-card"]'), message="no queue cards")


def test_queues_show_agents_load_and_waiting_chats(server, browser):
    d = browser
    assert server.post("/__sim/reset").status_code == 200
    virtual(server)
    assert server.post("/__sim/accounts/DEMOAA/queues/french/agents/amelie/state", json={"state": "away"}).status_code == 200
    open_console(d, server)
    open_queues(d)
    wait(d, lambda: "Alice" in queue_card(d, "general").text and "Bob" in queue_card(d, "general").text, message="the general queue's agents")
    wait(d, lambda: "0/1" in agent_row(d, "general", "alice").text and "language=en" in agent_row(d, "general", "alice").text)
    wait(d, lambda: "No agents: chats wait for you or a scenario." in queue_card(d, "sales").text)
    wait(d, lambda: "away" in agent_row(d, "french", "amelie").text)

    # Bob goes away from the console.
    toggle_agent(d, "general", "bob")
    wait(d, lambda: agent_state(server, "general", "bob") == "away", message="the toggle did not set Bob away")
    wait(d, lambda: "away" in agent_row(d, "general", "bob").text)

    # Chats on the triage integration: Alice takes the first, the others wait in order.
    _, french = start_chat(server, "ann-fr", {"language": "fr"})
    chats = [start_chat(server, f"q{n}")[1] for n in range(3)]
    wait(d, lambda: waiting_ids(d, "general") == [chats[1].id, chats[2].id], message="general's waiting chats in order")
    wait(d, lambda: "1/1" in agent_row(d, "general", "alice").text)
    wait(d, lambda: [r.text.split()[:2] for r in waiting_rows(d, "general")] == [["#1", "q1"], ["#2", "q2"]], message="positions")
    estimates = [w.get("estimatedWaitSeconds") for w in server.get("/__sim/accounts/DEMOAA/queues/general").json()["waiting"]]
    wait(d, lambda: [("est. " in r.text) for r in waiting_rows(d, "general")] == [e is not None for e in estimates], message="estimates")
    wait(d, lambda: waiting_ids(d, "french") == [french.id])
    wait(d, lambda: "assigned" in held_row(d, "general", chats[0].id).text)

    # The waited time: the virtual clock moves a minute, a refresh shows it.
    advance(server, 60)
    tid(d, "queues-refresh").click()
    wait(d, lambda: "waited 1m 0s" in waiting_rows(d, "french")[0].text, message="the waited time")

    # Bob is back: he takes the first waiting chat, the second moves up.
    toggle_agent(d, "general", "bob")
    wait(d, lambda: agent_state(server, "general", "bob") == "available", message="the toggle did not set Bob available")
    wait(d, lambda: waiting_ids(d, "general") == [chats[2].id] and "1/1" in agent_row(d, "general", "bob").text)
    wait(d, lambda: waiting_rows(d, "general")[0].text.startswith("#1"))

    # A waiting chat opens from the queue: its route in the pane header and the transcript.
    click(d, lambda: waiting_rows(d, "french")[0])
    wait(d, lambda: "Routed to queue french by rule french-speakers" in text_of(d, "transcript"), message="no ROUTED line")
    wait(d, lambda: all(part in text_of(d, "chat-route") for part in ("queue french", "rule french-speakers", "language=fr")), message="the route line")
    row = lambda: d.find_element(By.CSS_SELECTOR, f'[data-testid="engagement-row"][data-engagement-id="{french.id}"]')  # noqa: E731
    wait(d, lambda: "french" in row().text)
    shot(d, "console-queues")
    viewport_shot(d, "console-queues")

    # Two chats end: Alice takes the last waiting one, Bob is free.
    for chat in chats[:2]:
        assert server.post(f"/__sim/engagements/{chat.id}/end", json={}).status_code == 200
    wait(d, lambda: waiting_ids(d, "general") == [] and "0/1" in agent_row(d, "general", "bob").text, message="Bob was not freed")
    wait(d, lambda: "1/1" in agent_row(d, "general", "alice").text)

    # The clock passes French's longest wait: the chat overflows to general and Bob takes it.
    advance(server, 270)
    wait(d, lambda: "1/1" in agent_row(d, "general", "bob").text, message="Bob's load did not change on the clock")
    wait(d, lambda: waiting_ids(d, "french") == [])
    wait(d, lambda: "Overflowed from french to general" in text_of(d, "transcript"), message="no overflow line")
    wait(d, lambda: "Bob (agent) joined" in text_of(d, "transcript"))
    wait(d, lambda: "general (from french)" in row().text)
    assert text_of(d, "transcript").count("Routed to queue") == 1, "one ROUTED line, however many sessions follow the chat"
    wait(d, lambda: "connected" in held_row(d, "general", french.id).text)

    # A chat routed by the integration's defaults, opened from its agent's row.
    click(d, lambda: held_row(d, "general", chats[2].id))
    wait(d, lambda: "Routed to queue general by the integration's defaults" in text_of(d, "transcript"))
    wait(d, lambda: "the integration's defaults" in text_of(d, "chat-route"))
    no_page_errors(d)


def test_a_hostile_queue_and_agent_name_render_as_text(server, browser):
    d = browser
    assert server.post("/__sim/reset").status_code == 200
    hostile = "<img src=x onerror=alert(1)>"
    r = server.post("/__sim/accounts/DEMOAA/queues", json={"queueId": "hostile", "name": hostile,
                                                          "agents": [{"agentId": "h1", "displayName": hostile, "routingAttributes": {"skill": hostile}}]})
    assert r.status_code in (200, 201), r.text
    open_console(d, server)
    open_queues(d)
    wait(d, lambda: queue_card(d, "hostile").text.count(hostile) == 3, message="the names must show as text")
    assert d.execute_script("return document.querySelectorAll('.app img').length") == 0
    with pytest.raises(NoAlertPresentException):
        d.switch_to.alert.text  # noqa: B018
    no_page_errors(d)
