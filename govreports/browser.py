"""What requests sent through the headless browser (scrapy-playwright) carry."""

from __future__ import annotations

from pathlib import Path

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.headers import use_scrapy_headers
from scrapy_playwright.page import PageMethod


def browser_available(settings: BaseSettings) -> bool:
    """Whether requests marked for the browser can go through one: scrapy-playwright
    handles http and https (``DOWNLOAD_HANDLERS``), and the browser executable of
    ``PLAYWRIGHT_LAUNCH_OPTIONS`` (if one is named) exists."""
    handlers = settings.getwithbase("DOWNLOAD_HANDLERS")
    for scheme in ("http", "https"):
        handler = handlers.get(scheme)
        if not handler or not issubclass(load_object(handler), ScrapyPlaywrightDownloadHandler):
            return False
    executable = (settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS") or {}).get("executable_path", "")
    return not executable or Path(executable).exists()


def browser_meta() -> dict:
    """Request meta that sends a request through the headless browser and waits
    until the page's own scripts (AJAX lists, challenge reloads) have settled."""
    return {
        "playwright": True,
        "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
    }


async def browser_headers(*, browser_type_name: str, playwright_request, scrapy_request_data: dict) -> dict:
    """Scrapy's headers (our User-Agent above all), but the browser's own cookies.

    Anti-bot scripts set their cookies in the browser (瑞数 computes one in
    JavaScript); Scrapy's cookie jar never sees those, and sending its Cookie header
    instead would fail the challenge on every page.
    """
    headers = await use_scrapy_headers(
        browser_type_name=browser_type_name,
        playwright_request=playwright_request,
        scrapy_request_data=scrapy_request_data,
    )
    browser_cookies = (await playwright_request.all_headers()).get("cookie")
    headers = {k: v for k, v in headers.items() if k.lower() != "cookie"}
    if browser_cookies:
        headers["cookie"] = browser_cookies
    return headers


# What a page needs to show its text: the document, its scripts and their data calls.
UNNEEDED_RESOURCES = frozenset({"image", "stylesheet", "font", "media"})


def skip_unneeded_resource(request) -> bool:
    """Abort images, style sheets, fonts and media in the browser: they show no text,
    and small government servers should not serve them to a crawler."""
    return request.resource_type in UNNEEDED_RESOURCES
