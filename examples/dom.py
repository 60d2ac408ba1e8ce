"""A web page as a boughs tree: parse it, query it, move parts of it, draw it, write it.

`boughs.dom` parses HTML with the standard library's tokenizer and the
browsers' tree-building rules (implied end tags, void elements), and XML
safely (entity declarations refused). Every element owns its children and
borrows its parent through a weak reference. This script:

1. parses a realistic shop page whose markup, like most, leaves ``<li>``,
   ``<p>``, ``<td>`` and ``<tr>`` unclosed, and draws the part that matters;
2. queries it with CSS selectors and ``get_element_by_id``;
3. rearranges it: sorts the products by price, moves the sale banner into
   the main column, replaces the out-of-stock row, removes the tracking
   script, and shows that the id index followed every move;
4. writes the result back as HTML, and a fragment as XML;
5. keeps one element, drops the page, and shows that the rest was freed at
   once (with the cyclic garbage collector off) while the kept element knows
   which parent it lost;
6. shows that hostile XML (billion laughs) fails fast with a clear error.

Run it with ``python examples/dom.py``; it takes about a second.
"""

from __future__ import annotations

import gc
import time
import weakref

from rich.console import Console
from rich.rule import Rule

from boughs import FormatError, render
from boughs.dom import DomNode, Element, parse_html, parse_xml, to_html, to_xml

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Orchard Supplies &mdash; Pruning tools</title>
  <link rel="stylesheet" href="/css/shop.css">
  <script src="https://tracker.example/t.js" id="tracker"></script>
</head>
<body>
  <nav id="menu"><ul>
    <li><a href="/">Home</a>
    <li class="current"><a href="/tools/">Tools</a>
    <li><a href="/books/">Books</a>
  </ul></nav>
  <aside id="sidebar">
    <div class="banner sale" id="sale"><p>Winter sale: <strong>20% off</strong> saws</div>
    <p>Need advice? <a href="/advice/">Ask us</a>
  </aside>
  <main id="content">
    <h1>Pruning tools</h1>
    <p class="lead">Everything for the winter prune &amp; the summer trim.
    <table id="products">
      <tr><th>Tool<th>Price<th>Stock
      <tr class="item" id="p-saw"><td>Pruning saw<td data-price="24.50">&euro;24.50<td>12
      <tr class="item" id="p-secateurs"><td>Secateurs<td data-price="18.00">&euro;18.00<td>40
      <tr class="item out" id="p-loppers"><td>Loppers<td data-price="39.90">&euro;39.90<td>0
      <tr class="item" id="p-gloves"><td>Gloves<td data-price="9.95">&euro;9.95<td>85
    </table>
    <p>Prices include VAT.<br>Free delivery over &euro;50.
  </main>
  <footer><p>&copy; 2024 Orchard Supplies</footer>
</body>
</html>
"""


def one(scope: DomNode, selector: str) -> Element:
    """The first element matching ``selector``; the page is known to have it."""
    found = scope.select_one(selector)
    assert found is not None, selector
    return found


def main() -> None:
    console = Console(highlight=False)
    say = console.print
    started = time.perf_counter()

    say(Rule("1. Parse a real-looking page"))
    doc = parse_html(PAGE, keep_whitespace=False)
    nodes = sum(1 for _ in doc.walk())
    say(f"{len(PAGE):,} characters -> {nodes} nodes. The products table, two levels deep:")
    products = one(doc, "#products")
    say(render(products, max_depth=2, max_children=3))

    say(Rule("2. Query it"))
    say(f"title: {one(doc, 'title').text_content!r}")
    say(f"menu: {[a.text_content for a in doc.select('#menu li > a')]}")
    say(f"current section: {one(doc, '#menu li.current a').get('href')}")
    prices = {
        row.id: float(one(row, "td[data-price]").get("data-price") or 0)
        for row in doc.select("tr.item")
    }
    say(f"prices: {prices}")
    say(f"out of stock: {[row.id for row in doc.select('tr.item.out')]}")
    say(f"external scripts: {[e.get('src') for e in doc.select('script[src^=https]')]}")

    say(Rule("3. Rearrange it"))
    header, *rows = products.child_elements
    rows.sort(key=lambda row: prices[row.id])  # cheapest first
    products.children = [header, *rows]  # one atomic change
    say(f"sorted by price: {[row.id for row in products.select('tr.item')]}")

    sale = one(doc, "#sale")
    sale.move_to(one(doc, "main"), 1)  # out of the sidebar, under the heading
    say(f"sale banner moved under {sale.parent!r} at index {sale.index}")

    notice = Element("tr", {"class": "notice", "id": "restock"})
    notice.append(Element("td", {"colspan": "3"}, children=["Loppers are back in March."]))
    loppers = doc.get_element_by_id("p-loppers")
    assert loppers is not None
    loppers.replace_with(notice)
    gone, new = doc.get_element_by_id("p-loppers"), doc.get_element_by_id("restock")
    say(f"get_element_by_id after replace_with: p-loppers -> {gone!r}, restock -> {new!r}")
    one(doc, "#tracker").detach()
    say(f"tracker removed: get_element_by_id -> {doc.get_element_by_id('tracker')!r}")
    say(render(one(doc, "main"), max_depth=1))

    say(Rule("4. Write it out"))
    html = to_html(doc)
    say(f"HTML: {len(html):,} characters: {html[:58]!r}...")
    say(f"parse_html(to_html(doc)) writes the same: {to_html(parse_html(html)) == html}")
    say(f"the banner as XML: {to_xml(sale)}")

    say(Rule("5. Weak parents: keep one element, drop the page"))
    kept = notice
    del header, rows, sale, loppers, notice, new, products
    gc.collect()
    gc.disable()  # only reference counting from here on
    try:
        page = weakref.ref(doc)
        del doc
        freed = page() is None
        found = gc.collect()
    finally:
        gc.enable()
    say(f"page freed the moment it was dropped: {freed}; the cycle collector found {found}")
    say(f"the kept row: parent {kept.parent!r}, parent_collected {kept.parent_collected},")
    say(f"and it remembers which parent it lost: {kept.collected_parent_label!r}")
    say(render(kept))

    say(Rule("6. Hostile XML fails fast"))
    levels = "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<!DOCTYPE b [<!ENTITY a0 "aaaaaaaaaa">{levels}]><b>&a9;</b>'
    tick = time.perf_counter()
    try:
        parse_xml(bomb)
    except FormatError as error:
        took = 1000 * (time.perf_counter() - tick)
        say(f"a billion laughs, refused in {took:.2f} ms: {str(error)[:90]}...")

    say(Rule())
    say(f"done in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
