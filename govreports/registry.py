"""The portal registry: ``data/portals.csv``, one row per portal.

Columns (all text; only the first seven are required):

``region_code``   GB/T 2260 code of the body's region (``demo`` for the demo portal)
``region_name``   the region's name as users say it
``portal_name``   the portal's own name
``home_url``      the portal's home page (used for discovery when ``list_urls`` is empty)
``list_urls``     space-separated URLs of the annual-report column(s); may be empty
``platform``      a CMS family or auto (:data:`govreports.platforms.PLATFORM_NAMES`)
``render_js``     1 when list pages exist only after scripts run, else 0 (or ``auto``:
                  JavaScript shells are detected and rendered either way)
``portal_id``     optional stable id; defaults to ``<region_code>:<host>``.  The registry
                  built from the seed writes every id out (a body's row:
                  ``<region_code>:<host>:<body>``) and keeps it when a host changes
``obey_robots``   optional, 1 (default) or 0 to ignore robots.txt for this portal …
``robots_note``   … with the reason, which is required when ``obey_robots`` is 0
``level``         optional: the region's level (province, city, county) for the region's
                  government, ``department`` for every row with a ``body``
``body``          optional: the body whose reports the column holds when it is not the
                  region's government (a department, office or town: 高岭镇, 和平区人民政府办公室);
                  empty for the government itself.  A body row is a portal of its own under
                  its region's code (its own portal_id, often on the government's host)
``evidence_url``  optional provenance: a page that shows the portal or column is real …
``source``        … and where the row came from (see data/SOURCES.md).  ``local`` or
                  ``local: <why>`` marks a row kept by hand: rebuilding the registry from
                  the seed (:mod:`govreports.registry_seed`) never changes it

URLs are ``http://`` or ``https://`` addresses.  A portal kept as files (the offline
demo) names its pages ``local:<path>``, the path relative to the registry file's
directory, in a folder of its own below it (``local:demo/index.html``); such a portal
is read through ``file:`` URLs, and only inside its own directory
(:attr:`Portal.local_root`, see :mod:`govreports.schemes`).  A URL without a scheme, or
with any other, is an error naming the line: ``www.x.gov.cn/`` never silently becomes
a local path.

The file may be UTF-8 (with or without a BOM, as Excel's "CSV UTF-8" saves it) or
GB18030/GBK (what Excel on Chinese Windows saves as plain "CSV").
"""

from __future__ import annotations

import csv
import difflib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from w3lib.url import file_uri_to_path

from govreports.flags import parse_flag
from govreports.locations import inside
from govreports.platforms import platform_name

LOCAL = "local:"  # a page of a portal kept as files beside the registry
BODY_LEVEL = "department"  # the level of every row with a body (a department's, town's column)
WEB_SCHEMES = ("http", "https")
REQUIRED_COLUMNS = (
    "region_code",
    "region_name",
    "portal_name",
    "home_url",
    "list_urls",
    "platform",
    "render_js",
)
# Every column the registry knows, in the order a registry file writes them; others are
# kept with the portal as ``extra``.
COLUMNS = (*REQUIRED_COLUMNS, "portal_id", "obey_robots", "robots_note", "level", "body", "evidence_url", "source")


class RegistryError(ValueError):
    """The registry file is missing, malformed, or a row is invalid."""


@dataclass(frozen=True)
class Portal:
    portal_id: str
    region_code: str
    region_name: str
    portal_name: str
    home_url: str
    list_urls: tuple[str, ...] = ()
    platform: str = "auto"
    render_js: bool = False
    obey_robots: bool = True
    robots_note: str = ""
    level: str = ""
    body: str = ""  # empty: the region's government itself
    evidence_url: str = ""
    source: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # The directory of a portal registered as local files (``local:`` URLs), the only
    # one its ``file:`` requests may read; empty for a portal on the web.
    local_root: str = ""

    @property
    def is_demo(self) -> bool:
        return self.region_code == "demo"

    @property
    def is_local(self) -> bool:
        """Registered as local files (``local:``), like the demo portal."""
        return bool(self.local_root)

    def as_row(self) -> dict[str, object]:
        """The row stored in the ``portals`` table."""
        return {
            "portal_id": self.portal_id,
            "region_code": self.region_code,
            "region_name": self.region_name,
            "portal_name": self.portal_name,
            "home_url": self.home_url,
            "list_urls": " ".join(self.list_urls),
            "platform": self.platform,
            "render_js": int(self.render_js),
            "obey_robots": int(self.obey_robots),
            "robots_note": self.robots_note,
            "level": self.level,
            "body": self.body,
            "evidence_url": self.evidence_url,
            "source": self.source,
        }


def _registry_url(value: str, base_dir: Path, *, column: str, line: int) -> str:
    """A registry URL checked: an http(s) address with a host, or ``local:<path>``
    (returned as the ``file:`` URI of that path beside the registry)."""
    value = value.strip()
    if not value:
        return value
    if value.lower().startswith(LOCAL):
        relative = value[len(LOCAL):].lstrip()
        path = Path(os.path.normpath(base_dir.resolve() / relative))
        return path.as_uri()
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise RegistryError(f"line {line}: {column} {value!r} is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme in WEB_SCHEMES and host:
        return value
    if not scheme or (scheme not in WEB_SCHEMES and "." in scheme):  # www.x.gov.cn:8080/…
        hint = f"https://{value}" if "." in value.split("/", 1)[0] else f"{LOCAL}{value}"
        raise RegistryError(f"line {line}: {column} {value!r} has no scheme; write the full address "
                            f"(did you mean {hint!r}?); pages kept as files beside the registry are "
                            f"written {LOCAL}<path>")
    if scheme in WEB_SCHEMES:
        raise RegistryError(f"line {line}: {column} {value!r} has no host")
    raise RegistryError(f"line {line}: {column} {value!r}: only http:// and https:// addresses are "
                        f"crawled (files beside the registry: {LOCAL}<path>), not {scheme}:")


def _local_root(urls: list[str], base_dir: Path, line: int) -> str:
    """The directory of a portal registered with ``local:`` URLs: the deepest one holding
    all its pages, which must be a folder of its own below the registry's directory."""
    local = [u for u in urls if u.startswith("file:")]
    if not local:
        return ""
    if len(local) != len(urls):
        raise RegistryError(f"line {line}: a portal's URLs are either all {LOCAL} paths or all web addresses")
    base = os.path.realpath(base_dir)
    folders = [os.path.dirname(file_uri_to_path(u)) for u in local]
    root = os.path.commonpath(folders)
    if not (inside(root, base) and os.path.realpath(root) != base):
        raise RegistryError(f"line {line}: {LOCAL} pages must lie in a folder of their own below the "
                            f"registry's directory {base} (e.g. {LOCAL}demo/index.html)")
    return root


def _flag(value: str, *, default: bool, column: str, line: int) -> bool:
    try:
        return parse_flag(value, name=column, default=default)
    except ValueError as exc:
        raise RegistryError(f"line {line}: {exc}") from None


def default_portal_id(region_code: str, home_url: str, list_urls: tuple[str, ...] = ()) -> str:
    """``<region_code>:<host>`` of the home (else first list) URL; ``<region_code>:local``
    for a portal kept as files (``file:`` or ``local:`` URLs)."""
    url = home_url or (list_urls[0] if list_urls else "")
    if url.lower().startswith(LOCAL):
        return f"{region_code}:local"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ("local" if parts.scheme == "file" else "")
    except ValueError:
        host = ""
    return f"{region_code}:{host}"


def portal_from_row(row: dict[str, str], *, base_dir: Path, line: int = 0) -> Portal:
    """Validate one registry row and build a :class:`Portal` from it."""
    row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
    region_code = row["region_code"]
    if not region_code:
        raise RegistryError(f"line {line}: region_code is empty")
    home_url = _registry_url(row["home_url"], base_dir, column="home_url", line=line)
    list_urls = tuple(_registry_url(u, base_dir, column="list_urls", line=line) for u in row["list_urls"].split())
    if not home_url and not list_urls:
        raise RegistryError(f"line {line}: a portal needs a home_url or list_urls")
    local_root = _local_root([u for u in (home_url, *list_urls) if u], base_dir, line)
    try:
        platform = platform_name(row["platform"])
    except ValueError as exc:
        raise RegistryError(f"line {line}: {exc}") from None
    obey_robots = _flag(row.get("obey_robots", ""), default=True, column="obey_robots", line=line)
    robots_note = row.get("robots_note", "")
    if not obey_robots and not robots_note:
        raise RegistryError(f"line {line}: obey_robots=0 needs a robots_note saying why")
    return Portal(
        portal_id=row.get("portal_id") or default_portal_id(region_code, home_url, list_urls),
        region_code=region_code,
        region_name=row["region_name"],
        portal_name=row["portal_name"],
        home_url=home_url,
        list_urls=list_urls,
        platform=platform,
        render_js=_flag("" if row["render_js"].lower() == "auto" else row["render_js"],
                        default=False, column="render_js", line=line),
        obey_robots=obey_robots,
        robots_note=robots_note,
        level=row.get("level", ""),
        body=row.get("body", ""),
        evidence_url=row.get("evidence_url", ""),
        source=row.get("source", ""),
        extra={k: v for k, v in row.items() if k not in COLUMNS},
        local_root=local_root,
    )


def load_portals(path: str | Path) -> list[Portal]:
    """Read and validate a registry file; raises :class:`RegistryError` with the line."""
    path = Path(path)
    if not path.is_file():
        raise RegistryError(f"portal registry not found: {path}")
    reader = csv.DictReader(io.StringIO(registry_text(path), newline=""))
    fieldnames = [(name or "").strip() for name in reader.fieldnames or []]
    reader.fieldnames = fieldnames
    missing = [c for c in REQUIRED_COLUMNS if c not in fieldnames]
    if missing:
        found = {c: difflib.get_close_matches(c, fieldnames, n=1) for c in missing}
        hints = [f"{c} (is {near[0]!r} meant?)" if near else c for c, near in found.items()]
        raise RegistryError(f"{path}: missing column(s) {', '.join(hints)}")
    portals = [portal_from_row(row, base_dir=path.parent, line=n) for n, row in enumerate(reader, start=2)]
    seen: dict[str, Portal] = {}
    for portal in portals:
        if portal.portal_id in seen:
            raise RegistryError(
                f"{path}: two rows share portal_id {portal.portal_id!r}; "
                "give them distinct portal_id values"
            )
        seen[portal.portal_id] = portal
    return portals


def registry_text(path: Path) -> str:
    """The registry file decoded: UTF-8 (a BOM is dropped), else GB18030 (a superset of
    GBK and GB2312, what Excel on Chinese Windows saves); anything else is an error."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RegistryError(f"{path}: cannot read it as UTF-8 or GB18030 text; save it as CSV "
                            "(\"CSV UTF-8\" in Excel)") from None


class NoPortalsError(ValueError):
    """A region was asked for, but no registered portal lies under it."""


ALL = "all"  # ``-a region=all``: every registered portal on the web


def select_portals(query: str, portals: list[Portal], regions=None) -> list[Portal]:
    """The portals a ``-a region=…`` value asks for, in registry order.

    * ``all``: every portal on the web.  Portals kept as files (the offline demo) are
      left out; crawl them by name (``-a region=demo``).
    * A registry row's ``portal_id`` or ``portal_name``: those rows (one portal, or
      one body's column such as ``520302:www.zyhhg.gov.cn`` or ``高岭镇``).
    * A GB/T 2260 region (name, short name, code, code prefix or former name:
      ``贵州省``, ``遵义``, ``5203``): every portal whose region code lies inside it,
      the region's own government, the governments below it and the body
      (department, town) rows of all of them.
    * Else a row's ``region_code`` or ``region_name`` that names no GB/T region (``demo``).

    Unknown or ambiguous regions raise :class:`~govreports.regions.RegionError` listing
    near matches; a known region with no portal raises :class:`NoPortalsError`: a crawl
    never silently does nothing.
    """
    from govreports.regions import RegionNotFound

    query = query.strip()
    if query.lower() == ALL:
        on_the_web = [p for p in portals if not p.is_local]
        if not on_the_web:
            raise NoPortalsError("the registry has no portal on the web; -a region=all leaves out portals "
                                 "kept as files (crawl the demo with -a region=demo)")
        return on_the_web
    named = [p for p in portals if query in (p.portal_id, p.portal_name)]
    if named:
        return named
    if regions is None:
        from govreports.regions import default_index

        regions = default_index()
    try:
        region = regions.lookup(query)
    except RegionNotFound:  # an ambiguous name stays an error, even when rows carry it
        direct = [p for p in portals if query in (p.region_code, p.region_name)]
        if direct:
            return direct
        raise
    selected = [p for p in portals if p.region_code.isdigit() and region.contains(p.region_code)]
    if not selected:
        raise NoPortalsError(
            f"no registered portal under {region.full_name} ({region.code}); "
            "add a row for it to the portal registry (see README, 'Adding a portal')"
        )
    return selected
