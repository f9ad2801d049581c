"""How far a list is followed: runaway paginators told from long columns, and the limits
read from the settings (see :mod:`govreports.paging`)."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from govreports import settings as project_settings
from govreports.paging import PagingLimits, PagingWatch

RUNAWAY = 3


def page(n: int) -> str:
    return f"http://a.gov.cn/nb/index_{n}.html"


def read(watch: PagingWatch, n: int, links: list[str], text: str | None = None) -> str:
    return watch.page_read(page(n), text if text is not None else f"<html>page {n} {links}</html>", links, RUNAWAY)


def test_a_long_column_bringing_new_links_on_every_page_never_runs_away():
    watch = PagingWatch()
    assert [read(watch, n, [f"t{n}.html", "nav.html"]) for n in range(500)] == [""] * 500


def test_pages_repeating_the_same_items_run_away_after_the_set_number():
    watch = PagingWatch()
    verdicts = [read(watch, n, ["t1.html", "t2.html"]) for n in range(5)]
    assert verdicts[:3] == ["", "", ""] and verdicts[3].startswith("3 pages in a row brought no new link")


def test_pages_with_no_items_run_away():
    watch = PagingWatch()
    verdicts = [read(watch, n, ["t1.html"] if n == 0 else []) for n in range(4)]
    assert verdicts == ["", "", "", f"3 pages in a row brought no new link ({page(1)} … {page(3)})"]


def test_a_page_with_a_new_link_starts_the_count_again():
    watch = PagingWatch()
    links = [["t1.html"], [], [], ["t2.html"], [], []]
    assert [read(watch, n, x) for n, x in enumerate(links)] == [""] * 6


def test_a_page_repeating_an_earlier_page_byte_for_byte_runs_away_at_once():
    watch = PagingWatch()
    read(watch, 0, ["t1.html"], text="<html>same</html>")
    assert read(watch, 1, ["t2.html"], text="<html>same</html>") == f"page {page(1)} repeats page {page(0)}"


def test_the_same_page_read_again_is_no_repeat():
    # A JavaScript list read again through the browser is the same page, not a runaway.
    watch = PagingWatch()
    read(watch, 0, ["t1.html"], text="<html>same</html>")
    assert read(watch, 0, ["t1.html", "t2.html"], text="<html>same</html>") == ""


def test_limits_come_from_the_project_settings():
    limits = PagingLimits.from_settings(Settings({name: getattr(project_settings, name)
                                                  for name in dir(project_settings) if name.isupper()}))
    assert limits == PagingLimits(project_settings.GOVREPORTS_MAX_LIST_PAGES, project_settings.GOVREPORTS_RUNAWAY_PAGES,
                                  project_settings.GOVREPORTS_MAX_LINKS_PER_LIST_PAGE,
                                  project_settings.GOVREPORTS_MAX_LINKS_PER_PORTAL)


def test_default_limits_let_a_ten_thousand_report_column_through():
    # 10,000 reports at 10 a page; the old guard of 200 pages stopped at 2,000-4,000.
    assert project_settings.GOVREPORTS_MAX_LIST_PAGES * 10 >= 10_000
    assert project_settings.GOVREPORTS_MAX_LINKS_PER_PORTAL >= 10_000


@pytest.mark.parametrize("value", ["0", "-3", None])
def test_a_limit_that_is_missing_or_not_positive_is_an_error(value):
    values = {"GOVREPORTS_MAX_LIST_PAGES": 10, "GOVREPORTS_RUNAWAY_PAGES": 3,
              "GOVREPORTS_MAX_LINKS_PER_LIST_PAGE": 100, "GOVREPORTS_MAX_LINKS_PER_PORTAL": value}
    with pytest.raises(ValueError, match="GOVREPORTS_MAX_LINKS_PER_PORTAL"):
        PagingLimits.from_settings(Settings({k: v for k, v in values.items() if v is not None}))
