"""Recognising anti-bot answers, so the crawler can pass or wait them out.

* 瑞数 (Ruishu): HTTP 412 with a small page holding a ``$_ts`` script, cookies named
  like ``FSSBBIl1UgzbN7N80S``/``…80T``.  Only a real browser passes it.
* 加速乐: HTTP 521 (or 200) setting ``__jsluid``/``__jsl_clearance`` by script; and
  Aliyun WAF's ``acw_sc__v2`` script.  A browser passes them.
* 知道创宇云防御 (创宇盾): a 200 page saying "如果您是网站管理员，请登录知道创宇云防御";
  it lifts after a minute or two: back off and retry.
"""

from __future__ import annotations

import re

BROWSER = "browser"  # a challenge a real browser passes
WAIT = "wait"  # a block that lifts: back off and retry

RUISHU_COOKIE = re.compile(r"^[A-Za-z0-9]{8,}80[ST]=", re.MULTILINE)
CHUANGYU_MARKERS = ("知道创宇云防御", "创宇盾", "365cyd.com")


def challenge(status: int, set_cookies: list[str], text: str) -> tuple[str, str] | None:
    """``(kind, name)`` of the anti-bot challenge this answer is, or None.

    ``text`` need only be the start of the page: challenge pages are small.
    """
    cookies = "\n".join(set_cookies)
    if status == 412 and ("$_ts" in text or RUISHU_COOKIE.search(cookies)):
        return BROWSER, "瑞数 412"
    if "__jsl_clearance" in text or "__jsl_clearance" in cookies or (status == 521 and "__jsluid" in cookies):
        return BROWSER, "加速乐"
    if "acw_sc__v2" in text:
        return BROWSER, "阿里云 WAF"
    if any(marker in text for marker in CHUANGYU_MARKERS):
        return WAIT, "创宇盾"
    return None
