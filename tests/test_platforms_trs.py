"""TRS WCM list pages: candidates with dates, and every paging-script form."""

from pathlib import Path

import pytest

from govreports.platforms.base import Page
from govreports.platforms.trs import TRS, page_numbering, page_url

FIXTURE = Path(__file__).parent / "fixtures" / "platforms" / "trs" / "list.html"
URL = "http://www.zyhhg.gov.cn/zwgk/xxgkndbg/index.html"


def listing(url=URL, text=None):
    return TRS().parse_list(Page(url=url, text=text if text is not None else FIXTURE.read_text(encoding="utf-8")))


def test_candidate_url_is_absolute():
    urls = [c.url for c in listing().candidates]
    assert "http://www.zyhhg.gov.cn/zwgk/xxgkndbg/202403/t20240315_81234567.html" in urls


def test_candidate_title_from_title_attribute():
    titles = {c.url.rsplit("/", 1)[-1]: c.title for c in listing().candidates}
    assert titles["t20230315_81234564.html"] == "红花岗区2022年度政府信息公开工作年度报告"


def test_candidate_date_as_printed_in_the_list():
    dates = {c.url.rsplit("/", 1)[-1]: c.published for c in listing().candidates}
    assert dates["t20240315_81234567.html"] == "2024-03-15"


def test_navigation_chrome_is_not_a_candidate():
    assert "http://www.zyhhg.gov.cn/col/col1229000010/index.html" not in [c.url for c in listing().candidates]


def test_first_page_requests_the_second():
    assert [r.url for r in listing().next_requests] == ["http://www.zyhhg.gov.cn/zwgk/xxgkndbg/index_1.html"]


def test_last_page_requests_nothing():
    text = FIXTURE.read_text(encoding="utf-8").replace("createPageHTML(3, 0,", "createPageHTML(3, 2,")
    assert listing(URL.replace("index.html", "index_2.html"), text).next_requests == []


@pytest.mark.parametrize("script, expected", [
    ('createPageHTML(7, 0, "index", "html");', (7, 0, "index", "html")),
    ("createPageHTML('page_div', 12, 3, 'list', 'shtml', 20);", (12, 3, "list", "shtml")),
    ("var countPage = 5;//共多少页\nvar currentPage = 2;", (5, 2, None, None)),
    ("var countPage = '4'", (4, -1, None, None)),
])
def test_paging_script_forms(script, expected):
    assert page_numbering(f"<script>{script}</script>") == expected


def test_no_paging_script():
    assert page_numbering("<html><body><ul><li>x</li></ul></body></html>") is None


@pytest.mark.parametrize("n, expected", [(0, "http://a.gov.cn/col/list.shtml"), (1, "http://a.gov.cn/col/list_1.shtml"),
                                         (9, "http://a.gov.cn/col/list_9.shtml")])
def test_page_urls(n, expected):
    assert page_url("http://a.gov.cn/col/list_3.shtml", n, None, None) == expected


def test_folder_url_pages_as_index_html():
    assert page_url("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/", 1, None, None) == \
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/index_1.html"


def test_count_page_without_current_reads_the_url():
    text = "<ul><li><a href='a.html'>a</a></li></ul><script>var countPage = 4;</script>"
    assert [r.url for r in listing("http://a.gov.cn/col/index_2.html", text).next_requests] == [
        "http://a.gov.cn/col/index_3.html"]


def test_detects_trs_pages():
    assert TRS.detect(Page(url=URL, text=FIXTURE.read_text(encoding="utf-8")))
