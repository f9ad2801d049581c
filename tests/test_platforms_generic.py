"""The generic fallback: every link, and the next page by its text or page parameter."""

from pathlib import Path

from govreports.platforms.base import Page
from govreports.platforms.generic import Generic, next_by_page_parameter

FIXTURE = Path(__file__).parent / "fixtures" / "platforms" / "generic" / "list.html"


def parse(url, text):
    return Generic().parse_list(Page(url=url, text=text))


def test_next_page_by_its_text():
    result = parse("http://a.gov.cn/nb/list_1.htm", FIXTURE.read_text(encoding="utf-8"))
    assert [r.url for r in result.next_requests] == ["http://a.gov.cn/nb/list_2.htm"]


def test_next_page_by_page_parameter():
    text = """<ul><li><a href="view?id=1">示范县2023年政府信息公开工作年度报告</a></li></ul>
    <div class="pager"><a href="list.jsp?cat=5&page=1">1</a> <a href="list.jsp?cat=5&page=2">2</a>
    <a href="list.jsp?cat=5&page=3">3</a> <a href="list.jsp?cat=5&page=9">尾页</a></div>"""
    assert [r.url for r in parse("http://a.gov.cn/list.jsp?cat=5&page=2", text).next_requests] == [
        "http://a.gov.cn/list.jsp?cat=5&page=3"]


def test_first_page_without_parameter_goes_to_page_2():
    hrefs = ["http://a.gov.cn/list.jsp?pageNo=2", "http://a.gov.cn/list.jsp?pageNo=3"]
    assert next_by_page_parameter("http://a.gov.cn/list.jsp", hrefs) == "http://a.gov.cn/list.jsp?pageNo=2"


def test_page_parameter_of_another_list_is_ignored():
    hrefs = ["http://a.gov.cn/other.jsp?page=2"]
    assert next_by_page_parameter("http://a.gov.cn/list.jsp?page=1", hrefs) is None


def test_last_page_has_no_next():
    text = '<a href="list.jsp?page=1">1</a><a href="list.jsp?page=2">2</a>'
    assert parse("http://a.gov.cn/list.jsp?page=2", text).next_requests == []


def test_every_titled_link_is_a_candidate():
    text = '<ul><li><a href="a.html" title="示范县2023年政府信息公开工作年度报告">示范县2023年…</a><span>2024-01-25</span></li></ul>'
    (candidate,) = parse("http://a.gov.cn/nb/", text).candidates
    assert (candidate.url, candidate.title, candidate.published) == (
        "http://a.gov.cn/nb/a.html", "示范县2023年政府信息公开工作年度报告", "2024-01-25")
