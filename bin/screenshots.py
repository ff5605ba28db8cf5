"""Regenerate docs/*.png: start the app on a fresh sample workspace and capture every page in chromium.

Usage: .venv/bin/python bin/screenshots.py   (needs Debian's chromium at /usr/bin/chromium)
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"ceo": "/", "cfo": "/cfo", "cmo": "/cmo", "cio": "/cio", "service": "/service", "data": "/data",
         "glossary": "/glossary",
         "presentation": "/cfo?present=1&segment=Enterprise&period=Jul+2026&period=Sep+2026"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    port = free_port()
    env = {**os.environ, "CX_WORKSPACE": str(Path(tempfile.mkdtemp()) / "ws.duckdb")}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                               "--server.port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(base + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            for name, path in PAGES.items():
                page.set_viewport_size({"width": 1400, "height": 1800})
                page.goto(base + path)
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=90_000)
                page.wait_for_timeout(2000)  # let Vega draw
                # Streamlit scrolls inside its own container: grow the viewport to the page's height for a full shot.
                height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
                page.set_viewport_size({"width": 1400, "height": min(max(int(height), 900), 16000)})
                page.wait_for_timeout(1500)
                page.screenshot(path=str(ROOT / "docs" / f"{name}.png"))
                print(f"docs/{name}.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
