"""What the browser tests share: finding Chromium and chromedriver, and a loopback http origin that
serves a harness page and the files it loads (never the vendor's SDKs from the repository: their
paths come from the environment)."""
import os
import shutil
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
