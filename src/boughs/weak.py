"""`WeakRef`: a reusable descriptor for back-references that never own.

A back-reference (``parent``, ``owner``, ``document`` ...) points *up* an
ownership chain. Held strongly it closes a reference cycle, which only the
cyclic garbage collector can free; held weakly it lets reference counting
free the owner the moment nothing else needs it.

Examples:
    >>> import weakref
    >>> class Owner:
    ...     pass
    >>> class Part:
    ...     owner = WeakRef()
    >>> o, p = Owner(), Part()
    >>> p.owner = o
    >>> p.owner is o
    True
    >>> del o
    >>> p.owner is None, Part.owner.collected(p)
    (True, True)
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable
from typing import Any, Generic, NoReturn, TypeVar, overload

__all__ = ["WeakRef"]

T = TypeVar("T")

_WEAKREF_FIX = (
    "store an object that supports weak references: an instance of an ordinary class, "
    "or of a slotted class with '__weakref__' in its __slots__ (builtins such as list, dict, "
    "int and str cannot be weakly referenced; wrap them in a small class)"
)


def _has_instance_dict(cls: type) -> bool:
    return cls.__dictoffset__ != 0 or any(
        "__dict__" in getattr(k, "__slots__", ()) for k in cls.__mro__
    )


class WeakRef(Generic[T]):
    """A data descriptor that stores a weak reference to its value.

    Reading the attribute returns the referent, or ``None`` once it has been
    garbage-collected (or was never set). Assigning ``None`` or deleting the
    attribute clears it. Reading it on the class returns the descriptor, whose
    `collected` method tells a collected referent from an unset one.

    Storage: a class with an instance ``__dict__`` stores the reference there
    under ``_<attr>_ref``; a slotted class must declare that slot (or the one
    named by ``slot=``), otherwise a `TypeError` names the slot to add.

    Args:
        slot: the name of the slot (or dict key) that holds the reference;
            defaults to ``"_<attr>_ref"``.

    Examples:
        >>> class Leaf:
        ...     __slots__ = ("__weakref__", "_owner_ref")
        ...     owner = WeakRef()
        >>> Leaf().owner is None
        True

    Complexity: O(1) for every operation.
    """

    __slots__ = ("_get", "_set", "name", "owner", "slot")

    _get: Callable[[object], weakref.ref[Any] | None]
    _set: Callable[[object, weakref.ref[Any] | None], None]

    def __init__(self, *, slot: str | None = None) -> None:
        if slot is not None and (not isinstance(slot, str) or not slot.isidentifier()):
            raise TypeError(f"WeakRef(slot={slot!r}): the slot must be an identifier string")
        self.slot = slot
        self.name = "<unbound>"
        self.owner: type | None = None
        self._get, self._set = _failing(
            "a WeakRef() must be assigned in a class body, so that Python calls its "
            "__set_name__; assigning it to a class later leaves it without storage"
        )

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = owner
        slot = self.slot if self.slot is not None else f"_{name}_ref"
        self.slot = slot
        member = owner.__dict__.get(slot)
        if member is None:
            for klass in owner.__mro__[1:]:
                member = klass.__dict__.get(slot)
                if member is not None:
                    break
        if member is not None and hasattr(member, "__set__") and hasattr(member, "__get__"):
            getter = member.__get__
            setter = member.__set__

            def get(instance: object) -> Any:
                try:
                    return getter(instance)
                except AttributeError:
                    return None

            self._get = get
            self._set = setter
        elif _has_instance_dict(owner):

            def get_from_dict(instance: object) -> Any:
                return getattr(instance, slot, None)

            def set_in_dict(instance: object, value: Any) -> None:
                object.__setattr__(instance, slot, value)

            self._get = get_from_dict
            self._set = set_in_dict
        else:
            message = (
                f"{owner.__qualname__}.{name} = WeakRef() needs a place to store the reference: "
                f"add {slot!r} to {owner.__qualname__}.__slots__ (or pass WeakRef(slot=...) "
                "naming a slot the class declares)"
            )
            if sys.version_info >= (3, 12):
                raise TypeError(message)
            # Before 3.12, type() wraps errors from __set_name__ in RuntimeError:
            # report the TypeError at first use instead.
            self._get, self._set = _failing(message)

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> WeakRef[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T | None: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> WeakRef[T] | T | None:
        if instance is None:
            return self
        ref = self._get(instance)
        return None if ref is None else ref()

    def __set__(self, instance: object, value: T | None) -> None:
        if value is None:
            self._set(instance, None)
            return
        try:
            ref = weakref.ref(value)
        except TypeError:
            raise TypeError(
                f"{type(instance).__qualname__}.{self.name} cannot hold a weak reference to "
                f"{type(value).__qualname__} object {_short_repr(value)}: {_WEAKREF_FIX}"
            ) from None
        self._set(instance, ref)

    def __delete__(self, instance: object) -> None:
        self._set(instance, None)

    def collected(self, instance: object) -> bool:
        """Tell whether the attribute was set and its referent has since died.

        Args:
            instance: the object whose attribute is asked about.

        Returns:
            ``True`` iff a value was assigned (and not cleared) and that value
            has been garbage-collected.

        Examples:
            >>> class Part:
            ...     owner = WeakRef()
            >>> Part.owner.collected(Part())
            False

        Complexity: O(1).
        """
        ref = self._get(instance)
        return ref is not None and ref() is None

    def __repr__(self) -> str:
        where = f"{self.owner.__qualname__}.{self.name}" if self.owner else "unbound"
        return f"<WeakRef {where} slot={self.slot!r}>"


def _failing(message: str) -> tuple[Callable[[object], Any], Callable[[object, Any], None]]:
    """Accessors for a descriptor that has no storage: both raise ``TypeError(message)``."""

    def get(instance: object) -> NoReturn:
        raise TypeError(message)

    def set_(instance: object, value: Any) -> NoReturn:
        raise TypeError(message)

    return get, set_


def _short_repr(value: object, limit: int = 60) -> str:
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type(value).__qualname__} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
