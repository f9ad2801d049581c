"""html: meta tags, content container, chrome removal, text rendering."""

import pytest

from govreports.parsing.html import element_text, find_content, inner_text, page_meta, parse_html, remove_chrome

PAGE = """<html><head><meta name="SiteIDCode" content="3590000001"><meta name="ArticleTitle" content="T">
<title>X</title></head><body>
<div class="nav">首页 政务公开</div>
<div class="main"><div class="{cls}" id="{id}">
<p>第一段正文，第一段正文，第一段正文。</p><p>第二段<br/>换行</p>
<table><tr><td>规章</td><td>3</td></tr></table>
<div class="share">分享到：微信</div>
<p>【打印本页】【关闭窗口】</p>
<p>上一篇：某某</p>
</div></div>
<div class="footer">版权所有 主办单位</div></body></html>"""


def test_page_meta():
    assert page_meta(parse_html(PAGE.format(cls="x", id="y"))) == {"SiteIDCode": "3590000001", "ArticleTitle": "T"}


@pytest.mark.parametrize(
    "cls,id_",
    [("TRS_Editor", ""), ("trs_editor_view", ""), ("", "zoom"), ("Custom_UnionStyle", ""), ("", "Zoom"),
     ("article-content", ""), ("plain", "")],  # the last: no known container, the fallback must find it
)
def test_content_container_and_chrome(cls, id_):
    tree = parse_html(PAGE.format(cls=cls, id=id_))
    content = find_content(tree)
    remove_chrome(content)
    text = element_text(content)
    assert text.startswith("第一段正文") and "首页" not in text and "分享" not in text and "打印" not in text \
        and "上一篇" not in text and "版权所有" not in text


def test_text_rendering_keeps_paragraphs_and_table_rows():
    tree = parse_html(PAGE.format(cls="TRS_Editor", id=""))
    content = find_content(tree)
    remove_chrome(content)
    assert element_text(content).split("\n")[:4] == ["第一段正文，第一段正文，第一段正文。", "第二段", "换行", "规章 | 3"]


def test_empty_page():
    assert element_text(find_content(parse_html(""))) == ""


def test_inner_text_is_the_text_of_the_element_and_its_descendants():
    tree = parse_html("<table><tr><td id=a>一<!-- 注释 -->二<span>三<b>四</b>五</span>&nbsp;六<br>七</td>"
                      "<td id=b>只有文字</td><td id=c></td><td id=d><p>甲</p>乙</td></tr></table>尾")
    for cell in tree.iter("td"):
        assert inner_text(cell) == "".join(cell.itertext())
    assert inner_text(tree.find(".//td[@id='a']")) == "一二三四五\xa0六七"
    assert inner_text(tree.find(".//table")) == "一二三四五\xa0六七只有文字甲乙"  # not the tail "尾"
