"""What the spider yields: a parsed report, or a recorded fetch failure."""

from __future__ import annotations

from dataclasses import dataclass, field

from govreports.failure_kinds import FailureKind
from govreports.schema import CANONICAL_KEYS
from govreports.parsing.dates import is_iso_date
from govreports.parsing.model import ERAS, ParsedReport

FIRST_REPORT_YEAR = 2007  # 国令第492号 took effect on 2008-05-01; the first reports cover 2008


@dataclass
class ReportItem:
    portal_id: str
    region_code: str
    region_name: str
    url: str  # the URL it was fetched at
    list_url: str  # the column that listed it ("" when crawled directly)
    source_format: str  # html | pdf | docx …
    sha256: str  # of the fetched bytes
    parsed: ParsedReport
    list_title: str = ""  # the title the list printed
    list_date: str | None = None  # the publication date the list printed
    etag: str = ""  # HTTP validators, for conditional recrawls
    last_modified: str = ""
    # Filled by the attachment pipeline: one row per attachment (status, sha256 …),
    # and the text of the parsed ones for the full-text index.
    attachments: list[dict] = field(default_factory=list)
    attachment_text: str = ""
    # Bytes already downloaded by the spider (a report that *is* a file), by URL.
    attachment_bodies: dict[str, bytes] = field(default_factory=dict)


@dataclass
class SeenItem:
    """A known report URL seen again without being stored anew: listed and skipped by
    an incremental crawl, or revalidated with a 304 Not Modified."""

    portal_id: str
    url: str
    revalidated: bool = False
    etag: str = ""
    last_modified: str = ""


@dataclass
class DiscoveredColumnItem:
    """A report column found from a portal's home page, remembered for the next run."""

    portal_id: str
    list_url: str


@dataclass
class GoneItem:
    """A known report URL that now answers 404/410 or a deleted page."""

    portal_id: str
    url: str
    reason: str


@dataclass
class FetchFailureItem:
    portal_id: str
    url: str
    reason: str  # short, readable: "HTTP 404", "timeout", "not a report: …"
    http_status: int | None = None
    attempts: int = 1
    last_error: str = ""
    kind: str = FailureKind.ERROR  # what kind of failure (govreports.failures.FailureKind)


@dataclass
class ValidationResult:
    errors: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return not self.errors


def validate_report(item: ReportItem, *, latest_year: int) -> ValidationResult:
    """Schema checks a stored report must pass; returns the problems found."""
    result = ValidationResult()
    parsed = item.parsed
    if not item.url:
        result.errors.append("url is empty")
    if not parsed.title.strip():
        result.errors.append("title is empty")
    if not parsed.is_report:
        result.errors.append("page is not an annual report")
    if parsed.report_year is None:
        result.errors.append("reporting year not found")
    elif not FIRST_REPORT_YEAR <= parsed.report_year <= latest_year:
        result.errors.append(f"reporting year {parsed.report_year} out of range")
    if parsed.era is not None and parsed.era not in ERAS:
        result.errors.append(f"era {parsed.era!r} is not one of {ERAS}")
    for name in ("written_date", "published_date"):
        value = parsed.metadata.get(name, "")
        if value and not is_iso_date(value):
            result.errors.append(f"{name} {value!r} is not an ISO date")
    for indicator in parsed.indicators:
        if indicator.key not in CANONICAL_KEYS and not indicator.key.startswith("unknown:"):
            result.errors.append(f"indicator key {indicator.key!r} is not canonical")
    return result
