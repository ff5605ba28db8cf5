"""Sign-in in a real browser: Streamlit's OIDC flow against oidc-provider-mock (started here on 127.0.0.1),
what an admin, an analyst and a viewer each see, a refused direct URL, and a board link opened in a fresh
browser context without signing in."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from browser_support import (
    WAIT_MS,
    _free_port,
    assert_no_exception,
    open_app,
    pw,
    read_metric,
    server,
    title,
    wait_for_app_run,
)

pytestmark = pytest.mark.browser
pytest.importorskip("oidc_provider_mock", reason="needs oidc-provider-mock (requirements-dev.txt)")
pytest.importorskip("authlib", reason="needs streamlit[auth] (Authlib)")

USERS = {  # address -> (name, role)
    "ana@acme.test": ("Ana Admin", "admin"),
    "bo@acme.test": ("Bo Analyst", "analyst"),
    "dee@acme.test": ("Dee Viewer", "viewer"),
}
SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{cookie}"
client_id = "cx-dashboard"
client_secret = "not-a-real-secret"
server_metadata_url = "{issuer}/.well-known/openid-configuration"

[access]
admins = ["ana@acme.test"]
analysts = ["bo@acme.test"]
viewers = ["@acme.test"]
"""


@pytest.fixture(scope="module")
def issuer(tmp_path_factory) -> Iterator[str]:
    """oidc-provider-mock on a free 127.0.0.1 port, with each user's claims registered."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("oidc") / "oidc.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/.well-known/openid-configuration", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("oidc-provider-mock did not start")
                time.sleep(0.2)
        for email, (name, _role) in USERS.items():
            request = urllib.request.Request(f"{base}/users/{urllib.parse.quote(email)}", method="PUT",
                                             data=f'{{"email": "{email}", "name": "{name}"}}'.encode(),
                                             headers={"Content-Type": "application/json"})
            urllib.request.urlopen(request, timeout=5).close()
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, issuer) -> Iterator[str]:
    port = _free_port()
    secrets = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    secrets.write_text(SECRETS.format(port=port, cookie="ab" * 32, issuer=issuer))
    with server(tmp_path_factory, "app_signin", port=port,
                extra_args=("--secrets.files", str(secrets), "--server.address", "127.0.0.1")) as base:
        yield base


def new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    context.route(re.compile(r"^https://"), lambda route: route.abort())  # the mock's page loads a CDN stylesheet
    return context, context.new_page()


def sign_in(page, base: str, email: str) -> None:
    open_app(page, base + "/")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"))
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(rf"^{re.escape(base)}/?(\?.*)?$"))
    wait_for_app_run(page)
    pw.expect(page.get_by_text(f"Signed in as {USERS[email][0]}")).to_be_visible()


def expect_sidebar_links(page, names: list[str]) -> None:
    """The sidebar lists exactly these page links, in order (waits: the sidebar may still be drawing)."""
    links = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']")
    # each link's text is its icon's name (lower case, e.g. "explore") followed by the page name
    pw.expect(links).to_have_text([re.compile(rf"^\s*[a-z_]*\s*{re.escape(n)}\s*$") for n in names])


def test_signed_out_visitor_sees_only_sign_in(browser, app_url):
    context, page = new_page(browser)
    try:
        open_app(page, app_url + "/cfo")
        pw.expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert page.locator("[data-testid='stMetric']").count() == 0
    finally:
        context.close()


def test_viewer_sees_role_pages_only(browser, app_url):
    context, page = new_page(browser)
    try:
        sign_in(page, app_url, "dee@acme.test")
        assert_no_exception(page)
        expect_sidebar_links(page, ["CEO", "CFO", "CMO", "CIO", "Service", "Glossary"])
        pw.expect(title(page)).to_have_text(re.compile(r"^CEO"))
        open_app(page, app_url + "/data")  # a direct URL to a page the role does not include
        pw.expect(title(page)).to_have_text("Data: not available to you")
        assert page.locator("[data-testid='stFileUploader']").count() == 0
        open_app(page, app_url + "/cfo")
        pw.expect(page.get_by_role("button", name="Create board link")).to_have_count(0)
    finally:
        context.close()


def test_analyst_uploads_but_has_no_links_page(browser, app_url):
    context, page = new_page(browser)
    try:
        sign_in(page, app_url, "bo@acme.test")
        expect_sidebar_links(page, ["CEO", "CFO", "CMO", "CIO", "Service", "Data", "Glossary"])
        open_app(page, app_url + "/data")
        pw.expect(page.locator("[data-testid='stFileUploader']")).to_have_count(1)
        pw.expect(page.get_by_role("textbox", name="Uploaded by")).to_have_count(0)  # the address is recorded
        open_app(page, app_url + "/links")
        pw.expect(title(page)).to_have_text("Links: not available to you")
    finally:
        context.close()


def test_admin_board_link_opens_without_an_account(browser, app_url):
    context, page = new_page(browser)
    try:
        sign_in(page, app_url, "ana@acme.test")
        expect_sidebar_links(page, ["CEO", "CFO", "CMO", "CIO", "Service", "Data", "Glossary", "Links"])
        open_app(page, app_url + "/cfo")
        arr = read_metric(page, "ARR")
        wait_for_app_run(page)
        page.wait_for_timeout(1500)  # let the charts finish drawing: a late reflow moves the popover's button
        body = page.locator("[data-testid='stPopoverBody']")
        for _ in range(3):  # a click that lands while the page reflows misses: open the popover and try again
            if not body.is_visible():
                page.get_by_role("button", name="Create board link").first.click()
            inner = body.get_by_role("button", name="Create board link")
            try:
                inner.scroll_into_view_if_needed(timeout=5_000)
                inner.click(timeout=5_000)
                break
            except pw.TimeoutError:
                page.keyboard.press("Escape")
                wait_for_app_run(page)
        wait_for_app_run(page)
        code = page.locator("[data-testid='stCode'] code", has_text="?board=")
        pw.expect(code).to_have_count(1)
        link = code.inner_text().strip()
        assert link.startswith(app_url + "/?board=") and "segment" not in link

        open_app(page, app_url + "/links")
        pw.expect(page.get_by_text("Board links and access")).to_be_visible()
    finally:
        context.close()

    context, fresh = new_page(browser)  # no cookies: nobody signed in
    try:
        open_app(fresh, link)
        assert_no_exception(fresh)
        pw.expect(title(fresh)).to_have_text(re.compile(r"· CFO$"))
        assert read_metric(fresh, "ARR") == arr
        assert fresh.locator("[data-testid='stSidebar']").is_hidden()
        assert fresh.get_by_role("button", name="Sign in").count() == 0
        open_app(fresh, link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
        pw.expect(title(fresh)).to_have_text("This board link cannot be shown")
        assert fresh.locator("[data-testid='stMetric']").count() == 0
    finally:
        context.close()
