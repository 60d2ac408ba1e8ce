"""Tests for `boughs.weak`: the `WeakRef` descriptor."""

from __future__ import annotations

import gc
import sys
import weakref

import pytest

from boughs import WeakRef


class Target:
    """Something that can be weakly referenced."""


class SlottedTarget:
    __slots__ = ("__weakref__",)


class NoWeakref:
    __slots__ = ("x",)


class DictPart:
    owner = WeakRef()


class SlottedPart:
    __slots__ = ("_owner_ref",)
    owner = WeakRef()


class CustomSlotPart:
    __slots__ = ("_o",)
    owner = WeakRef(slot="_o")


class DictCustomKeyPart:
    owner = WeakRef(slot="_the_owner")


ALL_PARTS = [DictPart, SlottedPart, CustomSlotPart, DictCustomKeyPart]


# ------------------------------------------------------------ basic use --


@pytest.mark.parametrize("cls", ALL_PARTS)
def test_unset_reads_none_and_is_not_collected(cls: type) -> None:
    part = cls()
    assert part.owner is None
    assert cls.owner.collected(part) is False


@pytest.mark.parametrize("cls", ALL_PARTS)
def test_set_get_and_collect(cls: type) -> None:
    part = cls()
    target = Target()
    part.owner = target
    assert part.owner is target
    assert cls.owner.collected(part) is False
    del target
    assert part.owner is None
    assert cls.owner.collected(part) is True


@pytest.mark.parametrize("cls", ALL_PARTS)
def test_the_reference_is_weak(cls: type) -> None:
    part = cls()
    target = Target()
    probe = weakref.ref(target)
    part.owner = target
    del target
    assert probe() is None  # freed by refcounting: the descriptor owned nothing


@pytest.mark.parametrize("cls", ALL_PARTS)
def test_freed_with_gc_disabled(cls: type) -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        part = cls()
        target = Target()
        part.owner = target
        del target
        assert part.owner is None
        assert cls.owner.collected(part)
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize("cls", ALL_PARTS)
def test_none_clears(cls: type) -> None:
    part = cls()
    target = Target()
    part.owner = target
    part.owner = None
    assert part.owner is None
    del target
    assert cls.owner.collected(part) is False  # cleared, not collected


@pytest.mark.parametrize("cls", ALL_PARTS)
def test_del_clears(cls: type) -> None:
    part = cls()
    target = Target()
    part.owner = target
    del part.owner
    assert part.owner is None
    del target
    assert cls.owner.collected(part) is False
    del part.owner  # deleting an unset attribute is fine too
    assert part.owner is None


@pytest.mark.parametrize("cls", ALL_PARTS)
def test_reassign_after_collection_resets_collected(cls: type) -> None:
    part = cls()
    part.owner = Target()  # dies at once
    assert cls.owner.collected(part)
    target = Target()
    part.owner = target
    assert part.owner is target
    assert not cls.owner.collected(part)


def test_slotted_targets_with_weakref_slot_work() -> None:
    part = SlottedPart()
    target = SlottedTarget()
    part.owner = target
    assert part.owner is target


def test_class_access_returns_the_descriptor() -> None:
    for cls in ALL_PARTS:
        descriptor = cls.__dict__["owner"]
        assert cls.owner is descriptor
        assert isinstance(cls.owner, WeakRef)


def test_repr_names_the_owner_and_slot() -> None:
    text = repr(CustomSlotPart.owner)
    assert "CustomSlotPart.owner" in text
    assert "_o" in text


# -------------------------------------------------------------- storage --


def test_dict_storage_uses_the_instance_dict() -> None:
    part = DictPart()
    target = Target()
    part.owner = target
    stored = part.__dict__["_owner_ref"]
    assert type(stored) is weakref.ref
    assert stored() is target


def test_dict_storage_with_custom_key() -> None:
    part = DictCustomKeyPart()
    target = Target()
    part.owner = target
    assert part.__dict__["_the_owner"]() is target


def test_slot_storage_uses_the_default_slot() -> None:
    part = SlottedPart()
    target = Target()
    part.owner = target
    assert part._owner_ref() is target  # type: ignore[attr-defined]
    assert not hasattr(part, "__dict__")


def test_slot_storage_uses_the_named_slot() -> None:
    part = CustomSlotPart()
    target = Target()
    part.owner = target
    assert part._o() is target  # type: ignore[attr-defined]


def test_two_descriptors_on_one_class_are_independent() -> None:
    class Both:
        __slots__ = ("_a_ref", "_b_ref")
        a = WeakRef()
        b = WeakRef()

    one, two = Target(), Target()
    both = Both()
    both.a = one
    both.b = two
    assert both.a is one
    assert both.b is two
    del one
    assert both.a is None
    assert both.b is two
    assert Both.a.collected(both)
    assert not Both.b.collected(both)


# ---------------------------------------------------------- subclasses --


def test_subclass_of_dict_class() -> None:
    class Sub(DictPart):
        pass

    part = Sub()
    target = Target()
    part.owner = target
    assert part.owner is target
    assert Sub.owner is DictPart.owner


def test_slotted_subclass_of_slotted_class_inherits_the_slot() -> None:
    class Sub(SlottedPart):
        __slots__ = ("extra",)

    part = Sub()
    target = Target()
    part.owner = target
    assert part.owner is target
    del target
    assert Sub.owner.collected(part)


def test_subclass_redeclaring_the_descriptor_finds_the_inherited_slot() -> None:
    class Sub(SlottedPart):
        __slots__ = ()
        owner = WeakRef()

    part = Sub()
    target = Target()
    part.owner = target
    assert part.owner is target
    assert part._owner_ref() is target  # type: ignore[attr-defined]


def test_dict_subclass_of_slotted_class_uses_the_slot() -> None:
    class Sub(SlottedPart):
        pass  # gains a __dict__

    part = Sub()
    target = Target()
    part.owner = target
    assert part.owner is target
    assert "_owner_ref" not in part.__dict__


def test_class_with_dict_in_slots_uses_the_dict() -> None:
    class Mixed:
        __slots__ = ("__dict__",)
        owner = WeakRef()

    part = Mixed()
    target = Target()
    part.owner = target
    assert part.owner is target
    assert part.__dict__["_owner_ref"]() is target


# --------------------------------------------------------------- errors --


def _missing_slot_class() -> type:
    class Broken:
        __slots__ = ("something_else",)
        owner = WeakRef()

    return Broken


def test_missing_slot_is_a_type_error_naming_the_slot() -> None:
    # On Python >= 3.12 the error comes at class creation; older versions wrap
    # errors raised in __set_name__ in RuntimeError, so it comes at first use.
    if sys.version_info >= (3, 12):
        with pytest.raises(TypeError, match="_owner_ref") as info:
            _missing_slot_class()
    else:
        broken = _missing_slot_class()
        with pytest.raises(TypeError, match="_owner_ref") as info:
            broken().owner = Target()
        with pytest.raises(TypeError, match="_owner_ref"):
            _ = broken().owner
        with pytest.raises(TypeError, match="_owner_ref"):
            broken.owner.collected(broken())
    assert "__slots__" in str(info.value)


def test_missing_named_slot_is_a_type_error_naming_it() -> None:
    def make() -> type:
        class Broken:
            __slots__ = ("_owner_ref",)
            owner = WeakRef(slot="_elsewhere")

        return Broken

    if sys.version_info >= (3, 12):
        with pytest.raises(TypeError, match="_elsewhere"):
            make()
    else:
        with pytest.raises(TypeError, match="_elsewhere"):
            make()().owner = Target()


@pytest.mark.parametrize("slot", ["", "not an identifier", "1x", 3])
def test_bad_slot_argument(slot: object) -> None:
    with pytest.raises(TypeError, match="slot"):
        WeakRef(slot=slot)  # type: ignore[arg-type]


def test_descriptor_not_bound_by_set_name_says_so() -> None:
    class Late:
        pass

    Late.owner = WeakRef()  # type: ignore[attr-defined]  # no __set_name__ call
    with pytest.raises(TypeError, match="class body"):
        Late().owner = Target()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        ([1, 2], "list"),
        ({"a": 1}, "dict"),
        (3, "int"),
        ("text", "str"),
        ((1,), "tuple"),
        (NoWeakref(), "NoWeakref"),
    ],
)
@pytest.mark.parametrize("cls", ALL_PARTS)
def test_unweakrefable_value_is_a_type_error(cls: type, value: object, type_name: str) -> None:
    part = cls()
    keep = Target()
    part.owner = keep
    with pytest.raises(TypeError) as info:
        part.owner = value
    message = str(info.value)
    assert type_name in message
    assert "__weakref__" in message  # the fix
    assert f"{cls.__qualname__}.owner" in message
    assert part.owner is keep  # a failed assignment changes nothing
    assert info.value.__cause__ is None


def test_unweakrefable_value_with_broken_repr_still_reports() -> None:
    class Ugly:
        __slots__ = ()

        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    part = DictPart()
    with pytest.raises(TypeError, match="Ugly"):
        part.owner = Ugly()


def test_long_value_repr_is_shortened() -> None:
    part = DictPart()
    with pytest.raises(TypeError) as info:
        part.owner = list(range(1000))
    assert len(str(info.value)) < 500


def test_collected_on_a_fresh_instance_of_each_storage() -> None:
    for cls in ALL_PARTS:
        assert cls.owner.collected(cls()) is False
