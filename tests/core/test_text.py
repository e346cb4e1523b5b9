"""The body sanitiser: staff-written HTML never makes a reader's browser fetch from another host."""

import pytest

from gongkai.core.text import sanitize_html, to_html


@pytest.mark.parametrize("src", [
    "https://tracker.example/pixel.png", "http://tracker.example/pixel.png", "//tracker.example/pixel.png",
    "/\\tracker.example/pixel.png", " https://tracker.example/pixel.png", "HTTPS://tracker.example/p.png",
    "ht\ttps://tracker.example/p.png", "javascript:alert(1)", "data:image/svg+xml;base64,PHN2Zz4=",
    "data:text/html;base64,PHNjcmlwdD4=",
])
def test_an_image_from_another_host_is_dropped(src):
    cleaned = sanitize_html(f'<p>前文<img src="{src}" alt="图>示">后文</p>')
    assert cleaned == "<p>前文后文</p>"


def test_markdown_images_from_another_host_are_dropped_too():
    assert "tracker" not in to_html("正文\n\n![图](https://tracker.example/p.png)", "markdown")


@pytest.mark.parametrize(("src", "kept"), [
    ("/xxgk/attachments/3/chart.png", "/xxgk/attachments/3/chart.png"),
    ("chart.png", "chart.png"),
    ("data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,iVBORw0KGgo="),
    # The site's own absolute address (GONGKAI_BASE_URL) becomes a path.
    ("http://127.0.0.1:8000/xxgk/attachments/3/chart.png", "/xxgk/attachments/3/chart.png"),
])
def test_local_images_are_kept(src, kept):
    assert sanitize_html(f'<img src="{src}" alt="图表">') == f'<img src="{kept}" alt="图表">'


def test_links_to_other_sites_stay_but_data_links_go():
    cleaned = sanitize_html('<a href="https://www.gov.cn/">中国政府网</a><a href="data:text/html,x">x</a>')
    assert '<a href="https://www.gov.cn/" rel="noopener noreferrer">中国政府网</a>' in cleaned
    assert "data:" not in cleaned


def test_other_loading_attributes_are_not_allowed():
    cleaned = sanitize_html('<img src="/a.png" srcset="https://tracker.example/x 2x">'
                            '<div style="background:url(https://tracker.example/x)">x</div>')
    assert "tracker" not in cleaned and '<img src="/a.png">' in cleaned


def test_an_html_body_typed_as_plain_lines_gets_one_paragraph_per_line():
    """The staff editor's box takes HTML; a body typed there line by line (no block markup) would run into one
    line on the page: each line becomes a paragraph, still sanitised. Marked-up bodies keep their own blocks."""
    typed = "第一条 为了规范养犬，制定本办法。\n第二条 本办法适用于城区。<script>x()</script>\n\n第三条 <b>施行</b>。"
    assert to_html(typed, "html") == ("<p>第一条 为了规范养犬，制定本办法。</p><p>第二条 本办法适用于城区。</p>"
                                      "<p>第三条 <b>施行</b>。</p>")
    assert to_html("<p>第一条\n续行</p>", "html") == "<p>第一条\n续行</p>"
    assert to_html("一行正文", "html") == "一行正文"


def test_invisible_characters_are_stripped_and_visible_ones_kept():
    from gongkai.core.text import strip_invisible

    planted = "试用期\u200b工资\u202e可以\ufeff只发\u2066一半\u00ad吗"
    assert strip_invisible(planted) == "试用期工资可以只发一半吗"
    assert strip_invisible("第一条　总则 (ETC) 😀\n") == "第一条　总则 (ETC) 😀\n"
