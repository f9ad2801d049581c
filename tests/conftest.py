"""Shared fixtures: the local portal server and a runner for real ``scrapy`` commands."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.crawler import Crawler
from scrapy.spiders import Spider
from scrapy.utils.test import get_crawler

from govreports import settings as project_settings
from tests.portal_server import PortalServer

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# Delays off for tests (the defaults stay polite); everything else as users run it.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "GOVREPORTS_RETRY_BACKOFF_BASE": "0",
}

REGISTRY_COLUMNS = [
    "region_code",
    "region_name",
    "portal_name",
    "home_url",
    "list_urls",
    "platform",
    "render_js",
    "portal_id",
    "obey_robots",
    "robots_note",
]


@pytest.fixture(scope="session")
def portal_server():
    server = PortalServer().start()
    yield server
    server.stop()


def write_registry(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=REGISTRY_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in REGISTRY_COLUMNS})
    return path


def scrapy_cmd(*args: str, db: Path | None = None, settings: dict[str, str] | None = None,
               env: dict[str, str] | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
    """Run ``python -m scrapy <args>`` in the repository, as a user would."""
    command = [sys.executable, "-m", "scrapy", *args]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    full_env = {**os.environ, "PYTHONWARNINGS": "default", **(env or {})}
    if db is not None:
        full_env["GOVREPORTS_DB"] = str(db)
    return subprocess.run(command, cwd=REPO, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


def crawl(*spider_args: str, db: Path, settings: dict[str, str] | None = None,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    args = ["crawl", "portal"]
    for arg in spider_args:
        args += ["-a", arg]
    return scrapy_cmd(*args, db=db, settings={**FAST_SETTINGS, **(settings or {})}, env=env)


def project_crawler(**overrides) -> Crawler:
    """An in-process crawler with the project's settings (``govreports.settings``) and
    ``overrides``, and a spider attached, for building components with ``from_crawler``."""
    settings = {name: getattr(project_settings, name) for name in dir(project_settings) if name.isupper()}
    crawler = get_crawler(Spider, {**settings, **overrides})
    crawler.spider = Spider.from_crawler(crawler, name="test")
    return crawler
