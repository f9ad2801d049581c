"""List items: the date printed beside a link, read by the one date reader."""

from __future__ import annotations

import datetime as dt

import pytest
from parsel import Selector

from govreports.platforms.links import anchor_candidates, list_date

NOW = dt.datetime(2024, 1, 25, 12, 0)


@pytest.mark.parametrize(
    "text,iso",
    [
        ("[2024-01-25]", "2024-01-25"),
        ("2024年1月25日 10:30", "2024-01-25"),  # the list's time is not kept
        ("二○二四年一月二十五日", "2024-01-25"),
        ("3天前", "2024-01-22"),
        ("昨天", "2024-01-24"),
        ("Jan 25, 2024", "2024-01-25"),
    ],
)
def test_list_date(text, iso):
    assert list_date(text, now=NOW) == iso


@pytest.mark.parametrize("text", ["浏览次数：2019", "2023-02-30", "10:30", ""])
def test_list_date_none(text):
    assert list_date(text, now=NOW) is None


def test_relative_list_date_against_now():
    html = """<ul><li><a href="/a.html">示范县2023年政府信息公开工作年度报告</a><span>2天前</span></li>
              <li><a href="/b.html">示范县2022年政府信息公开工作年度报告</a><span>2023-01-20</span></li></ul>"""
    found = anchor_candidates(Selector(text=html), "http://a.gov.cn/nb/", now=NOW)
    assert [(c.url, c.published) for c in found] == [
        ("http://a.gov.cn/a.html", "2024-01-23"), ("http://a.gov.cn/b.html", "2023-01-20")]
