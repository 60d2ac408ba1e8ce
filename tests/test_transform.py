"""Tests for boughs.transform: composition, inverse, decomposition, shear, validation."""

from __future__ import annotations

import copy
import math
import pickle
import random
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from boughs.quaternion import Quaternion
from boughs.transform import Transform

HALF_PI = math.pi / 2
Vec = tuple[float, float, float]
QUARTER_Z = Quaternion.from_axis_angle((0, 0, 1), HALF_PI)

# -- strategies -----------------------------------------------------------------


def finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


coordinates = finite(-100.0, 100.0)
vectors = st.tuples(coordinates, coordinates, coordinates)
unit_interval = finite(-1.0, 1.0)
rotations = st.one_of(
    st.tuples(unit_interval, unit_interval, unit_interval, unit_interval)
    .filter(lambda c: math.hypot(*c) > 0.1)
    .map(lambda c: Quaternion(*c).normalized()),
    # half-turns (w == 0) take the other branches of Shepperd's method
    st.sampled_from([Quaternion(0, 1, 0, 0), Quaternion(0, 0, 1, 0), Quaternion(0, 1, 1, 1)]),
)
magnitudes = finite(0.1, 10.0)
signs = st.sampled_from((1.0, -1.0))
signed_magnitudes = st.tuples(signs, magnitudes).map(lambda p: p[0] * p[1])
# any scale, including reflections on one or two axes
scales = st.tuples(signed_magnitudes, signed_magnitudes, signed_magnitudes)
# the scales that decomposition gives back unchanged: all positive, or all negative
canonical_scales = st.tuples(signs, magnitudes, magnitudes, magnitudes).map(
    lambda p: (p[0] * p[1], p[0] * p[2], p[0] * p[3])
)
uniform_scales = signed_magnitudes.map(lambda s: (s, s, s))

transforms = st.builds(Transform, vectors, rotations, scales)
uniform_transforms = st.builds(Transform, vectors, rotations, uniform_scales)
# general affine transforms, with shear: products of TRS transforms
affine_transforms = st.one_of(transforms, st.builds(lambda a, b: a @ b, transforms, transforms))

IDENTITY = Transform.identity()


def close(a: tuple[float, ...], b: tuple[float, ...], tol: float = 1e-9) -> bool:
    return len(a) == len(b) and all(
        math.isclose(x, y, rel_tol=1e-9, abs_tol=tol) for x, y in zip(a, b, strict=True)
    )


# -- known values ---------------------------------------------------------------


def test_identity_and_defaults() -> None:
    assert Transform() == IDENTITY
    assert IDENTITY.translation == (0.0, 0.0, 0.0)
    assert IDENTITY.rotation == Quaternion()
    assert IDENTITY.scale == (1.0, 1.0, 1.0)
    assert IDENTITY.matrix == ((1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1))
    assert IDENTITY.apply_to_point((1.5, 2.0, -3.0)) == (1.5, 2.0, -3.0)


def test_trs_order_scale_then_rotate_then_translate() -> None:
    t = Transform(translation=(1, 0, 0), rotation=QUARTER_Z, scale=2)
    assert close(t.apply_to_point((1, 0, 0)), (1, 2, 0))
    assert close(t.apply_to_vector((1, 0, 0)), (0, 2, 0))
    assert close(t.apply_to_point((0, 0, 1)), (1, 0, 2))
    m = t.matrix
    assert close(m[0], (0, -2, 0, 1)) and close(m[1], (2, 0, 0, 0)) and close(m[2], (0, 0, 2, 0))


def test_quarter_turn_about_z_maps_x_to_y() -> None:
    spin = Transform(rotation=QUARTER_Z)
    assert close(spin.apply_to_point((1, 0, 0)), (0, 1, 0))
    assert close(spin.apply_to_point((0, 1, 0)), (-1, 0, 0))
    assert close((spin @ spin).apply_to_point((1, 0, 0)), (-1, 0, 0))


def test_composition_applies_the_right_operand_first() -> None:
    move = Transform(translation=(10, 0, 0))
    spin = Transform(rotation=QUARTER_Z)
    assert close((move @ spin).apply_to_point((1, 0, 0)), (10, 1, 0))
    assert close((spin @ move).apply_to_point((1, 0, 0)), (0, 11, 0))


def test_euler_rotation_in_a_transform() -> None:
    t = Transform(rotation=Quaternion.from_euler(HALF_PI, 0.0, HALF_PI))
    assert close(t.apply_to_vector((1, 0, 0)), (0, 0, 1))


def test_accepts_lists_ints_fractions_and_quaternion_tuples() -> None:
    a = Transform([1, 2, 3], [1, 0, 0, 0], [Fraction(1, 2), 1, 1])  # type: ignore[list-item]
    assert a == Transform((1.0, 2.0, 3.0), Quaternion(), (0.5, 1.0, 1.0))
    assert Transform(scale=3).scale == (3.0, 3.0, 3.0)
    quarter = Transform(scale=Fraction(1, 4))  # type: ignore[arg-type]
    assert quarter.scale == (0.25, 0.25, 0.25)
    assert Transform(rotation=(2, 0, 0, 0)).rotation == Quaternion()  # normalised
    assert a.apply_to_point([1, 1, 1]) == (1.5, 3.0, 4.0)


# -- composition and inverse ----------------------------------------------------


@given(affine_transforms, affine_transforms, affine_transforms)
def test_composition_is_associative(a: Transform, b: Transform, c: Transform) -> None:
    assert ((a @ b) @ c).isclose(a @ (b @ c), rel_tol=1e-9, abs_tol=1e-6)


@given(affine_transforms, affine_transforms, vectors)
def test_composition_matches_successive_application(a: Transform, b: Transform, p: Vec) -> None:
    assert close((a @ b).apply_to_point(p), a.apply_to_point(b.apply_to_point(p)), tol=1e-6)
    assert close((a @ b).apply_to_vector(p), a.apply_to_vector(b.apply_to_vector(p)), tol=1e-6)


@given(affine_transforms)
def test_inverse(t: Transform) -> None:
    assert (t @ t.inverse()).isclose(IDENTITY, abs_tol=1e-9)
    assert (t.inverse() @ t).isclose(IDENTITY, abs_tol=1e-9)
    assert t.inverse().inverse().isclose(t, rel_tol=1e-9, abs_tol=1e-9)


@given(affine_transforms, vectors)
def test_inverse_undoes_points(t: Transform, p: Vec) -> None:
    assert close(t.inverse().apply_to_point(t.apply_to_point(p)), p, tol=1e-7)


@given(transforms)
def test_identity_is_neutral(t: Transform) -> None:
    assert IDENTITY @ t == t
    assert t @ IDENTITY == t


@given(affine_transforms, vectors, vectors)
def test_points_and_vectors(t: Transform, p: Vec, q: Vec) -> None:
    moved = t.apply_to_point(p)
    assert close(
        moved, tuple(v + o for v, o in zip(t.apply_to_vector(p), t.translation, strict=True))
    )
    # a vector is the difference of two points: translation cancels
    difference = tuple(a - b for a, b in zip(t.apply_to_point(p), t.apply_to_point(q), strict=True))
    assert close(
        difference, t.apply_to_vector(tuple(a - b for a, b in zip(p, q, strict=True))), tol=1e-7
    )


def test_singular_transforms() -> None:
    flat = Transform(translation=(1, 2, 3), scale=(1, 0, 1))
    assert flat.scale == (1.0, 0.0, 1.0)  # given components are kept
    assert flat.apply_to_point((5, 5, 5)) == (6.0, 2.0, 8.0)
    with pytest.raises(ValueError, match=r"is singular .*no inverse"):
        flat.inverse()
    composed = Transform(translation=(1, 0, 0)) @ flat
    assert not composed.is_trs
    with pytest.raises(ValueError, match="is singular"):
        composed.rotation
    with pytest.raises(ValueError, match="is singular"):
        composed.without_shear()


# -- decomposition --------------------------------------------------------------


@given(vectors, rotations, canonical_scales)
def test_decomposition_round_trip(t: Vec, r: Quaternion, s: Vec) -> None:
    original = Transform(t, r, s)
    back = Transform.from_matrix(original.matrix)
    assert back == original  # the same matrix, exactly
    assert back.translation == original.translation
    assert close(back.scale, s, tol=1e-12)
    assert back.rotation.angle_to(r) < 1e-9
    assert back.rotation.w >= 0.0


@given(vectors, rotations, scales)
def test_reflections_decompose_to_negative_scale_on_all_axes(t: Vec, r: Quaternion, s: Vec) -> None:
    original = Transform(t, r, s)
    back = Transform.from_matrix(original.matrix)
    mirrored = s[0] * s[1] * s[2] < 0
    assert all((v < 0) == mirrored for v in back.scale)
    assert close(tuple(map(abs, back.scale)), tuple(map(abs, s)), tol=1e-12)
    assert Transform(back.translation, back.rotation, back.scale).isclose(original, abs_tol=1e-9)


def test_mirror_on_one_axis() -> None:
    mirror = Transform(scale=(1, -1, 1))
    assert mirror.scale == (1.0, -1.0, 1.0)  # as given
    back = Transform.from_matrix(mirror.matrix)
    assert back.scale == (-1.0, -1.0, -1.0)  # Godot's convention
    assert back.rotation.angle_to(Quaternion(0, 0, 1, 0)) < 1e-12  # a half-turn about y
    assert back == mirror
    uniform = Transform(scale=-2) @ Transform(rotation=QUARTER_Z)
    assert close(uniform.scale, (-2, -2, -2))
    assert uniform.rotation.angle_to(QUARTER_Z) < 1e-12


@given(uniform_transforms, uniform_transforms)
def test_uniform_scales_compose_without_shear(a: Transform, b: Transform) -> None:
    product = a @ b
    assert product.is_trs
    expected = a.scale[0] * b.scale[0]
    assert close(product.scale, (expected,) * 3, tol=1e-9)
    # a uniform mirror stays a negative uniform scale, so rotations compose as they are
    assert product.rotation.angle_to(a.rotation * b.rotation) < 1e-6


def test_long_chains_stay_decomposable() -> None:
    rng = random.Random(5)
    world = IDENTITY
    for _ in range(10_000):
        axis = (rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1))
        rotation = Quaternion.from_axis_angle(axis, rng.uniform(-math.pi, math.pi))
        translation = (rng.uniform(-1, 1), 0.0, 1.0)
        world = world @ Transform(translation, rotation, rng.choice((0.5, 1.0, 2.0)))
    assert world.is_trs  # rounding stays far below the shear tolerance


def test_non_uniform_scale_then_rotation_makes_shear() -> None:
    spin = Quaternion.from_axis_angle((0, 0, 1), 0.5)
    sheared = Transform(scale=(1, 2, 1)) @ Transform(translation=(1, 1, 1), rotation=spin)
    assert not sheared.is_trs
    for attribute in ("rotation", "scale"):
        with pytest.raises(
            ValueError, match=r"has shear \(two of its axes are 32.3 degrees off perpendicular\)"
        ):
            getattr(sheared, attribute)
    with pytest.raises(ValueError, match=r"without_shear\(\)"):
        sheared.with_rotation(Quaternion())
    with pytest.raises(ValueError, match="has shear"):
        sheared.with_scale(1)
    # everything that does not need rotation and scale still works
    assert (sheared @ sheared.inverse()).isclose(IDENTITY)
    assert sheared.translation == (1.0, 2.0, 1.0)
    moved = sheared.with_translation((0, 0, 0))
    assert not moved.is_trs
    assert moved.translation == (0.0, 0.0, 0.0)
    # diag(1, 2, 1) · R = R · (R^T diag(1, 2, 1) R): the polar rotation factor is R itself
    nearest = sheared.without_shear()
    assert nearest.is_trs
    assert nearest.rotation.angle_to(spin) < 1e-12
    assert nearest.translation == sheared.translation
    c, s = math.cos(0.5), math.sin(0.5)
    assert close(nearest.scale, (c * c + 2 * s * s, s * s + 2 * c * c, 1.0), tol=1e-12)
    # the rotation of a parent's pose with uniform scale and no shear has no shear
    assert (Transform(scale=3) @ Transform(rotation=spin)).without_shear().is_trs


@given(transforms)
def test_without_shear_keeps_trs_transforms(t: Transform) -> None:
    assert t.without_shear() is t


@given(transforms, transforms)
def test_without_shear_is_a_close_trs(a: Transform, b: Transform) -> None:
    product = a @ b
    nearest = product.without_shear()
    if product.is_trs:  # no shear beyond ORTHOGONALITY_TOLERANCE
        assert nearest is product
        return
    assert nearest.is_trs
    assert nearest.translation == product.translation
    # polar decomposition L = R · P with P symmetric and R · diag(P) the TRS part
    linear = [row[:3] for row in product.matrix[:3]]
    rotation = nearest.rotation.to_matrix()
    stretch = [
        [sum(rotation[k][i] * linear[k][j] for k in range(3)) for j in range(3)] for i in range(3)
    ]
    size = max(abs(v) for row in linear for v in row)
    sign = math.copysign(1.0, nearest.scale[0])
    for i in range(3):
        assert math.isclose(stretch[i][i], nearest.scale[i], abs_tol=1e-9 * size)
        assert sign * stretch[i][i] > 0
        for j in range(i):
            assert math.isclose(stretch[i][j], stretch[j][i], abs_tol=1e-9 * size)


def test_from_matrix_general_affine() -> None:
    shear = ((1, 0.5, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1))
    with pytest.raises(ValueError, match=r"has shear .* pass require_trs=False"):
        Transform.from_matrix(shear)
    t = Transform.from_matrix(shear, require_trs=False)
    assert t.matrix == shear
    assert not t.is_trs
    assert t.apply_to_point((0, 2, 0)) == (1.0, 2.0, 0.0)
    assert repr(t).startswith("Transform.from_matrix(((1, 0.5, 0, 0), (0, 1, 0, 0)")
    flat = ((1, 0, 0, 0), (0, 0, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1))
    with pytest.raises(ValueError, match="is singular"):
        Transform.from_matrix(flat)
    assert Transform.from_matrix(flat, require_trs=False).apply_to_point((1, 1, 1)) == (1, 0, 1)


def test_from_matrix_tolerates_float32_rounding() -> None:
    t = Transform((1, 2, 3), Quaternion.from_euler(0.4, 1.0, -2.0), (1, 2, 3))
    rounded = [[float(f"{v:.7g}") for v in row] for row in t.matrix]
    back = Transform.from_matrix(rounded)
    assert back.rotation.angle_to(t.rotation) < 1e-6
    assert close(back.scale, t.scale, tol=1e-6)


# -- value semantics ------------------------------------------------------------


@given(transforms)
def test_equal_by_matrix(t: Transform) -> None:
    assert t == Transform(t.translation, t.rotation, t.scale)
    assert t == Transform(t.translation, -t.rotation, t.scale)  # q and -q: one rotation
    assert hash(t) == hash(Transform(t.translation, -t.rotation, t.scale))
    assert t == Transform.from_matrix(t.matrix, require_trs=False)
    assert len({t, Transform.from_matrix(t.matrix)}) == 1


def test_equality_with_other_types() -> None:
    assert Transform() != IDENTITY.matrix
    assert Transform() != "Transform()"
    assert Transform(translation=(1, 0, 0)) != Transform()


def test_immutable_and_slotted() -> None:
    t = Transform(translation=(1, 2, 3))
    for attribute in ("translation", "rotation", "scale", "matrix", "is_trs"):
        with pytest.raises(AttributeError):
            setattr(t, attribute, None)
    with pytest.raises(AttributeError):
        t.__dict__
    assert t.matrix is t.matrix  # cached


def test_copy_and_pickle_keep_the_given_components() -> None:
    mirror = Transform(translation=(1, 2, 3), scale=(1, -1, 1))
    assert copy.copy(mirror) is mirror
    assert copy.deepcopy(mirror) is mirror
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(mirror, protocol))
        assert back == mirror
        assert back.scale == (1.0, -1.0, 1.0)
    sheared = (
        Transform(scale=(1, 2, 1))
        @ Transform(rotation=QUARTER_Z.normalized())
        @ Transform(rotation=Quaternion.from_axis_angle((1, 1, 0), 0.3))
    )
    assert pickle.loads(pickle.dumps(sheared)) == sheared


def test_repr() -> None:
    assert repr(Transform()) == "Transform()"
    assert repr(Transform(translation=(1, 2.5, -3))) == "Transform(translation=(1, 2.5, -3))"
    assert repr(Transform(scale=2)) == "Transform(scale=(2, 2, 2))"
    assert repr(Transform(rotation=QUARTER_Z)) == "Transform(rotation=(0.707107, 0, 0, 0.707107))"
    t = Transform(translation=(1, 2, 3), rotation=(0, 0, 1, 0), scale=(1, 2, 3))
    assert eval(repr(t)) == t  # exact for short values


def test_with_helpers() -> None:
    t = Transform(translation=(1, 2, 3), rotation=QUARTER_Z, scale=(1, 2, 3))
    assert t.with_translation((0, 0, 0)) == Transform(rotation=QUARTER_Z, scale=(1, 2, 3))
    assert t.with_rotation(Quaternion()) == Transform(translation=(1, 2, 3), scale=(1, 2, 3))
    assert t.with_scale(1) == Transform(translation=(1, 2, 3), rotation=QUARTER_Z)
    assert t.with_scale((1, -1, 1)).scale == (1.0, -1.0, 1.0)


@given(affine_transforms, vectors)
def test_with_translation_changes_only_the_translation(t: Transform, v: Vec) -> None:
    moved = t.with_translation(v)
    assert moved.translation == v
    assert moved.matrix[0][:3] == t.matrix[0][:3]
    assert moved.is_trs == t.is_trs


def test_isclose() -> None:
    t = Transform(translation=(1, 2, 3))
    assert t.isclose(Transform(translation=(1, 2, 3 + 1e-12)))
    assert not t.isclose(Transform(translation=(1, 2, 3.001)))
    assert t.isclose(Transform(translation=(1, 2, 3.001)), abs_tol=0.01)


# -- errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"translation": (1, 2)}, ValueError, r"translation must be 3 numbers \(x, y, z\), got 2"),
        ({"translation": (1, 2, 3, 4)}, ValueError, "translation must be 3 numbers"),
        ({"translation": 5}, TypeError, r"translation must be 3 numbers \(x, y, z\), got 5"),
        ({"translation": "abc"}, TypeError, "translation must be 3 numbers"),
        ({"translation": (1, "2", 3)}, TypeError, r"translation\[1\] must be a real number"),
        ({"translation": (1, math.nan, 3)}, ValueError, r"translation\[1\] must be finite"),
        ({"translation": (True, 0, 0)}, TypeError, r"translation\[0\] must be a real number"),
        ({"rotation": (0, 0, 0, 0)}, ValueError, "rotation must be a non-zero quaternion"),
        ({"rotation": Quaternion(0, 0, 0, 0)}, ValueError, "non-zero quaternion"),
        ({"rotation": (1, 0, 0)}, ValueError, r"rotation must be 4 numbers \(w, x, y, z\)"),
        ({"rotation": None}, TypeError, "rotation must be 4 numbers"),
        ({"rotation": (1, 0, 0, math.inf)}, ValueError, r"rotation\[3\] must be finite"),
        ({"scale": (1, math.inf, 1)}, ValueError, r"scale\[1\] must be finite"),
        ({"scale": math.nan}, ValueError, "scale must be finite"),
        ({"scale": True}, TypeError, "scale must be 3 numbers"),
        ({"scale": (1, 1)}, ValueError, "scale must be 3 numbers"),
    ],
)
def test_bad_constructor_arguments(kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        Transform(**kwargs)


@pytest.mark.parametrize(
    ("matrix", "error", "match"),
    [
        ((), ValueError, "matrix must have 4 rows, got 0"),
        (None, TypeError, "matrix must be 4 rows of 4 numbers"),
        (((1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0)), ValueError, r"matrix\[0\] must be 4"),
        (((1, 0, 0, 0),) * 3 + ((0, 0, 1, 1),), ValueError, r"last row .* \(0, 0, 0, 1\)"),
        (((1, 0, 0, math.nan),) + ((0, 0, 0, 1),) * 3, ValueError, r"matrix\[0\]\[3\] must be"),
    ],
)
def test_from_matrix_rejects(matrix: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        Transform.from_matrix(matrix)  # type: ignore[arg-type]


def test_bad_operands() -> None:
    t = Transform()
    with pytest.raises(TypeError):
        t @ t.matrix  # type: ignore[operator]
    with pytest.raises(TypeError, match="can only compare a Transform"):
        t.isclose(t.matrix)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"point must be 3 numbers \(x, y, z\), got 2"):
        t.apply_to_point((1, 2))
    with pytest.raises(TypeError, match=r"point\[0\] must be a real number"):
        t.apply_to_point(("a", 1, 2))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"vector\[2\] must be finite"):
        t.apply_to_vector((1.0, 2.0, math.inf))
    with pytest.raises(ValueError, match="translation must be 3 numbers"):
        t.with_translation((1, 2))


@given(transforms)
def test_apply_fast_path_agrees_with_validated_path(t: Transform) -> None:
    assume(t.is_trs)
    assert t.apply_to_point((1.0, 2.0, 3.0)) == t.apply_to_point([1, 2, 3])
    assert t.apply_to_vector((1.0, 2.0, 3.0)) == t.apply_to_vector([1, 2, 3])
