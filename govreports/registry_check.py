"""Validate a whole registry file (``scrapy portals --check``): every problem, each with
its line, rather than stopping at the first as loading does.

**Errors** (the registry must not ship with any):

* a row that does not load (:func:`govreports.registry.portal_from_row`: URLs that are
  not ``http(s)://`` addresses with a host, unknown platforms, bad flags …);
* two rows with one ``portal_id``;
* a ``region_code`` that is no GB/T 2260 code of ``data/regions.csv`` (portals kept as
  files, such as the demo, are exempt), or a ``region_name`` that does not name that
  region (its name, full name, short name or a former name listed in
  ``region_aliases.csv``: 平潭综合实验区 names 350128);
* a ``level`` that is not the region's (``department`` for a row with a ``body``,
  and only for one);
* two government rows (no ``body``) of the same level whose home pages are on one host
  (``www.putuo.gov.cn`` for both 普陀区): one of them is wrong.

**Warnings** (worth a look, not wrong):

* a government's home on the host of a government of another level: a county on its
  city's platform (``parent platform``) is common, an unrelated one is suspicious;
* one list URL in two rows (a government's column that holds a body's reports too): a
  crawl taking both reads it once, for one of them;
* a body's row without ``list_urls``: discovery starts from its home page, usually the
  government's, and may find the government's column there.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from govreports.regions import RegionError, RegionIndex, default_index
from govreports.registry import BODY_LEVEL, REQUIRED_COLUMNS, Portal, RegistryError, portal_from_row, registry_text

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    line: int
    severity: str  # error | warning
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.severity}: {self.message}"


def _strip_line(message: str, line: int) -> str:
    prefix = f"line {line}: "
    return message[len(prefix):] if message.startswith(prefix) else message


def _region_problems(portal: Portal, line: int, regions: RegionIndex) -> list[Problem]:
    region = regions.get(portal.region_code)
    if region is None:
        return [Problem(line, ERROR, f"region_code {portal.region_code!r} is no GB/T 2260 code of data/regions.csv")]
    problems = []
    if portal.region_name not in (region.name, region.full_name):
        try:
            named = regions.lookup(portal.region_name).code if portal.region_name else ""
        except RegionError:
            named = ""
        if named != region.code:
            problems.append(Problem(line, ERROR, f"region_name {portal.region_name!r} does not name "
                                                 f"{region.describe()}"))
    if portal.body:
        if portal.level not in ("", BODY_LEVEL):
            problems.append(Problem(line, ERROR, f"level {portal.level!r}: a row with a body "
                                                 f"({portal.body}) has level {BODY_LEVEL}"))
    elif portal.level == BODY_LEVEL:
        problems.append(Problem(line, ERROR, f"level {BODY_LEVEL} but no body: name the body in the body column"))
    elif portal.level and portal.level != region.level:
        problems.append(Problem(line, ERROR, f"level {portal.level!r}, but {region.describe()} is a {region.level}"))
    return problems


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _shared_hosts(governments: list[tuple[int, Portal]], regions: RegionIndex) -> list[Problem]:
    by_host: dict[str, list[tuple[int, Portal]]] = defaultdict(list)
    for line, portal in governments:
        if portal.home_url:
            by_host[_host(portal.home_url)].append((line, portal))
    problems = []
    for host, rows in by_host.items():
        for n, (line, portal) in enumerate(rows):
            mine = regions.get(portal.region_code)
            for other_line, other in rows[:n]:
                theirs = regions.get(other.region_code)
                what = f"home host {host} is also that of line {other_line} ({other.region_name} {other.region_code})"
                if mine.level == theirs.level:
                    problems.append(Problem(line, ERROR, f"{what}, a {mine.level} too: one of them is wrong"))
                elif theirs.contains(mine.code) or mine.contains(theirs.code):
                    problems.append(Problem(line, WARNING, f"{what}: on its parent's platform"))
                else:
                    problems.append(Problem(line, WARNING, f"{what}, an unrelated {theirs.level}"))
    return problems


def _shared_columns(portals: list[tuple[int, Portal]]) -> list[Problem]:
    first: dict[str, tuple[int, Portal]] = {}
    problems = []
    for line, portal in portals:
        for url in portal.list_urls:
            if url in first and first[url][1].portal_id != portal.portal_id:
                other_line, other = first[url]
                problems.append(Problem(line, WARNING, f"list URL {url} is also that of line {other_line} "
                                                       f"({other.portal_name}): a crawl taking both reads it "
                                                       "once, for one of them"))
            first.setdefault(url, (line, portal))
    return problems


def check_registry(path: str | Path, regions: RegionIndex | None = None) -> tuple[list[Portal], list[Problem]]:
    """The portals of registry file ``path`` that load, and every problem found
    (errors and warnings, in line order).  A file that cannot be read at all is one
    error at line 1."""
    path = Path(path)
    regions = regions or default_index()
    try:
        text = registry_text(path) if path.is_file() else None
    except RegistryError as exc:
        return [], [Problem(1, ERROR, str(exc))]
    if text is None:
        return [], [Problem(1, ERROR, f"portal registry not found: {path}")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    reader.fieldnames = [(name or "").strip() for name in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in reader.fieldnames]
    if missing:
        return [], [Problem(1, ERROR, f"missing column(s) {', '.join(missing)}")]
    problems: list[Problem] = []
    portals: list[tuple[int, Portal]] = []
    first_line: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        try:
            portal = portal_from_row({k: v for k, v in row.items() if k is not None}, base_dir=path.parent, line=line)
        except RegistryError as exc:
            problems.append(Problem(line, ERROR, _strip_line(str(exc), line)))
            continue
        if portal.portal_id in first_line:
            problems.append(Problem(line, ERROR, f"portal_id {portal.portal_id!r} is also that of line "
                                                 f"{first_line[portal.portal_id]}"))
        first_line.setdefault(portal.portal_id, line)
        portals.append((line, portal))
        if portal.is_local:
            continue
        problems += _region_problems(portal, line, regions)
        if portal.body and not portal.list_urls:
            problems.append(Problem(line, WARNING, f"{portal.body} has no list_urls: a crawl discovers from "
                                                   f"{portal.home_url} and may find another body's column there"))
    problems += _shared_columns(portals)
    governments = [(line, p) for line, p in portals
                   if not p.is_local and not p.body and regions.get(p.region_code) is not None]
    problems += _shared_hosts(governments, regions)
    problems.sort(key=lambda p: (p.line, p.severity != ERROR))
    return [p for _, p in portals], problems

