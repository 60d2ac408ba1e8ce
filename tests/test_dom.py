"""Tests for `boughs.dom`: nodes, HTML and XML parsing, hostile input, selectors, output, ids."""

from __future__ import annotations

import copy
import gc
import pickle
import re
import time
import weakref
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boughs import FormatError, LimitError, Limits, Node, render_text, same_shape
from boughs.dom import (
    VOID_ELEMENTS,
    Attributes,
    Comment,
    Document,
    DocumentType,
    DomNode,
    Element,
    ProcessingInstruction,
    Text,
    parse_html,
    parse_xml,
    to_html,
    to_xml,
)
from tests.strategies import check_invariants

DATA = Path(__file__).parent / "data"
UNLIMITED = Limits.unlimited()


def label(node: Any) -> str:
    return str(node.tree_label())


def same_dom(a: DomNode, b: DomNode) -> bool:
    """Same shape, same kinds, tags, attributes and text at every position."""

    def key(n: Any) -> Any:
        if isinstance(n, Element):
            return ("element", n.tag, dict(n.attributes))
        return (type(n).__name__, getattr(n, "data", None), getattr(n, "name", None))

    return same_shape(a, b, key=key)


def ids(elements: list[Element]) -> list[str | None]:
    return [e.id for e in elements]


# ---------------------------------------------------------------- nodes --


def test_element_basics() -> None:
    a = Element(
        "a", {"href": "/x", "class": "nav  big"}, children=["Go ", Element("b", children=["now"])]
    )
    assert a.tag == "a" and a.get("href") == "/x" and a.get("missing", "-") == "-"
    assert a.classes == ("nav", "big")
    assert a.text_content == "Go now"
    assert [type(c).__name__ for c in a.children] == ["Text", "Element"]
    assert a.child_elements == (a.children[1],)
    a.set("title", "t")
    a.id = "main"
    assert dict(a.attributes) == {"href": "/x", "class": "nav  big", "title": "t", "id": "main"}
    assert repr(a) == "Element('a', href='/x', class='nav  big', title='t', ...)"
    assert repr(Element("br")) == "Element('br')" and Element("br").id is None
    assert repr(Text("x" * 50)) == f"Text({'x' * 39 + '…'!r})"
    check_invariants(a)


def test_labels() -> None:
    e = Element("div", {"id": "x", "class": 'a "b"', "data-long": "v" * 40, "z": "1"})
    assert label(e) == '<div id="x" class="a \\"b\\"" data-long="vvvvvvvvvvvvvvvvvvvvvvv…" …>'
    assert label(Element("p")) == "<p>"
    assert label(Text("Hello\nworld")) == '"Hello\\nworld"'
    assert label(Text("y" * 60)) == '"' + "y" * 39 + '…"'
    assert label(Comment(" note ")) == "<!-- note -->"
    assert label(DocumentType("html")) == "<!DOCTYPE html>"
    assert (
        label(ProcessingInstruction("xml-stylesheet", 'href="a"')) == '<?xml-stylesheet href="a"?>'
    )
    assert label(Document()) == "#document"
    doc = parse_html('<ul id="m"><li class="on">Home<li>Docs</ul><!--end-->')
    assert render_text(doc) == (
        "#document\n"
        '├── <ul id="m">\n'
        '│   ├── <li class="on">\n'
        '│   │   └── "Home"\n'
        "│   └── <li>\n"
        '│       └── "Docs"\n'
        "└── <!--end-->"
    )


def test_only_dom_nodes_below_dom_nodes() -> None:
    p = Element("p")
    with pytest.raises(TypeError, match=r"accepts only DOM nodes .* not Node\('x'\)"):
        p.append(Node("x"))
    with pytest.raises(TypeError, match="is a Text and cannot have children"):
        Text("t").append(Element("b"))
    with pytest.raises(TypeError, match="a Document is always a root"):
        p.append(Document())
    with pytest.raises(TypeError, match="cannot have children"):
        DocumentType("html").append(Text("x"))
    with pytest.raises(TypeError, match="tag must be a non-empty string"):
        Element("")
    with pytest.raises(TypeError, match="data must be a str"):
        Text(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="attribute names and values must be strings"):
        Element("a", {"n": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="attribute names and values must be strings"):
        p.attributes["n"] = 2  # type: ignore[assignment]
    assert p.is_leaf  # nothing changed
    Node("holder").append(Element("div"))  # a DOM node under another node is fine


def test_text_content_setter() -> None:
    p = parse_html("<p>a<b>b</b><!--c-->d</p>").select_one("p")
    assert p is not None and p.text_content == "abd"
    p.text_content = "new"
    assert to_html(p) == "<p>new</p>"
    p.text_content = ""
    assert p.is_leaf
    t = Text("x")
    t.text_content = "y"
    assert t.data == "y"
    with pytest.raises(TypeError, match="text_content must be a str"):
        p.text_content = 5  # type: ignore[assignment]


def test_document_accessors() -> None:
    doc = parse_html("<!DOCTYPE html><!-- c --><html><body>x</body></html>")
    assert isinstance(doc.doctype, DocumentType) and doc.doctype.name == "html"
    assert doc.root_element is not None and doc.root_element.tag == "html"
    assert doc.root_element.document is doc
    assert Element("p").document is None and doc.document is doc
    assert Document().root_element is None and Document().doctype is None


def test_copies_and_pickles_keep_attributes_apart() -> None:
    doc = parse_html('<div id="a" class="x"><p id="b">t</p></div>')
    for twin in (copy.deepcopy(doc), pickle.loads(pickle.dumps(doc)), doc.copy()):
        assert same_dom(doc, twin)
        div = twin.select_one("div")
        assert div is not None
        div.attributes["class"] = "changed"
        assert doc.select_one("div").get("class") == "x"  # type: ignore[union-attr]
        assert twin.get_element_by_id("b") is twin.select_one("p")
    shallow = copy.copy(doc.select_one("div"))
    assert shallow is not None and shallow.is_leaf
    shallow.set("class", "other")
    assert doc.select_one(".x") is not None
    attrs = Attributes({"a": "1"})
    assert pickle.loads(pickle.dumps(attrs)) == {"a": "1"}


# ------------------------------------------------------------- parse_html --


@pytest.fixture(scope="module")
def blog() -> Document:
    return parse_html((DATA / "blog.html").read_bytes())


def test_a_real_looking_page(blog: Document) -> None:
    check_invariants(blog)
    assert blog.doctype is not None and blog.doctype.name == "html"
    html = blog.root_element
    assert html is not None and [c.tag for c in html.child_elements] == ["head", "body"]
    assert blog.select_one("title").text_content == "Pruning & Grafting — The Orchard Blog"  # type: ignore[union-attr]
    nav = blog.get_element_by_id("main-nav")
    assert nav is not None and nav.get("aria-label") == "Main"
    assert [a.text_content for a in nav.select("li > a")] == ["Home", "Blog", "About\xa0us"]
    assert [li.text_content.strip() for li in blog.select("ol > li")] == [
        "Remove dead, diseased and damaged wood.",
        "Remove branches that cross or rub.",
        "Open the centre to light & air.",
    ]
    article = blog.get_element_by_id("post-42")
    assert article is not None
    assert [e.tag for e in article.child_elements] == [
        "h1", "p", "p", "p", "ol", "h2", "table", "p", "pre", "figure"
    ]  # fmt: skip
    rows = blog.select("table.tools tbody > tr")
    assert [[td.text_content.strip() for td in row.select("td")] for row in rows] == [
        ["Secateurs", "Stems up to 2\xa0cm"],
        ["Loppers", "Stems up to 5\xa0cm"],
        ["Pruning saw", "Anything larger"],
    ]
    assert [th.text_content.strip() for th in blog.select("thead th")] == ["Tool", "Use"]
    for void in blog.select(", ".join(sorted(VOID_ELEMENTS))):
        assert void.is_leaf, void
    script = blog.select_one("head > script")
    assert script is not None and '"</div>".length' in script.text_content
    assert blog.select_one("pre").text_content.startswith("def graft")  # type: ignore[union-attr]
    assert "1 < 2" in blog.select_one("pre").text_content  # type: ignore[union-attr]
    assert blog.select_one("textarea").text_content == "First line of a comment"  # type: ignore[union-attr]
    assert blog.select_one("svg").get("viewBox") == "0 0 40 40"  # type: ignore[union-attr]
    assert [e.tag for e in blog.select("svg > *")] == ["circle", "path"]
    assert blog.select_one("figcaption").text_content == "A cross-section—rings & all."  # type: ignore[union-attr]
    assert blog.select_one("#c2 a").get("href") == "https://example.org/?a=1&b=2"  # type: ignore[union-attr]
    assert [o.get("value") for o in blog.select("option[selected]")] == ["5"]
    assert blog.select_one("input").get("required") == ""  # type: ignore[union-attr]
    comment = blog.select_one("body").children[1]  # type: ignore[union-attr]
    assert isinstance(comment, Comment) and comment.data.startswith("[if lt IE 9]>")
    assert blog.select_one("footer p").text_content.startswith("© 2024")  # type: ignore[union-attr]
    body = blog.select_one("body")
    assert body is not None and body.last_child is not None  # the text after </html> stays in body


def test_html_round_trip(blog: Document) -> None:
    text = to_html(blog)
    again = parse_html(text)
    assert same_dom(blog, again)
    assert to_html(again) == text


def test_drop_whitespace(blog: Document) -> None:
    lean = parse_html((DATA / "blog.html").read_text(encoding="utf-8"), keep_whitespace=False)
    assert all(not (isinstance(t, Text) and t.data.isspace()) for t in lean.walk())
    assert lean.select_one("pre").text_content == blog.select_one("pre").text_content  # type: ignore[union-attr]
    assert sum(1 for _ in lean.walk()) < sum(1 for _ in blog.walk())


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("<p>a<p>b", "<p>a</p><p>b</p>"),
        ("<p>a<div>b</div>", "<p>a</p><div>b</div>"),
        ("<p>a<span>b<div>c", "<p>a<span>b</span></p><div>c</div>"),
        (
            "<ul><li>a<li>b<ul><li>c</ul><li>d</ul>",
            "<ul><li>a</li><li>b<ul><li>c</li></ul></li><li>d</li></ul>",
        ),
        ("<dl><dt>t<dd>d<dt>u</dl>", "<dl><dt>t</dt><dd>d</dd><dt>u</dt></dl>"),
        (
            "<select><option>a<option>b<optgroup><option>c</select>",
            "<select><option>a</option><option>b</option><optgroup><option>"
            "c</option></optgroup></select>",
        ),
        (
            "<table><tr><td>1<td>2<tr><td>3</table>x",
            "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>x",
        ),
        (
            "<table><thead><tr><th>h<tbody><tr><td>d</table>",
            "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>",
        ),
        (
            "<table><tr><td><table><tr><td>in</table>out</table>",
            "<table><tr><td><table><tr><td>in</td></tr></table>out</td></tr></table>",
        ),
        ("<td>no table<td>still none", "<td>no table<td>still none</td></td>"),
        ("<div><table><tr><td>x</div>y", "<div><table><tr><td>xy</td></tr></table></div>"),
        ("<h1>a<h2>b", "<h1>a</h1><h2>b</h2>"),
        ("<a href=1>x<a href=2>y", '<a href="1">x</a><a href="2">y</a>'),
        ("a<br>b</br>c<img src=x>d<input>", 'a<br>b<br>c<img src="x">d<input>'),
        ("<div/>x<span/>", "<div></div>x<span></span>"),
        ("<b>bold<i>both</b>italic</i>", "<b>bold<i>both</i></b>italic"),
        ("</p>x", "<p></p>x"),
        ("<div>x</span>y</div>", "<div>xy</div>"),
        ("<p>unclosed <b>at <i>the end", "<p>unclosed <b>at <i>the end</i></b></p>"),
        ("<p a=1 a=2 B=3 c>", '<p a="1" b="3" c=""></p>'),
        (
            "<p title='&lt;&amp;&quot;&gt;'>&amp &copy &#x41;&#66;&nbsp;",
            '<p title="&lt;&amp;&quot;&gt;">&amp; © AB&nbsp;</p>',
        ),
        (
            "<pre>\nline</pre><textarea>\n\nkeep</textarea>",
            "<pre>line</pre><textarea>\n\nkeep</textarea>",
        ),
        (
            "<script>a</b>c</script><style>p>b{}</style>",
            "<script>a</b>c</script><style>p>b{}</style>",
        ),
        (
            "<html><head><title>t</title><p>x</body></html>\n",
            "<html><head><title>t</title></head><p>x\n</p></html>",
        ),
        ("<body a=1><body a=2 b=3>", '<body a="1" b="3"></body>'),
        ("<?php echo 1 ?><![CDATA[x]]>", "<!--?php echo 1 ?--><!--[CDATA[x]]-->"),
        (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" '
            '"http://www.w3.org/TR/html4/strict.dtd">',
            '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" '
            '"http://www.w3.org/TR/html4/strict.dtd">',
        ),
    ],
)
def test_tree_building_rules(source: str, html: str) -> None:
    doc = parse_html(source)
    check_invariants(doc)
    assert to_html(doc) == html


def test_bytes_and_encodings() -> None:
    page = '<meta charset="iso-8859-1"><p>café</p>'
    assert parse_html(page.encode("latin-1")).select_one("p").text_content == "café"  # type: ignore[union-attr]
    assert parse_html("<p>café</p>".encode("utf-8-sig")).text_content == "café"
    assert parse_html("<p>café</p>".encode("utf-16")).text_content == "café"
    assert parse_html(b"<p>caf\xe9</p>").text_content == "caf\ufffd"  # not UTF-8: replaced
    assert parse_html(b'<meta charset="nonsense"><p>x</p>').text_content == "x"
    with pytest.raises(TypeError, match="reads str or bytes"):
        parse_html(3)  # type: ignore[arg-type]


# -------------------------------------------------------------- parse_xml --


def test_a_real_looking_feed() -> None:
    doc = parse_xml((DATA / "feed.xml").read_bytes())
    check_invariants(doc)
    kinds = [type(c).__name__ for c in doc.children]
    assert kinds == ["ProcessingInstruction", "Comment", "Element"]
    feed = doc.root_element
    assert feed is not None and feed.tag == "feed" and feed.get("xml:lang") == "en"
    assert feed.get("xmlns:media") == "http://search.yahoo.com/mrss/"
    assert [t.text_content for t in doc.select("entry > title")] == [
        "Pruning & grafting apple trees",
        "Plums — a primer",
    ]
    content = doc.select_one("content[type=html]")
    assert content is not None
    assert content.text_content == "<p>Winter is the time to <em>prune</em> &amp; shape.</p>"
    assert doc.select_one("media\\:thumbnail").get("width") == "120"  # type: ignore[union-attr]
    assert doc.select_one("summary").text_content.endswith("<light> cuts in summer.")  # type: ignore[union-attr]
    again = parse_xml(to_xml(doc, declaration=True))
    assert same_dom(doc, again)


def test_xhtml_with_a_public_doctype_and_html_entities() -> None:
    doc = parse_xml((DATA / "page.xhtml").read_text(encoding="utf-8"), keep_whitespace=False)
    assert doc.doctype is not None and doc.doctype.public_id == "-//W3C//DTD XHTML 1.0 Strict//EN"
    assert doc.select_one("title").text_content == "Orchard\xa0notes"  # type: ignore[union-attr]
    assert doc.get_element_by_id("title").text_content == "Orchard notes © 2024"  # type: ignore[union-attr]
    assert [li.text_content for li in doc.select("#list > li")] == ["Apple", "Pear", "Plum"]
    assert doc.select_one("li.fav:not(:first-child)").text_content == "Pear"  # type: ignore[union-attr]
    assert same_dom(doc, parse_xml(to_xml(doc)))


def test_xml_encodings_and_types() -> None:
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>'
    assert parse_xml(latin.encode("latin-1")).text_content == "é"
    assert parse_xml(latin).text_content == "é"  # a str is a str, whatever it declares
    assert parse_xml("<a>é</a>".encode("utf-16")).text_content == "é"
    assert parse_xml(bytearray(b"<a>x</a>")).text_content == "x"
    with pytest.raises(TypeError, match="reads str or bytes"):
        parse_xml(["<a/>"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("<a><b></a>", "mismatched tag", 1, 9),
        ("<a>\n  <b x='1' x='2'/></a>", "duplicate attribute", 2, 12),
        ("", "no element found", 1, 1),
        ("<a></a><b/>", "junk after document element", 1, 8),
        ("<a>&undefined;</a>", "undefined entity", 1, 4),
        ("<a>\n\n  <b>text</a", "unclosed token", 3, 10),
        ("<a\x01/>", "not well-formed (invalid token)", 1, 3),
    ],
)
def test_malformed_xml_says_where(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(FormatError) as info:
        parse_xml(text)
    assert str(info.value) == f"invalid XML at line {line}, column {column}: {message}"
    assert (info.value.line, info.value.column) == (line, column)


# ------------------------------------------------------------ hostile input --

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            BILLION_LAUGHS,
            r"line 3, .*an entity declaration \(<!ENTITY lol \.\.\.>\).*billion laughs",
        ),
        (
            '<!DOCTYPE a [<!ENTITY big "' + "x" * 100_000 + '">]><a>' + "&big;" * 1000 + "</a>",
            "an entity declaration",
        ),
        ('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>', r"<!ENTITY x .*XXE"),
        (
            '<!DOCTYPE a [<!ENTITY x SYSTEM "http://evil.example/x">]><a>&x;</a>',
            "an entity declaration",
        ),
        (
            '<!DOCTYPE a [<!ENTITY % p SYSTEM "http://evil.example/p.dtd"> %p;]><a/>',
            r"parameter entity declaration \(<!ENTITY % p",
        ),
        (
            '<!DOCTYPE a [<!NOTATION n SYSTEM "n"><!ENTITY u SYSTEM "u.bin" NDATA n>]><a/>',
            "unparsed entity declaration",
        ),
        (
            '<!DOCTYPE a SYSTEM "http://evil.example/a.dtd"><a>&secret;</a>',
            "undefined entity &secret;",
        ),
    ],
)
def test_entity_attacks_fail_fast(text: str, message: str) -> None:
    start = time.perf_counter()
    with pytest.raises(FormatError, match=message) as info:
        parse_xml(text)
    assert time.perf_counter() - start < 2.0
    assert str(info.value).startswith("refused XML at line")
    assert info.value.line is not None and info.value.column is not None


def test_dtd_attribute_defaults_are_refused_before_they_multiply() -> None:
    default = "A" * 100_000
    text = '<!DOCTYPE r [<!ATTLIST f a CDATA "' + default + '">]><r>' + "<f/>" * 1_000 + "</r>"
    with pytest.raises(
        FormatError, match=r"an attribute default \(<!ATTLIST f a \.\.\. \"A{20}…\""
    ) as info:
        parse_xml(text)  # expat would copy 100 KB into each of 1,000 elements: 100 MB
    assert (info.value.line, info.value.column) == (1, 34)  # where the default begins
    with pytest.raises(FormatError, match="an attribute default"):
        parse_xml('<!DOCTYPE r [<!ATTLIST r a CDATA #FIXED "v">]><r/>')
    declared = parse_xml('<!DOCTYPE r [<!ATTLIST r a CDATA #IMPLIED b ID #REQUIRED>]><r b="x"/>')
    assert declared.root_element.attributes == {"b": "x"}  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<!DOCTYPE p SYSTEM "p.dtd"><p t="&nbsp;&amp;&hellip;">&copy;&#65;</p>', ("\xa0&…", "©A")),
        ('<!DOCTYPE p PUBLIC "-//x//EN" "p.dtd"><p t="&nbsp;">&nbsp;</p>', ("\xa0", "\xa0")),
        (b'<!DOCTYPE p SYSTEM "p.dtd"><p t="&NotEqualTilde;">x</p>', ("≂̸", "x")),
        ('<!DOCTYPE p SYSTEM "p.dtd"><p t="&nbsp;">&copy;</p>'.encode("utf-16"), ("\xa0", "©")),
        ("<p t='&lt;&#160;'>&amp;</p>", ("<\xa0", "&")),
        ('<!DOCTYPE p><p t="&nbsp;"/>', "undefined entity"),
        ("<p>&nbsp;</p>", "undefined entity"),
        (
            '<?xml version="1.0" standalone="yes"?><!DOCTYPE p SYSTEM "p.dtd"><p>&nbsp;</p>',
            "undefined entity",
        ),
        (
            '<!DOCTYPE p SYSTEM "p.dtd"><p>&nosuch;</p>',
            "refused XML at line 1, column 31: undefined entity &nosuch;",
        ),
        ('<!DOCTYPE p SYSTEM "p.dtd"><p t="&nosuch;"/>', "undefined entity in an attribute value"),
    ],
)
def test_html_entity_names_in_xml_need_an_external_doctype(
    text: str | bytes, expected: Any
) -> None:
    if isinstance(expected, str):
        with pytest.raises(FormatError, match=re.escape(expected)):
            parse_xml(text)
        return
    p = parse_xml(text).root_element
    assert p is not None
    assert (p.attributes["t"], p.text_content) == expected


def test_defused_parsers_never_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the parser tried to fetch a DTD")

    monkeypatch.setattr(urllib.request, "urlopen", forbidden)
    doc = parse_xml('<!DOCTYPE a SYSTEM "http://evil.example/a.dtd"><a>&nbsp;</a>')
    assert doc.text_content == "\xa0"


@pytest.mark.parametrize("kind", ["html", "xml"])
def test_deep_nesting_beyond_the_limit(kind: str) -> None:
    text = "<div>" * 100_000 + "</div>" * 100_000
    parse = parse_html if kind == "html" else parse_xml
    with pytest.raises(
        LimitError, match=r"line 1, column 5001: elements nested deeper than max_depth=1,000"
    ) as info:
        parse(text)
    assert info.value.line == 1
    doc = parse(text, limits=UNLIMITED)  # iterative all the way: no RecursionError
    assert doc.height == 100_000
    out = to_html(doc) if kind == "html" else to_xml(doc)
    assert out.count("<div>") == 100_000 - (kind == "xml")
    assert len(doc.select("div > div")) == 99_999
    assert doc.select_one("div:empty").depth == 100_000  # type: ignore[union-attr]
    check_invariants(doc)


@pytest.mark.parametrize("kind", ["html", "xml"])
def test_other_limits(kind: str) -> None:
    parse = parse_html if kind == "html" else parse_xml
    many = "<a " + " ".join(f'x{i}="1"' for i in range(100_000)) + "/>"
    with pytest.raises(
        LimitError, match="<a> has 100,000 attributes, more than max_attributes=1,000"
    ):
        parse(many)
    assert len(parse(many, limits=UNLIMITED).select_one("a").attributes) == 100_000  # type: ignore[union-attr]
    wide = "<r>" + "<b/>" * 5_000 + "</r>"
    with pytest.raises(LimitError, match="more nodes than max_nodes=1,000"):
        parse(wide, limits=Limits(max_nodes=1_000))
    with pytest.raises(LimitError, match=f"{len(wide):,} long, over max_bytes=100"):
        parse(wide, limits=Limits(max_bytes=100))
    with pytest.raises(LimitError, match="over max_bytes=100"):
        parse(wide.encode(), limits=Limits(max_bytes=100))
    with pytest.raises(TypeError, match="limits must be a Limits"):
        parse(wide, limits=None)  # type: ignore[arg-type]


markup = st.text(alphabet="<>/=\"'!-?&;# abpdivtrlsc\n[]", max_size=80)


@given(markup)
def test_any_markup_parses_as_html(text: str) -> None:
    doc = parse_html(text)
    check_invariants(doc)
    again = parse_html(to_html(doc))
    assert to_html(again) == to_html(doc)


@given(markup)
def test_any_markup_is_xml_or_a_clear_error(text: str) -> None:
    try:
        doc = parse_xml(text)
    except FormatError as e:
        assert e.line is not None and e.column is not None
    else:
        assert same_dom(doc, parse_xml(to_xml(doc)))


# ---------------------------------------------------------------- select --

PAGE = """
<div id="main" class="box wide" lang="en-GB">
  <h1 id="t">Title</h1>
  <p id="p1" class="intro lead">One <a id="a1" href="https://x.org/a.pdf" rel="nofollow">a</a></p>
  <p id="p2">Two <span id="s1"><a id="a2" href="/local">b</a></span></p>
  <ul id="u"><li id="l1">x</li><li id="l2" class="on">y</li><li id="l3"></li></ul>
  <input id="i1" type="text" disabled><input id="i2" type="TEXT">
</div>
<p id="p3" data-x="a-b">Three</p>
"""


@pytest.fixture(scope="module")
def page() -> Document:
    return parse_html(PAGE)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("p", ["p1", "p2", "p3"]),
        ("*", ["main", "t", "p1", "a1", "p2", "s1", "a2", "u", "l1", "l2", "l3", "i1", "i2", "p3"]),
        ("#p2", ["p2"]),
        (".intro", ["p1"]),
        (".intro.lead", ["p1"]),
        (".box.missing", []),
        ("div p", ["p1", "p2"]),
        ("div > p", ["p1", "p2"]),
        ("div > a", []),
        ("div a", ["a1", "a2"]),
        ("p > a", ["a1"]),
        ("p a", ["a1", "a2"]),
        ("h1 + p", ["p1"]),
        ("h1 ~ p", ["p1", "p2"]),
        ("li + li", ["l2", "l3"]),
        ("li ~ li.on", ["l2"]),
        ("div ~ p, h1", ["t", "p3"]),
        ("[href]", ["a1", "a2"]),
        ("[href^=https]", ["a1"]),
        ("[href$='.pdf']", ["a1"]),
        ('[href*="local"]', ["a2"]),
        ("[class~=lead]", ["p1"]),
        ("[lang|=en]", ["main"]),
        ("[data-x|=a]", ["p3"]),
        ("[type=text]", ["i1"]),
        ("[type=text i]", ["i1", "i2"]),
        ("input[disabled]", ["i1"]),
        ("li:first-child", ["l1"]),
        ("li:last-child", ["l3"]),
        ("ul :only-child, a:only-child", ["a1", "a2"]),
        ("li:empty", ["l3"]),
        (":root", ["main", "p3"]),
        ("p:not(.intro)", ["p2", "p3"]),
        ("li:not(:first-child):not(.on)", ["l3"]),
        ("div  >  p   >   a , #u>li.on", ["a1", "l2"]),
        ("p > span > a, p a", ["a1", "a2"]),
    ],
)
def test_select(page: Document, selector: str, expected: list[str]) -> None:
    assert ids(page.select(selector)) == expected
    first = page.select_one(selector)
    assert (first.id if first else None) == (expected[0] if expected else None)
    for element in page.select("*"):
        assert element.matches(selector) == (element.id in expected), element


def test_select_scope_is_like_query_selector_all(page: Document) -> None:
    main = page.get_element_by_id("main")
    assert main is not None
    assert ids(main.select("div p")) == ["p1", "p2"]  # the div is the scope itself
    assert ids(main.select("p")) == ["p1", "p2"]
    span = page.get_element_by_id("s1")
    assert span is not None and ids(span.select("p a")) == ["a2"]
    assert span.select("span") == []  # only descendants
    detached = Element("div", {"class": "x"}, children=[Element("p")])
    assert len(detached.select(".x p")) == 1 and detached.matches(":root")


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ("", "at column 1: unexpected end"),
        ("div >", "at column 6: nothing after '>'"),
        ("a,", "at column 3: nothing after ','"),
        ("p:hover", "at column 2: unsupported pseudo-class ':hover'"),
        ("p::before", "pseudo-elements"),
        ("[href", "at column 6: expected ']'"),
        ("[=x]", "expected an attribute name"),
        ("#", "expected an id after '#'"),
        ("div)", "at column 4: unexpected ')'"),
        ("p:not(a b)", "expected ')'"),
        (":not(" * 40 + "p" + ")" * 40, "nested more than 16 deep"),
    ],
)
def test_bad_selectors(page: Document, selector: str, message: str) -> None:
    with pytest.raises(FormatError, match=re.escape(message)):
        page.select(selector)


def test_selector_escapes_and_wide_documents() -> None:
    doc = parse_xml('<r><a:b x="1"/><c.d/><e id="1x"/></r>')
    assert [e.tag for e in doc.select("a\\:b, c\\.d")] == ["a:b", "c.d"]
    assert doc.select_one("#1x") is not None and doc.select_one("#\\31 x") is not None
    wide = parse_html("<ul>" + "<li>x" * 20_000 + "</ul>")
    assert len(wide.select("ul > li + li")) == 19_999
    assert wide.select_one("li:last-child") is wide.select("li")[-1]


# ------------------------------------------------------------ serialising --


def test_html_output_escapes() -> None:
    p = Element(
        "p",
        {"title": "<\"a\" & 'b'>", "data-x": "\xa0"},
        children=["1 < 2 & 3 > 2\xa0", Element("br"), Element("script", children=["if (a<b) {}"])],
    )
    assert to_html(p) == (
        '<p title="&lt;&quot;a&quot; &amp; \'b\'&gt;" data-x="&nbsp;">1 &lt; 2 &amp; 3 &gt; '
        "2&nbsp;<br><script>if (a<b) {}</script></p>"
    )
    assert same_dom(p, parse_html(to_html(p)).select_one("p"))  # type: ignore[arg-type]


def test_xml_output_escapes() -> None:
    a = Element(
        "a",
        {"t": 'x"<&>\t\n\r'},
        children=["<&>]]>\r", Comment(" c "), ProcessingInstruction("pi", "d")],
    )
    text = to_xml(a)
    assert (
        text
        == '<a t="x&quot;&lt;&amp;>&#9;&#10;&#13;">&lt;&amp;&gt;]]&gt;&#13;<!-- c --><?pi d?></a>'
    )
    assert same_dom(a, parse_xml(text).root_element)  # type: ignore[arg-type]
    assert to_xml(Element("e")) == "<e/>"
    assert to_xml(Document(), declaration=True) == '<?xml version="1.0" encoding="utf-8"?>\n'
    doctype = DocumentType("html", "-//W3C//DTD XHTML 1.0 Strict//EN", "x.dtd")
    assert to_xml(doctype) == '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd">'
    assert to_xml(DocumentType("a", None, "a.dtd")) == '<!DOCTYPE a SYSTEM "a.dtd">'


@pytest.mark.parametrize(
    ("node", "html", "message"),
    [
        (Element("br", children=["x"]), True, "<br> is a void element and cannot have children"),
        (Element("script", children=["a</script>b"]), True, "contains '</script'"),
        (Element("style", children=["a</STYLE>b"]), True, "contains '</STYLE', which would end"),
        (Element("script", children=["<!--<script>"]), True, "escape open, so its end tag"),
        (Element("script", children=["a</scr", "ipt>"]), True, "contains '</script'"),
        (Element("title", children=[Element("b")]), True, "a <title> holds only text in HTML"),
        (Element("style", children=[Comment("c")]), True, "a <style> holds only text"),
        (Element("div", children=[Element("plaintext"), "x"]), True, "everything after <plain"),
        (Comment("a-->b"), True, "a comment that contains '-->' or '--!>'"),
        (Comment("a--!>b"), True, "a comment that contains '-->' or '--!>'"),
        (Comment(">a"), True, "(or starts with '>' or '->') would end early"),
        (Comment("->a"), True, "(or starts with '>' or '->') would end early"),
        (Comment("a--b"), False, "cannot contain '--'"),
        (Comment("a-"), False, "or end with '-'"),
        (Element("a b"), True, "'a b' is not a valid HTML tag name"),
        (Element("1a"), False, "'1a' is not a valid XML tag name"),
        (Element("a", {"@click": "f()"}), False, "'@click' is not a valid XML attribute name"),
        (Element("a", children=["\x00"]), False, "XML cannot hold the character '\\x00'"),
        (ProcessingInstruction("t", "a?>b"), False, "cannot contain '?>'"),
    ],
)
def test_unwritable_trees(node: DomNode, html: bool, message: str) -> None:
    with pytest.raises(FormatError, match=re.escape(message)):
        to_html(node) if html else to_xml(node)


def test_writers_refuse_other_nodes() -> None:
    with pytest.raises(TypeError, match="writes DOM nodes"):
        to_html(Node("x"))


# ------------------------------------------------------------- id index --


def test_get_element_by_id_follows_changes() -> None:
    doc = parse_html('<div id="a"><p id="b">x</p></div><section id="s"></section>')
    b, s = doc.get_element_by_id("b"), doc.get_element_by_id("s")
    assert b is not None and s is not None
    assert doc.get_element_by_id("") is None and doc.get_element_by_id("zz") is None
    b.move_to(s)
    assert doc.get_element_by_id("b") is b and b.parent is s
    b.detach()
    assert doc.get_element_by_id("b") is None
    s.append(b)
    assert doc.get_element_by_id("b") is b
    b.id = "renamed"
    assert doc.get_element_by_id("b") is None and doc.get_element_by_id("renamed") is b
    b.attributes.update({"id": "u"})
    assert doc.get_element_by_id("u") is b
    b.attributes = {"id": "v"}
    assert doc.get_element_by_id("v") is b
    del b.attributes["id"]
    b.attributes.setdefault("id", "w")
    assert doc.get_element_by_id("v") is None and doc.get_element_by_id("w") is b
    b.attributes |= {"id": "x"}
    assert doc.get_element_by_id("x") is b
    subtree = Element("div", children=[Element("i", {"id": "deep"})])
    assert doc.get_element_by_id("deep") is None
    s.append(subtree)
    assert doc.get_element_by_id("deep") is subtree.children[0]
    s.children = []
    assert doc.get_element_by_id("deep") is None and doc.get_element_by_id("x") is None
    Element("em", {"id": "built"}, parent=doc.get_element_by_id("a"))
    assert doc.get_element_by_id("built") is not None


def test_get_element_by_id_between_documents() -> None:
    one = parse_html('<div id="home"><p id="x">1</p></div>')
    two = parse_html('<div id="away"></div>')
    x = one.get_element_by_id("x")
    assert x is not None and two.get_element_by_id("x") is None
    x.move_to(two.get_element_by_id("away"))  # type: ignore[arg-type]
    assert one.get_element_by_id("x") is None and two.get_element_by_id("x") is x


def test_duplicate_ids_give_the_first_in_document_order() -> None:
    doc = parse_html('<p id="d">1</p><p id="d">2</p>')
    first, second = doc.select("p")
    assert doc.get_element_by_id("d") is first
    doc.root_element.insert_before(second)  # type: ignore[union-attr]
    assert doc.get_element_by_id("d") is second
    second.id = "other"
    assert doc.get_element_by_id("d") is first


def test_the_id_index_is_weak_and_stays_small() -> None:
    gc.collect()
    gc.disable()
    try:
        doc = parse_html('<div id="keep"></div>')
        keep = doc.get_element_by_id("keep")
        assert keep is not None
        for i in range(5_000):
            keep.append(Element("b", {"id": f"n{i}"})).detach()  # attached, then dropped
        for i in range(2_000):
            keep.id = f"name{i}"
        index = __import__("boughs._domids", fromlist=["INDEXES"]).INDEXES[doc]
        assert len(index.entries) < 300
        probe = keep.append(Element("b", {"id": "probe"}))
        alive = weakref.ref(probe)
        assert doc.get_element_by_id("probe") is probe
        keep.remove(probe)
        del probe
        assert alive() is None  # the index held it weakly
        assert doc.get_element_by_id("probe") is None
        assert doc.get_element_by_id("name1999") is keep
    finally:
        gc.enable()


def test_documents_are_freed_without_the_cycle_collector() -> None:
    gc.collect()
    gc.disable()
    try:
        doc = parse_html((DATA / "blog.html").read_bytes())
        assert doc.get_element_by_id("post-42") is not None
        doc.select("p a")
        kept = doc.get_element_by_id("comments")
        alive = weakref.ref(doc)
        del doc
        assert alive() is None  # one element held does not pin the page
        assert kept is not None and kept.parent is None and kept.parent_collected
        assert kept.collected_parent_label == '<main id="content">'
        del kept
        xml = parse_xml((DATA / "feed.xml").read_bytes())
        alive = weakref.ref(xml)
        del xml
        assert alive() is None
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_the_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    runpy.run_path(str(Path(__file__).parent.parent / "examples" / "dom.py"), run_name="__main__")
    out = capsys.readouterr().out
    for fact in (
        "sorted by price: ['p-gloves', 'p-secateurs', 'p-saw', 'p-loppers']",
        "p-loppers -> None",
        "parse_html(to_html(doc)) writes the same: True",
        "page freed the moment it was dropped: True; the cycle collector found 0",
        "⟂ parent collected (was '<table id=\"products\">')",
        "a billion laughs, refused in",
    ):
        assert fact in out, fact


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_xml, "<a><b></a>"),
        (parse_xml, BILLION_LAUGHS),
        (parse_xml, "<a>" * 2_000),
        (parse_html, "<div>" * 2_000),
    ],
)
def test_refused_input_leaves_nothing_behind(parse: Any, text: str) -> None:
    gc.collect()
    gc.disable()
    try:
        with pytest.raises(FormatError):
            parse(text)
        assert gc.collect() == 0  # no half-built tree, no parser cycle left for the collector
    finally:
        gc.enable()
