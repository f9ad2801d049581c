"""Anti-bot signatures from portal-patterns.md."""

import pytest

from govreports.antibot import BROWSER, WAIT, challenge

RUISHU_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<script type="text/javascript" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;$_ts.cd="qEqcrrAlq";</script>
<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.7f4a2b.js" r='m'></script></head><body></body></html>"""
CHUANGYU_PAGE = """<html><head><title>访问被拦截</title></head><body><div class="content">
<p>您的访问请求可能对网站造成安全威胁，请求已被拦截。</p>
<p>如果您是网站管理员，请登录知道创宇云防御</p></div></body></html>"""


def test_ruishu_412_with_ts_script():
    assert challenge(412, [], RUISHU_PAGE) == (BROWSER, "瑞数 412")


def test_ruishu_412_recognised_by_cookie():
    assert challenge(412, ["FSSBBIl1UgzbN7N80S=aXbc; Path=/; HttpOnly"], "<html></html>")[0] == BROWSER


def test_plain_412_is_not_a_challenge():
    assert challenge(412, [], "<html><body>Precondition Failed</body></html>") is None


def test_chuangyu_block_page_waits():
    assert challenge(200, [], CHUANGYU_PAGE) == (WAIT, "创宇盾")


def test_jiasule():
    assert challenge(521, ["__jsluid_s=abc; path=/"], "<script>document.cookie=('__jsl_clearance_s=1')</script>")[0] == BROWSER


@pytest.mark.parametrize("status", [200, 404, 500])
def test_ordinary_pages_are_not_challenges(status):
    assert challenge(status, [], "<html><body><h1>示范县人民政府2023年政府信息公开工作年度报告</h1></body></html>") is None
