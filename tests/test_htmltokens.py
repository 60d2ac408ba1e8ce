"""Tests for `boughs._htmltokens`: the HTML tokenizer, through `parse_html` and `to_html`.

Hostile inputs are sized so that the quadratic rescanning of the standard
library's ``html.parser`` (CPython gh-135462) would take minutes, while one
linear pass takes a few hundredths of a second: the suite's own time shows
a regression, and no assertion depends on the clock.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boughs import FormatError, Limits
from boughs._htmltokens import unescape_attribute
from boughs.dom import Comment, Element, Text, parse_html, to_html
from tests.strategies import check_invariants

N = 40_000
UNLIMITED = Limits.unlimited()


def shape(html: str) -> list[tuple[str, str]]:
    """The top-level nodes of a parsed page, as (kind, data or tag) pairs."""
    out = []
    for node in parse_html(html).children:
        if isinstance(node, Comment):
            out.append(("comment", node.data))
        elif isinstance(node, Text):
            out.append(("text", node.data))
        else:
            assert isinstance(node, Element)
            out.append(("element", node.tag))
    return out


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ('<a b="', []),  # a tag cut off by the end of the input is dropped, as browsers do
        ("<a b='", []),
        ("<a b=", []),
        ("<a ", []),
        ("<a", []),
        ("</a ", []),
        ("</", [("comment", "</" * (N - 1))]),  # "</<" opens a bogus comment: to the end
        ("<?", [("comment", "?" + "<?" * (N - 1))]),
        ("<!", [("comment", "<!" * (N - 1))]),
        ("<![", [("comment", "[" + "<![" * (N - 1))]),
        ("<!--", [("comment", "<!--" * (N - 2) + "<!")]),  # unclosed: less its final "--"
        ("<!doctype", [("doctype", "")]),
        ("&#", [("text", "&#" * N)]),
    ],
)
def test_malformed_markup_takes_one_pass(unit: str, expected: list[tuple[str, str]]) -> None:
    doc = parse_html(unit * N)
    if expected and expected[0][0] == "doctype":
        assert doc.doctype is not None and len(doc.children) == 1
        return
    assert shape(unit * N) == expected
    check_invariants(doc)


def test_scope_checks_do_not_walk_the_open_elements() -> None:
    # Each <div> asks whether a <p> is open in button scope, each <body> whether it may
    # open: a walk down 20,000 open elements per question would take minutes.
    deep = "<p><button>" + "<span>" * 20_000
    doc = parse_html(deep + "<div></div>" * 20_000 + "<body a=1>" * 20_000, limits=UNLIMITED)
    assert len(doc.select("div")) == 20_000
    assert doc.select_one("div").depth == 20_003  # type: ignore[union-attr]
    assert doc.select_one("body") is None  # misplaced: inside content, with no body to lend to


def test_names_are_shared_so_attribute_dense_pages_stay_small() -> None:
    first, second = parse_html('<div data-long-name="1"></div><DIV data-long-NAME="2">').select(
        "div"
    )
    assert first.tag is second.tag  # one string for every <div>, not one per element
    (one,), (two,) = first.attributes, second.attributes
    assert one is two


def test_unterminated_constructs_at_the_end_follow_the_standard() -> None:
    assert shape("x<") == [("text", "x<")]
    assert shape("x</") == [("text", "x</")]
    assert shape("x<!") == [("text", "x"), ("comment", "")]
    assert shape("x<?y") == [("text", "x"), ("comment", "?y")]
    assert shape('x<a href="y') == [("text", "x")]
    assert shape("x<!--a--") == [("text", "x"), ("comment", "a")]
    assert shape("<!--a--!") == [("comment", "a")]
    assert shape("<!--a-") == [("comment", "a")]
    assert shape("<!--a---") == [("comment", "a-")]
    assert shape("<!--") == [("comment", "")]
    doc = parse_html("<p>a<!-- never closed <b>")
    assert to_html(doc) == "<p>a<!-- never closed <b>--></p>"


@pytest.mark.parametrize(
    ("source", "comments"),
    [
        ("<!-->a", [""]),
        ("<!--->a", [""]),
        ("<!---->a", [""]),
        ("<!--x--!>a", ["x"]),
        ("<!--x--!-->a", ["x--!"]),
        ("<!-- a -- b -->", [" a -- b "]),
        ("<!--a<!--b-->", ["a<!--b"]),
        ("<!--a---->", ["a--"]),
        ("<!x>a<?y?>b</ z>c", ["x", "?y?", " z"]),
        ("<![CDATA[a>b]]>", ["[CDATA[a"]),
    ],
)
def test_comments(source: str, comments: list[str]) -> None:
    doc = parse_html(source)
    assert [n.data for n in doc.walk() if isinstance(n, Comment)] == comments


def test_comments_that_would_end_early_are_refused_and_others_round_trip() -> None:
    for data in ["a-->b", "a--!>b", ">a", "->a"]:
        with pytest.raises(FormatError, match="would end early in HTML"):
            to_html(Comment(data))
    # "<!--" inside and "<!-" at the end break the standard's authoring rules, but a
    # parser reads them back unchanged; so do the other near misses.
    for data in ["a<!--b", "a<!-", "-", "--", "a--!", "a-", "a--", "<!--", "a->", "!>"]:
        written = to_html(Comment(data))
        assert [n.data for n in parse_html(written).children] == [data], written


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/search?q=x&region=us&lang=en&para=1", "/search?q=x&region=us&lang=en&para=1"),
        ("a&amp;b&lt;c&gt", "a&b<c>"),
        ("&copy 2024 &copy=1 &copyx &copy;x", "© 2024 &copy=1 &copyx ©x"),
        ("&notit; &notin; &not;it &not", "&notit; ∉ ¬it ¬"),
        ("&#65;&#x42&#0;&#x110000;", "AB\ufffd\ufffd"),
        ("&nosuch; & &; &#; &amp", "&nosuch; & &; &#; &"),
    ],
)
def test_character_references_in_attributes(value: str, expected: str) -> None:
    assert unescape_attribute(value) == expected
    a = parse_html(f'<a href="{value}">').select_one("a")
    assert a is not None and a.attributes["href"] == expected


def test_attributes_are_read_as_browsers_read_them() -> None:
    a = parse_html("<a b='x>y' c=d/e f/g =h i = \"j\"k=l<m>").select_one("a")
    assert a is not None
    assert a.attributes == {
        "b": "x>y",
        "c": "d/e",
        "f": "",
        "g": "h",
        "i": "j",
        "k": "l<m",
    }
    assert to_html(parse_html('<P CLASS="A" Id=1><İMG><Bİ>')) == (
        '<p class="A" id="1">&lt;İMG&gt;<bİ></bİ></p>'  # only ASCII letters open or lowercase
    )


@pytest.mark.parametrize(
    ("source", "html", "text"),
    [
        ("<title>a &amp; <b>b</b></title>x", "<title>a &amp; &lt;b&gt;b&lt;/b&gt;</title>x", None),
        (
            "<textarea>\n<p>raw?</p>&lt;</textarea>",
            "<textarea>&lt;p&gt;raw?&lt;/p&gt;&lt;</textarea>",
            "<p>raw?</p><",
        ),
        ("<xmp><b>&amp;</b></xmp>", "<xmp><b>&amp;</b></xmp>", "<b>&amp;</b>"),
        ("<iframe><p>x</iframe>y", "<iframe><p>x</iframe>y", "<p>x"),
        (
            "<noembed><b></noembed><noframes><i></noframes>",
            "<noembed><b></noembed><noframes><i></noframes>",
            "<b>",
        ),
        ("<style>p>b{}</Style >x", "<style>p>b{}</style>x", "p>b{}"),
        ("<plaintext><b>still</b></plaintext><p>", "<plaintext><b>still</b></plaintext><p>", None),
        ("<script>a</script<b>c</SCRIPT/>d", "<script>a</script<b>c</script>d", "a</script<b>c"),
        (
            "<script><!--<script></script>x--></script>y",
            "<script><!--<script></script>x--></script>y",
            None,
        ),
        ("<script><!-- x --></script>y", "<script><!-- x --></script>y", "<!-- x -->"),
        ("<title>a</title", "<title>a&lt;/title</title>", "a</title"),
        ("<svg><title><b>t</b></title><style>a<i>c</i></style></svg>", None, "tac"),
        ("<noscript><p>n</p></noscript>", "<noscript><p>n</p></noscript>", "n"),
    ],
)
def test_text_only_elements(source: str, html: str | None, text: str | None) -> None:
    doc = parse_html(source)
    check_invariants(doc)
    first = doc.select_one("*")
    assert first is not None
    if html is not None:
        assert to_html(doc) == html
    if text is not None:
        assert first.text_content == text
    assert to_html(parse_html(to_html(doc))) == to_html(doc)


def test_an_open_script_escape_is_read_to_the_end_and_not_written_back() -> None:
    doc = parse_html("<script><!--<script>still script")
    script = doc.select_one("script")
    assert script is not None and script.text_content == "<!--<script>still script"
    with pytest.raises(FormatError, match="escape open"):
        to_html(doc)  # "</script>" after it would end only the inner script
    closed = parse_html("<script><!--<script></script>still script")  # back to one escape
    assert to_html(closed) == "<script><!--<script></script>still script</script>"


def test_plaintext_ends_only_with_the_input() -> None:
    doc = parse_html("<div><plaintext>a</div><p>b")
    assert doc.select_one("plaintext").text_content == "a</div><p>b"  # type: ignore[union-attr]
    assert to_html(doc) == "<div><plaintext>a</div><p>b"  # no end tags after it: they'd be text
    assert to_html(parse_html(to_html(doc))) == to_html(doc)


def test_newlines_are_normalised_first() -> None:
    doc = parse_html('<p title="a\r\nb\rc">x\r\ny\rz\r\n</p><textarea>\r\nt</textarea>')
    p = doc.select_one("p")
    assert p is not None and p.attributes["title"] == "a\nb\nc"
    assert p.text_content == "x\ny\nz\n"
    assert doc.select_one("textarea").text_content == "t"  # type: ignore[union-attr]
    assert "\r" not in to_html(doc)


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("text before <html> in html", "<html><body>text before  in html</body></html>"),
        (
            '<!-- c -->a<b>b</b><html lang="en"><head><title>t</title></head><body class="x">c',
            '<!-- c --><html lang="en"><body class="x">a<b>b</b><title>t</title>c</body></html>',
        ),
        ("a<body class=x>b</body>", '<body class="x">ab</body>'),
        ("a<head>b", "ab"),
        ("<!DOCTYPE html>\n<html><body>x", "<!DOCTYPE html><html><body>x</body></html>"),
        ("<head></head>a<html>b", "<head></head>a<html>b</html>"),  # a head first: no move
    ],
)
def test_content_before_html_goes_into_the_body(source: str, html: str) -> None:
    doc = parse_html(source)
    check_invariants(doc)
    assert to_html(doc) == html
    for node in doc.walk():  # moved subtrees know their new depth
        assert node.depth == len(node.path) - 1


def test_moving_content_into_a_body_respects_the_depth_limit() -> None:
    from boughs import LimitError, Limits

    deep = "<div>" * 10 + "</div>" * 10
    assert parse_html(deep + "<html>", limits=Limits(max_depth=12)).height == 12
    with pytest.raises(LimitError, match="max_depth=11"):
        parse_html(deep + "<html>", limits=Limits(max_depth=11))


pieces = st.sampled_from(
    [
        *"<>/=\"'!-?&;# ab\n\r",
        "<script>",
        "</script>",
        "<title>",
        "</title>",
        "<textarea>",
        "<style>",
        "</style",
        "<svg>",
        "</svg>",
        "<!--",
        "-->",
        "--!>",
        "<p ",
        "&amp",
        "&para=",
        "<html>",
        "<body>",
    ]
)


@given(st.lists(pieces, max_size=40).map("".join))
def test_parsed_pages_write_back_as_they_read(text: str) -> None:
    doc = parse_html(text)
    check_invariants(doc)
    try:
        written = to_html(doc)
    except FormatError as e:  # only a script whose "<!--<script>" escape runs to the end
        assert "escape open" in str(e)
        return
    assert to_html(parse_html(written)) == written
