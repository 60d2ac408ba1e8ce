"""The weak id index behind `boughs.dom.Document.get_element_by_id`.

Private to boughs. One `IdIndex` per document that has been asked for an id,
kept in a `weakref.WeakKeyDictionary` outside the document (so copies and
pickles of a document never carry a stale index; they build their own on
first use). Elements call in from their hooks: `IdIndex.add_subtree` when a
subtree arrives in the document, `id_changed` when an ``id`` attribute is set.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from boughs import traversal

if TYPE_CHECKING:
    from boughs._domnodes import Document, Element
    from boughs.node import BaseNode

__all__ = ["INDEXES", "IdIndex", "id_changed"]


class IdIndex:
    """id -> weak references to the elements that had that id when they were seen.

    It may hold stale references (an element moved out, renamed or dead);
    `find` checks each candidate, and a sweep drops the stale ones whenever
    the references have doubled since the last sweep, so the index stays
    proportional to the document at amortised O(depth) per addition. It never
    misses one: hooks add every element that arrives, or gets an id, while
    the index exists.
    """

    __slots__ = ("document", "entries", "references", "swept")

    def __init__(self, document: Document) -> None:
        self.document = weakref.ref(document)
        self.entries: dict[str, list[weakref.ref[Element]]] = {}
        self.references = 0
        self.swept = 0

    def add(self, element: Element, key: str) -> None:
        refs = self.entries.get(key)
        if refs is None:
            self.entries[key] = [weakref.ref(element)]
        elif not any(r() is element for r in refs):
            refs.append(weakref.ref(element))
        else:
            return
        self.references += 1
        if self.references > 2 * self.swept + 64:
            self.sweep()

    def add_subtree(self, top: BaseNode) -> None:
        for node in traversal.preorder(top):
            found = getattr(node, "_attributes", None)  # elements have them, other DOM nodes not
            if found:
                key = found.get("id")
                if key:
                    self.add(node, key)  # type: ignore[arg-type]

    def current(self, key: str) -> list[Element]:
        """The elements in the document whose id is ``key`` (and forget the others)."""
        document = self.document()
        refs = self.entries.get(key)
        if document is None or not refs:
            return []
        found = [
            e
            for r in refs
            if (e := r()) is not None and e.get("id") == key and document.is_ancestor_of(e)
        ]
        if len(found) != len(refs):
            self.references -= len(refs) - len(found)
            if found:
                self.entries[key] = [weakref.ref(e) for e in found]
            else:
                del self.entries[key]
        return found

    def sweep(self) -> None:
        """Drop every stale reference. O(references x depth)."""
        for key in list(self.entries):
            self.current(key)
        self.swept = self.references

    def find(self, key: str) -> Element | None:
        found = self.current(key)
        if len(found) <= 1:
            return found[0] if found else None
        return min(found, key=lambda e: [n.index for n in e.path[1:]])


INDEXES: weakref.WeakKeyDictionary[Document, IdIndex] = weakref.WeakKeyDictionary()
"""The id index of each document that has had `get_element_by_id` called on it."""


def id_changed(element: Element) -> None:
    """Hook: ``element`` has a new ``id``; tell its document's index, if there is one."""
    if INDEXES:
        key = element.get("id")
        document = element.document if key else None
        if document is not None:
            index = INDEXES.get(document)
            if index is not None:
                index.add(element, key)  # type: ignore[arg-type]
