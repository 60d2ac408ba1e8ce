"""How fast boughs reads and writes markup and JSON, next to the standard library.

Workloads (built in memory, no downloads):

* ``html``: ``tests/data/blog.html``'s body repeated to about ``--megabytes``
  (default 1) of HTML; `boughs.dom.parse_html` against the bare
  `html.parser.HTMLParser` tokenizer it is built on (which builds nothing),
  then `boughs.dom.to_html` and a `select`.
* ``xml``: the same tree written with `to_xml`; `boughs.dom.parse_xml`
  against `xml.etree.ElementTree.fromstring` (expat too, no safety checks).
* ``json``: a 100,000-node tree (ten children per node, two attributes each);
  `to_json` / `from_json` against `json.dumps` / `json.loads` of the
  equivalent nested dicts (which build no tree), and the 100,000-deep chain
  through `to_json` / `from_json`, which `json` cannot do at all.

Method: every measurement is the best of ``--repeats`` (default 5) runs after
one warm-up, with the cyclic GC enabled as in normal use. The best, not the
median, because the machine is shared: the minimum is the least disturbed
run. Ratios compare runs made in the same process, minutes apart at most.

Run: ``python benchmarks/dom_formats_speed.py [--megabytes 1] [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from boughs import Limits, Node
from boughs.dom import parse_html, parse_xml, to_html, to_xml
from boughs.formats import from_json, to_dict, to_json

ROOT = Path(__file__).resolve().parent.parent
UNLIMITED = Limits.unlimited()


def best(function: Callable[[], Any], repeats: int) -> float:
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def page(megabytes: float) -> str:
    text = (ROOT / "tests" / "data" / "blog.html").read_text(encoding="utf-8")
    head, _, rest = text.partition("<body")
    body = "<body" + rest.split("</body>")[0] + "</body>"
    inner = body[body.index(">") + 1 : -len("</body>")]
    copies = max(1, int(megabytes * 1_000_000 / len(inner)))
    return head + "<body>" + inner * copies + "</body></html>"


def report(name: str, seconds: float, size: int, nodes: int, base: float | None = None) -> None:
    ratio = f"  ({seconds / base:.1f}x the baseline)" if base else ""
    print(
        f"  {name:<34} {seconds * 1000:9.1f} ms  {size / seconds / 1e6:6.2f} MB/s  "
        f"{nodes / seconds:11,.0f} nodes/s{ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    repeats = args.repeats

    html = page(args.megabytes)
    doc = parse_html(html, limits=UNLIMITED)
    nodes = sum(1 for _ in doc.walk())
    print(f"HTML: {len(html):,} characters, {nodes:,} nodes")

    def tokenize() -> None:
        tokenizer = HTMLParser()
        tokenizer.feed(html)
        tokenizer.close()

    base = best(tokenize, repeats)
    report("html.parser tokenizer (baseline)", base, len(html), nodes)
    report(
        "parse_html",
        best(lambda: parse_html(html, limits=UNLIMITED), repeats),
        len(html),
        nodes,
        base,
    )
    report("to_html", best(lambda: to_html(doc), repeats), len(html), nodes)
    selected = len(doc.select("article p > a[href], td + td"))
    report(
        f"select (found {selected:,})",
        best(lambda: doc.select("article p > a[href], td + td"), repeats),
        len(html),
        nodes,
    )

    xml = to_xml(doc)
    print(f"XML: {len(xml):,} characters")
    base = best(lambda: ET.fromstring(xml), repeats)
    report("ElementTree.fromstring (baseline)", base, len(xml), nodes)
    report(
        "parse_xml", best(lambda: parse_xml(xml, limits=UNLIMITED), repeats), len(xml), nodes, base
    )
    report("to_xml", best(lambda: to_xml(doc), repeats), len(xml), nodes)

    root = Node("root")
    level = [root]
    count = 1
    while count < 100_000:
        following = []
        for parent in level:
            for i in range(10):
                following.append(parent.append(Node(f"n{count}", size=count, tags=["a", i])))
                count += 1
        level = following
    data = to_dict(root)
    text = to_json(root)
    print(f"JSON: {len(text):,} characters, {count:,} nodes")
    base = best(lambda: json.dumps(data), repeats)
    report("json.dumps of the dicts (baseline)", base, len(text), count)
    report("to_json", best(lambda: to_json(root), repeats), len(text), count, base)
    base = best(lambda: json.loads(text), repeats)
    report("json.loads to dicts (baseline)", base, len(text), count)
    report(
        "from_json",
        best(lambda: from_json(text, limits=UNLIMITED), repeats),
        len(text),
        count,
        base,
    )

    chain = top = Node(0)
    for i in range(1, 100_000):
        top = top.append(Node(i))
    deep = to_json(chain)
    print(f"JSON chain 100,000 deep: {len(deep):,} characters (json.dumps/loads: RecursionError)")
    report("to_json", best(lambda: to_json(chain), repeats), len(deep), 100_000)
    report(
        "from_json", best(lambda: from_json(deep, limits=UNLIMITED), repeats), len(deep), 100_000
    )


if __name__ == "__main__":
    main()
