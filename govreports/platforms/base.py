"""The one interface every CMS-family listing module implements.

A platform module is pure: it is given a fetched list/column page (:class:`Page`)
and returns what that page lists (:class:`ListPage`): report candidates with the
title and publication date the list shows, further list requests (pagination), and
sub-lists (departments' and towns' columns).  It never touches the network, so the
spider stays thin and the modules are tested on saved pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from govreports.parsing.html import base_url


@dataclass(frozen=True)
class Page:
    """A fetched page, decoded."""

    url: str
    text: str
    status: int = 200
    content_type: str = "text/html"

    @cached_property
    def base_url(self) -> str:
        """What the page's relative links resolve against: its ``<base href>``, else
        its URL.  Links printed in the page (anchors, script-built list and proxy URLs)
        resolve against this; URLs derived from the page's own address (the next
        ``index_1.html``, a JSON answer's next page) against :attr:`url`."""
        return base_url(self.url, self.text)


@dataclass(frozen=True)
class Candidate:
    """A link on a list page that may lead to a report."""

    url: str
    title: str
    published: str | None = None  # ISO date as the list prints it


@dataclass(frozen=True)
class ListRequest:
    """A further list page to fetch (pagination or a POST data endpoint)."""

    url: str
    method: str = "GET"
    formdata: tuple[tuple[str, str], ...] = ()
    platform: str = ""  # the module that knows how to read the answer ("" = same as the page)


@dataclass
class ListPage:
    candidates: list[Candidate] = field(default_factory=list)
    next_requests: list[ListRequest] = field(default_factory=list)
    sublists: list[str] = field(default_factory=list)


class Platform:
    """Base class: one subclass per CMS family, registered by ``name``."""

    name: ClassVar[str] = ""

    @classmethod
    def detect(cls, page: Page) -> bool:
        """Whether ``page`` looks like this family's list page."""
        raise NotImplementedError

    def parse_list(self, page: Page) -> ListPage:
        """Candidates, next list requests and sub-lists found on ``page``."""
        raise NotImplementedError
