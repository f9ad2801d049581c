"""Scrapy settings for govreports.

Defaults are polite: robots.txt honoured, an honest User-Agent with a contact URL,
AutoThrottle on, at most two concurrent requests per domain, retries with backoff.
Tests may turn delays off; these defaults may not.
"""

import os

from govreports import locations

BOT_NAME = "govreports"
SPIDER_MODULES = ["govreports.spiders"]
NEWSPIDER_MODULE = "govreports.spiders"
COMMANDS_MODULE = "govreports.commands"

# --- govreports' own settings -------------------------------------------------------
# Portal registry: the project's data/portals.csv, else the one shipped with the package
# (see govreports.locations); `-s PORTALS_FILE=path.csv` swaps in another one with the
# same columns.
PORTALS_FILE = str(locations.default_registry())
# SQLite database, data/govreports.db of the project (the directory of scrapy.cfg, else
# the working directory); `-s GOVREPORTS_DB=path` or the environment variable override it.
GOVREPORTS_DB = os.environ.get("GOVREPORTS_DB", str(locations.default_database()))
# Where the User-Agent tells site operators to look for who we are and how to reach us.
GOVREPORTS_CONTACT_URL = "https://github.com/govreports/govreports"
# Rows written to SQLite per transaction.
GOVREPORTS_BATCH_SIZE = 50
# Another process holding the database's write lock: a write waits this long (seconds,
# blocking), then the transaction is tried again after a wait (base, doubling, capped)
# that does not block the crawl; after GIVE_UP seconds the crawl stops and fails.
GOVREPORTS_DB_BUSY_TIMEOUT = 5.0
GOVREPORTS_DB_LOCK_BACKOFF_BASE = 1.0
GOVREPORTS_DB_LOCK_BACKOFF_MAX = 30.0
GOVREPORTS_DB_LOCK_GIVE_UP = 300.0
# Attachments: size cap, where files are kept (default: "files" beside the database),
# and OCR of image-only PDFs with Tesseract (slow; off unless asked for).
GOVREPORTS_ATTACHMENT_MAXSIZE = 50 * 1024 * 1024
GOVREPORTS_FILES_DIR = ""
GOVREPORTS_OCR = False
# Extraction runs in a worker process per file (govreports.attachments.worker) under these
# limits; a file over one is recorded as "timeout" or "too_large" and the crawl goes on.
GOVREPORTS_ATTACHMENT_TIMEOUT = 120  # s of wall clock per file, LibreOffice/OCR included
GOVREPORTS_ATTACHMENT_MEMORY = 1024  # MiB of address space per worker (RLIMIT_AS)
GOVREPORTS_ATTACHMENT_MAX_PAGES = 300  # PDF pages read per file; the rest are only counted
GOVREPORTS_ATTACHMENT_MAX_INFLATED = 256 * 1024 * 1024  # bytes all zip/DOCX/XLSX members of a file may inflate to
GOVREPORTS_ATTACHMENT_MAX_INFLATED_MEMBER = 64 * 1024 * 1024  # bytes one archive member may inflate to
GOVREPORTS_ATTACHMENT_WORKERS = 2  # worker processes at once (each may use the memory above)
# How far a list is followed (see govreports.paging).  A list stops paging when one of its
# pages repeats an earlier one, or after this many pages in a row that brought no link it
# had not shown yet (a runaway paginator); a real column brings new items on every page and
# is read to its end …
GOVREPORTS_RUNAWAY_PAGES = 3
# … up to this many pages, a last resort (2,000 pages hold 20,000-40,000 items).
GOVREPORTS_MAX_LIST_PAGES = 2000
# Report links followed per list page, and per portal over the whole crawl (a page or a
# portal with more is recorded, and the rest is not followed).
GOVREPORTS_MAX_LINKS_PER_LIST_PAGE = 1000
GOVREPORTS_MAX_LINKS_PER_PORTAL = 20000
# Home-page discovery of a portal's report column (when the registry gives no list_urls):
# at most this many requests per portal, and this many levels of hub pages below the home page.
GOVREPORTS_DISCOVERY_BUDGET = 60
GOVREPORTS_DISCOVERY_MAX_DEPTH = 3
# Known column paths of the site's CMS family tried (one request each, within the budget)
# before the home page's links are walked (govreports/platforms/column_paths.py).
GOVREPORTS_DISCOVERY_GUESSES = 10

# Crawls of many portals (a province, the country; see govreports.activity):
# how many portals are crawled at once (the next one starts when one is done) …
GOVREPORTS_PORTALS_AT_ONCE = 100
# … each within a budget of requests and of wall time from its first request (0: no
# limit); past it, its other requests are dropped and one `portal_budget` failure says so.
# A large city portal (60 departments × 10 years, list pages and attachments) needs
# about 1,500 requests, a couple of hours at the polite pace below; a provincial platform
# listing every body's reports, tens of thousands: room for GOVREPORTS_MAX_LINKS_PER_PORTAL
# reports and their list pages (at the polite pace the time budget ends it first, and the
# next crawl goes on from what this one stored).
GOVREPORTS_PORTAL_MAX_REQUESTS = 25000
GOVREPORTS_PORTAL_MAX_SECONDS = 4 * 3600
# Seconds between progress lines (portals done / running / left, reports, failures,
# each portal as it finishes); 0: none.
GOVREPORTS_PROGRESS_INTERVAL = 60.0

USER_AGENT = f"govreports/0.1 (+{GOVREPORTS_CONTACT_URL}; annual disclosure report archiver)"

# --- politeness ------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
# Many domains in parallel: a request waiting out its retry backoff (up to minutes) holds
# one of these, so a crawl of a province, where some servers always fail, needs room …
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # … but small government servers see at most two at once
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 %
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# The scheduler counts each portal's requests (govreports.scheduler), and hands out first
# the requests of the hosts with the fewest downloads under way, so that a portal with
# thousands of pages queued does not hold up the others.
SCHEDULER = "govreports.scheduler.PortalScheduler"
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
# Local files (the demo portal) are read without delay; no server is behind them.
DOWNLOAD_SLOTS = {"local-files": {"delay": 0, "concurrency": 8}}
# A crawl with no delay and more than one request per host at once is refused
# (govreports.politeness); only crawls of the test server on 127.0.0.1 turn this on.
GOVREPORTS_ALLOW_IMPOLITE_TESTING = False
# An idle connection to a host is kept this long for its next request (longer than the
# usual delay between two requests to one host), then closed.  Twisted keeps them 240 s:
# two sockets for every portal finished in the last four minutes.
GOVREPORTS_IDLE_CONNECTION_SECONDS = 5.0
# Items and requests of one response handled at once.  Scrapy starts this many tasks per
# response (default 100); a page yields one report or one list page's links, so a few are
# plenty, and a crawl of 2,000 report pages then creates 200,000 fewer tasks.
CONCURRENT_ITEMS = 8
# Scrapy reads the source of every callback it has not seen (bound methods are new each
# time) to warn of a generator returning a value; ours do not, and the check took ~2 % of
# a crawl's CPU (benchmarks/crawl_speed.py --profile).
WARN_ON_GENERATOR_RETURN_VALUE = False
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024

RETRY_ENABLED = True
RETRY_TIMES = 4
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Retries go behind fresh requests, so they do not starve the rest of the crawl.
RETRY_PRIORITY_ADJUST = -1
# Backoff between tries of one request: base × factor^(try-1), capped (5/15/45/120 s).
GOVREPORTS_RETRY_BACKOFF_BASE = 5.0
GOVREPORTS_RETRY_BACKOFF_FACTOR = 3.0
GOVREPORTS_RETRY_BACKOFF_MAX = 120.0
# Network errors that waiting does not fix (a name that does not resolve, a refused
# connection) are retried this many times, after this many seconds; a host whose first
# GOVREPORTS_UNREACHABLE_AFTER requests all fail at the connection level is unreachable:
# its other requests are dropped (one `unreachable` failure records it) and the crawl
# moves on.  A missing local file is not retried at all.
GOVREPORTS_UNREACHABLE_RETRIES = 1
GOVREPORTS_UNREACHABLE_RETRY_WAIT = 2.0
GOVREPORTS_UNREACHABLE_AFTER = 2
# A 429/503 answer's Retry-After (seconds or an HTTP date) is waited out before the
# retry, up to this many seconds; a server asking for longer is not retried.
GOVREPORTS_RETRY_AFTER_MAX = 300.0
# 创宇盾-style blocks lift after a minute or two: wait this long (× try) before each retry.
GOVREPORTS_CHALLENGE_BACKOFF = 90.0
GOVREPORTS_CHALLENGE_RETRIES = 3

DOWNLOADER_MIDDLEWARES = {
    # First: only http/https (and a local portal's own files) are ever requested, and no
    # redirect leads elsewhere (govreports.schemes).
    "govreports.schemes.SchemeGuardMiddleware": 10,
    # Scrapy's lets the third and later first requests to a host past robots.txt.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "govreports.robots.RobotsTxtMiddleware": 100,
    # Waits out the backoff of retries and anti-bot blocks (request meta) before sending.
    "govreports.middlewares.NotBeforeMiddleware": 540,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "govreports.middlewares.BackoffRetryMiddleware": 550,
    # Sees each failed try before the retry middleware does, so a host that never
    # answered is given up on after its first tries, and drops its other requests
    # (fresh requests have no wait before them).
    "govreports.middlewares.UnreachableHostMiddleware": 555,
    # Counts each portal's requests and drops those past its budget.
    "govreports.middlewares.PortalBudgetMiddleware": 557,
    "govreports.middlewares.AntiBotMiddleware": 560,
    # After (closer to the download than) the RedirectMiddleware at 600.
    "govreports.middlewares.RedirectLoopMiddleware": 650,
    # Scrapy's cookie handling, but public suffixes from the bundled list, never fetched.
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "govreports.middlewares.OfflineCookiesMiddleware": 700,
}

# Browser rendering only for requests that ask for it (meta "playwright"), Playwright
# started only when one first does; Debian's Chromium, because Playwright cannot
# download its own browser on a closed network.  file: stays for the local demo portal
# (govreports.schemes allows it only inside that portal's directory); data:, ftp: and
# s3: are never fetched.
DOWNLOAD_HANDLERS = {
    "http": "govreports.browser.BrowserDownloadHandler",
    "https": "govreports.browser.BrowserDownloadHandler",
    "data": None,
    "ftp": None,
    "s3": None,
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": os.environ.get("GOVREPORTS_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "args": [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ],
}
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 60_000
# Our User-Agent, but the browser's own cookies (anti-bot scripts set them there).
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = "govreports.browser.browser_headers"
PLAYWRIGHT_ABORT_REQUEST = "govreports.browser.skip_unneeded_resource"
# Navigations a page makes itself (a challenge reloading, a script or meta refresh) wait
# for the host's download delay like any request, and are stopped past these caps: per
# page (its own first navigation included), and per host over the crawl.  A page stopped
# so is recorded as a challenge that did not lift.
GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_PAGE = 5
GOVREPORTS_BROWSER_MAX_NAVIGATIONS_PER_HOST = 500

COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
# Scrapy's remote-control server runs any Python code it is sent (token-protected, on
# localhost): off, like the telnet console; nothing of govreports needs it.
REMOTE_CONTROL_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Attachments are read before validation, so that a report published as a PDF is
# validated with the numbers of its PDF.
ITEM_PIPELINES = {
    "govreports.attachment_pipeline.AttachmentPipeline": 200,
    "govreports.pipelines.ValidateReportPipeline": 300,
    "govreports.pipelines.SQLitePipeline": 800,
}

EXTENSIONS = {
    # First: impolite settings stop the crawl before anything is fetched.
    "govreports.politeness.PolitenessCheck": 0,
    "govreports.extensions.CrawlSummary": 500,
    "govreports.extensions.PortalProgress": 510,
    "govreports.extensions.GarbageCollection": 520,
}
# The garbage collector in a crawl (govreports.extensions.GarbageCollection): what exists
# when the engine starts is frozen out of its scans, and the young generation is collected
# every this many allocations (Python's default: 700; 0 keeps it).
GOVREPORTS_GC_FREEZE = True
GOVREPORTS_GC_THRESHOLD = 10000
# The end-of-crawl summary (printed and logged); the same numbers go to crawl_runs either way.
GOVREPORTS_SUMMARY_ENABLED = True
# … with one line per portal for at most this many portals (those with the most reports),
# and as many unreachable or over-budget ones; the rest are counted (0: every portal).
GOVREPORTS_SUMMARY_MAX_PORTALS = 50
