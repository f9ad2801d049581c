"""Listing modules, one per CMS family, behind one interface (:mod:`.base`).

``platform=auto`` picks the first family whose ``detect`` recognises the page;
:class:`~govreports.platforms.generic.Generic` recognises every page, so it is last.
"""

from __future__ import annotations

from govreports.platforms.base import Candidate, ListPage, ListRequest, Page, Platform
from govreports.platforms.epoint import Epoint
from govreports.platforms.generic import Generic
from govreports.platforms.gkmlpt import Gkmlpt
from govreports.platforms.hanweb import Hanweb
from govreports.platforms.lonsun import Lonsun
from govreports.platforms.trs import TRS

# Detection order: most specific first.  Epoint comes after TRS because its markers
# (``showinfo.html?infoGuid=``) also appear as links on portals that merely point
# to an Epoint-built sister site (公共资源交易).
PLATFORM_CLASSES: tuple[type[Platform], ...] = (Gkmlpt, Hanweb, Lonsun, TRS, Epoint, Generic)
PLATFORMS: dict[str, type[Platform]] = {cls.name: cls for cls in PLATFORM_CLASSES}
AUTO = "auto"  # detect the family from the page
# What a registry row's ``platform`` column and the spider's ``-a platform=`` may say.
PLATFORM_NAMES: tuple[str, ...] = (*PLATFORMS, AUTO)


def platform_name(value: str | None) -> str:
    """``value`` as a platform name (empty: ``auto``; any case); ValueError naming the
    choices when it is none of :data:`PLATFORM_NAMES`."""
    name = (value or AUTO).strip().lower()
    if name not in PLATFORM_NAMES:
        raise ValueError(f"platform {name!r} is not one of {', '.join(PLATFORM_NAMES)}")
    return name


def detect_platform(page: Page) -> Platform:
    for cls in PLATFORM_CLASSES:
        if cls.detect(page):
            return cls()
    return Generic()


def get_platform(name: str, page: Page) -> Platform:
    """The named family's module, or the detected one for ``auto`` (or a family this
    version does not know: names are checked where people give them, see
    :func:`platform_name`)."""
    cls = PLATFORMS.get(name)
    return cls() if cls is not None else detect_platform(page)


__all__ = [
    "AUTO",
    "PLATFORM_NAMES",
    "Candidate",
    "ListPage",
    "ListRequest",
    "Page",
    "Platform",
    "detect_platform",
    "get_platform",
    "platform_name",
]
