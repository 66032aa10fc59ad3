"""What the browser tests share: finding Chromium and chromedriver, and a loopback http origin that
serves a harness page and the files it loads (never the vendor's SDKs from the repository: their
paths come from the environment)."""
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def first_executable(env, *names):
    """The program named by the environment variable `env`, else the first of `names` on PATH."""
    if os.environ.get(env):
        return shutil.which(os.environ[env]) or (os.environ[env] if os.access(os.environ[env], os.X_OK) else None)
    return next((found for found in map(shutil.which, names) if found), None)


CHROME = first_executable("AXPSIM_CHROME", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMEDRIVER = first_executable("AXPSIM_CHROMEDRIVER", "chromedriver")


# The flags of the SDK tests' browsers: headless unless AXPSIM_SDK_HEADFUL=1, axpsim's own
# certificate accepted, nothing in the background slowed down (the SDKs run timers).
SDK_ARGUMENTS = ("--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--ignore-certificate-errors",
                 "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                 "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--disable-backgrounding-occluded-windows")


def start_chrome(profile_dir, arguments, headless=True, accept_insecure_certs=False):
    """Chromium through chromedriver with its own profile folder (chromedriver's log in it) and
    the browser console log kept (`driver.get_log("browser")`)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROME
    if headless:
        options.add_argument("--headless=new")
    for argument in (*arguments, f"--user-data-dir={profile_dir}"):
        options.add_argument(argument)
    options.accept_insecure_certs = accept_insecure_certs
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER, log_output=os.path.join(profile_dir, "chromedriver.log"))
    return webdriver.Chrome(service=service, options=options)


def sdk_browsers(open_page, extra_arguments=(), prefix="axpsim-chrome-"):
    """A generator for a fixture: yields a factory of fresh SDK-test browsers (each its own
    profile, so its own storage), `open_page(driver)` making each one's page; all are closed and
    their profiles removed afterwards."""
    opened = []

    def new():
        profile = tempfile.mkdtemp(prefix=prefix)
        driver = start_chrome(profile, (*SDK_ARGUMENTS, *extra_arguments), headless=os.environ.get("AXPSIM_SDK_HEADFUL") != "1",
                              accept_insecure_certs=True)
        opened.append((driver, profile))
        driver.set_page_load_timeout(30)
        return open_page(driver)

    yield new
    for driver, profile in opened:
        try:
            driver.quit()
        finally:
            shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def page_origin(routes):
    """Serves `routes` ({path: (content_type, producer of bytes)}) on a free loopback port; yields the
    origin's URL (`http://127.0.0.1:PORT/`). `/favicon.ico` answers 204, anything else 404."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            path = self.path.split("?", 1)[0]
            if path == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
                return
            if path not in routes:
                self.send_error(404)
                return
            kind, produce = routes[path]
            body = produce()
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


class RecordingPage:
    """A harness page that records its SDK's app events in `window.__events` ({type, payload}), its
    requests in `window.__http` and its uncaught errors in `window.__errors`, and runs calls through
    `window.__call(fn, done)`. Subclasses hold `driver` and give `summary()` for failure messages;
    waits are bounded by `timeout` seconds. `body_width` and `console_width` bound how much of each
    request body and console line `diagnostics()` shows."""

    body_width = 200
    console_width = 400

    def call(self, body, *args, timeout=30):
        """Run `body` (the inside of an async JS function; `args` holds the arguments) and return
        {ok, value} or {ok: false, …} (what the harness's `__call` reports)."""
        self.driver.set_script_timeout(timeout)
        script = ("const done = arguments[arguments.length - 1];"
                  "const args = Array.prototype.slice.call(arguments, 0, -1);"
                  "__call(async () => {" + body + "}, done);")
        return self.driver.execute_async_script(script, *args)

    def ok(self, body, *args, timeout=30):
        result = self.call(body, *args, timeout=timeout)
        assert result["ok"], f"SDK call failed: {result}\n{self.diagnostics()}"
        return result["value"]

    def page_errors(self):
        return self.driver.execute_script("return __errors")

    def diagnostics(self):
        """Events, the last requests, page errors and the browser console, for a failure message."""
        from selenium.common.exceptions import WebDriverException

        lines = [f"events: {self.summary()}"]
        try:
            lines.append("requests (last 30):")
            lines += [f"  {r['method']} {r['url']} -> {r.get('status', r.get('error', '...'))} "
                      f"{(r.get('body') or '')[:self.body_width]}" for r in self.http()[-30:]]
            lines.append(f"page errors: {self.page_errors()}")
            logs = self.driver.get_log("browser")
            lines.append("browser console (last 60):")
            lines += [f"  {entry['level']} {entry['message'][:self.console_width]}" for entry in logs[-60:]]
        except WebDriverException as error:
            lines.append(f"(no browser log: {error})")
        return "\n".join(lines)

    def events(self, kind=None):
        events = self.driver.execute_script("return __events")
        return [e for e in events if kind is None or e["type"] == kind]

    def wait_event(self, kind, where=lambda payload: True, timeout=30, count=1):
        """The `count`-th recorded app event of type `kind` whose payload satisfies `where`."""
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        def found(_):
            matches = [e for e in self.events(kind) if where(e["payload"] or {})]
            return matches[count - 1] if len(matches) >= count else False
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(found)["payload"]
        except TimeoutException:
            raise AssertionError(f"no {kind} (#{count}) within {timeout}s\n{self.diagnostics()}") from None

    def index_of(self, kind, where=lambda payload: True):
        """The position of the first recorded `kind` event whose payload satisfies `where`."""
        for index, event in enumerate(self.events()):
            if event["type"] == kind and where(event["payload"] or {}):
                return index
        raise AssertionError(f"no {kind} recorded: {self.summary()}")

    def http(self, path_part=""):
        """The page's requests so far: {method, url, start, end?, status?, body?, error?}."""
        return [r for r in self.driver.execute_script("return __http") if path_part in r["url"]]
