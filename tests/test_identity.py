"""Report identity: canonical URLs, 索引号 normalisation, stable ids."""

import pytest

from govreports.identity import (
    canonical_url,
    normalise_index_no,
    report_id,
    report_identity,
    site_of,
)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("HTTP://WWW.ZYHHG.GOV.CN/zwgk/", "http://www.zyhhg.gov.cn/zwgk/"),
        ("http://www.zyhhg.gov.cn:80/zwgk/", "http://www.zyhhg.gov.cn/zwgk/"),
        ("https://www.pingtan.gov.cn:443/a/", "https://www.pingtan.gov.cn/a/"),
        ("http://127.0.0.1:8080/a/", "http://127.0.0.1:8080/a/"),
        ("http://a.gov.cn/zwgk/xxgknb/index.html", "http://a.gov.cn/zwgk/xxgknb/"),
        ("http://a.gov.cn/col/col123/index.shtml", "http://a.gov.cn/col/col123/"),
        ("http://a.gov.cn/t1.html#top", "http://a.gov.cn/t1.html"),
        ("http://a.gov.cn/t1.html?utm_source=wx&from=timeline", "http://a.gov.cn/t1.html"),
        ("http://a.gov.cn/list?b=2&a=1", "http://a.gov.cn/list?a=1&b=2"),
        ("http://a.gov.cn/zwgk/../xxgk/t1.html", "http://a.gov.cn/xxgk/t1.html"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_canonical_url_keeps_meaningful_query():
    assert canonical_url("http://a.gov.cn/art?id=5") != canonical_url("http://a.gov.cn/art?id=6")


def test_canonical_url_keeps_path_case():
    assert canonical_url("http://a.gov.cn/Col/T1.html") == "http://a.gov.cn/Col/T1.html"


@pytest.mark.parametrize(
    "raw",
    ["000014349/2017-00110", " 000014349/2017-00110 ", "０００014349／2017－00110", "000014349 / 2017-00110"],
)
def test_index_no_variants_normalise_alike(raw):
    assert normalise_index_no(raw) == "000014349/2017-00110"


def test_index_no_case_folded():
    assert normalise_index_no("01527918x-2020-153077") == "01527918X-2020-153077"


def test_site_of_folds_subdomains():
    assert site_of("http://xxgk.zyhhg.gov.cn/a.html") == site_of("http://www.zyhhg.gov.cn/b.html")


def test_site_of_local_files():
    assert site_of("file:///tmp/demo/a.html") == "local"


def test_identity_prefers_index_no():
    a = report_identity("330803-054/2022-59460", "http://www.qjq.gov.cn/a/1.html")
    b = report_identity("330803-054/ 2022-59460", "http://www.qjq.gov.cn/b/2.html?from=bm")
    assert a == b
    assert a.startswith("ix:")


def test_identity_same_index_no_on_other_sites_differs():
    a = report_identity("20191202-189769", "http://www.a.gov.cn/1.html")
    b = report_identity("20191202-189769", "http://www.b.gov.cn/1.html")
    assert a != b


def test_identity_without_index_no_uses_canonical_url():
    a = report_identity("", "http://A.gov.cn/zwgk/t1.html?utm_medium=x")
    b = report_identity("  ", "http://a.gov.cn:80/zwgk/t1.html")
    assert a == b == "url:http://a.gov.cn/zwgk/t1.html"


def test_report_id_is_stable_and_short():
    identity = "ix:zyhhg.gov.cn:000014349/2017-00110"
    assert report_id(identity) == report_id(identity)
    assert len(report_id(identity)) == 16
    assert report_id(identity) != report_id(identity + "1")
