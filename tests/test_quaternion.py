"""Tests for boughs.quaternion: known rotations, three.js Euler parity, properties."""

from __future__ import annotations

import copy
import math
import pickle
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boughs.quaternion import Quaternion

HALF_PI = math.pi / 2
Vec = tuple[float, float, float]
Matrix = tuple[tuple[float, ...], ...]

# -- strategies -----------------------------------------------------------------

angles = st.floats(-2 * math.pi, 2 * math.pi, allow_nan=False, allow_infinity=False)
unit_interval = st.floats(-1.0, 1.0, allow_nan=False, allow_infinity=False)
vectors = st.tuples(*[st.floats(-100.0, 100.0, allow_nan=False, allow_infinity=False)] * 3)
# Half-turns have w == 0 and a trace of -1: they exercise Shepperd's x, y and z branches.
half_turns = st.sampled_from(
    [
        Quaternion(0, 1, 0, 0),
        Quaternion(0, 0, 1, 0),
        Quaternion(0, 0, 0, 1),
        Quaternion(0, 1, 1, 0).normalized(),
        Quaternion(0, 1, -2, 3).normalized(),
    ]
)
unit_quaternions = st.one_of(
    st.tuples(unit_interval, unit_interval, unit_interval, unit_interval)
    .filter(lambda c: math.hypot(*c) > 0.1)
    .map(lambda c: Quaternion(*c).normalized()),
    half_turns,
)


# -- helpers --------------------------------------------------------------------


def close(a: tuple[float, ...], b: tuple[float, ...], tol: float = 1e-9) -> bool:
    return len(a) == len(b) and all(
        math.isclose(x, y, abs_tol=tol) for x, y in zip(a, b, strict=True)
    )


def matmul3(a: Matrix, b: Matrix) -> Matrix:
    return tuple(
        tuple(sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)) for i in range(3)
    )


def matvec3(m: Matrix, v: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(sum(m[i][k] * v[k] for k in range(3)) for i in range(3))


def flat(m: Matrix) -> tuple[float, ...]:
    return tuple(x for row in m for x in row)


def three_js_euler(x: float, y: float, z: float, order: str) -> Quaternion:
    """Quaternion.setFromEuler of three.js, transcribed as the reference."""
    c1, c2, c3 = math.cos(x / 2), math.cos(y / 2), math.cos(z / 2)
    s1, s2, s3 = math.sin(x / 2), math.sin(y / 2), math.sin(z / 2)
    # signs of the second terms of (x, y, z, w), per order
    signs = {
        "XYZ": (1, -1, 1, -1),
        "YXZ": (1, -1, -1, 1),
        "ZXY": (-1, 1, 1, -1),
        "ZYX": (-1, 1, -1, 1),
        "YZX": (1, 1, -1, -1),
        "XZY": (-1, -1, 1, 1),
    }[order]
    qx = s1 * c2 * c3 + signs[0] * c1 * s2 * s3
    qy = c1 * s2 * c3 + signs[1] * s1 * c2 * s3
    qz = c1 * c2 * s3 + signs[2] * s1 * s2 * c3
    qw = c1 * c2 * c3 + signs[3] * s1 * s2 * s3
    return Quaternion(qw, qx, qy, qz)


# -- known values ---------------------------------------------------------------


def test_identity() -> None:
    assert tuple(Quaternion()) == (1.0, 0.0, 0.0, 0.0)
    assert Quaternion.identity() == Quaternion()
    assert Quaternion().rotate((1.0, 2.0, 3.0)) == (1.0, 2.0, 3.0)


@pytest.mark.parametrize(
    ("axis", "vector", "expected"),
    [
        ((0, 0, 1), (1, 0, 0), (0, 1, 0)),  # right-handed: x -> y about z
        ((0, 0, 1), (0, 1, 0), (-1, 0, 0)),
        ((1, 0, 0), (0, 1, 0), (0, 0, 1)),  # y -> z about x
        ((0, 1, 0), (0, 0, 1), (1, 0, 0)),  # z -> x about y
        ((0, 0, 5), (1, 0, 0), (0, 1, 0)),  # the axis need not be unit
    ],
)
def test_quarter_turns_are_right_handed(axis: Vec, vector: Vec, expected: Vec) -> None:
    q = Quaternion.from_axis_angle(axis, HALF_PI)
    assert close(q.rotate(vector), expected)
    assert close(matvec3(q.to_matrix(), vector), expected)


def test_axis_angle_components() -> None:
    q = Quaternion.from_axis_angle((0, 0, 1), HALF_PI)
    assert q.isclose(Quaternion(math.sqrt(0.5), 0, 0, math.sqrt(0.5)))
    assert Quaternion.from_axis_angle((1, 0, 0), 0.0) == Quaternion()


def test_euler_known_values() -> None:
    # XYZ is intrinsic X, then Y, then Z: as matrices Rx · Ry · Rz, so z acts first on vectors.
    q = Quaternion.from_euler(HALF_PI, 0.0, HALF_PI)
    assert close(q.rotate((1, 0, 0)), (0, 0, 1))  # Rz: x -> y, then Rx: y -> z
    q = Quaternion.from_euler(HALF_PI, 0.0, HALF_PI, order="ZYX")
    assert close(q.rotate((1, 0, 0)), (0, 1, 0))  # Rx leaves x, then Rz: x -> y
    # single axes do not depend on the order
    for order in ("XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"):
        assert close(Quaternion.from_euler(0, 0, HALF_PI, order).rotate((1, 0, 0)), (0, 1, 0))


def test_euler_matrix_matches_three_js_xyz_layout() -> None:
    x, y, z = 0.3, -0.7, 1.1
    m = Quaternion.from_euler(x, y, z).to_matrix()
    # three.js Matrix4.makeRotationFromEuler, order XYZ, first row and last column
    cy, sy, cz, sz = math.cos(y), math.sin(y), math.cos(z), math.sin(z)
    assert close(m[0], (cy * cz, -cy * sz, sy))
    assert close((m[0][2], m[1][2], m[2][2]), (sy, -math.sin(x) * cy, math.cos(x) * cy))


@given(angles, angles, angles, st.sampled_from(["XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"]))
def test_euler_matches_three_js(x: float, y: float, z: float, order: str) -> None:
    ours = Quaternion.from_euler(x, y, z, order)
    assert ours.isclose(three_js_euler(x, y, z, order), abs_tol=1e-12)
    axis = {
        "X": Quaternion.from_axis_angle((1, 0, 0), x),
        "Y": Quaternion.from_axis_angle((0, 1, 0), y),
        "Z": Quaternion.from_axis_angle((0, 0, 1), z),
    }
    assert ours.isclose(axis[order[0]] * axis[order[1]] * axis[order[2]], abs_tol=1e-12)


def test_from_matrix_known() -> None:
    q = Quaternion.from_matrix(((0, -1, 0), (1, 0, 0), (0, 0, 1)))
    assert q.isclose(Quaternion.from_axis_angle((0, 0, 1), HALF_PI))
    assert Quaternion.from_matrix(((1, 0, 0), (0, -1, 0), (0, 0, -1))) == Quaternion(0, 1, 0, 0)
    assert Quaternion.from_matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1]]) == Quaternion()


# -- properties -----------------------------------------------------------------


@given(unit_quaternions, unit_quaternions, vectors)
def test_product_composes_rotations(a: Quaternion, b: Quaternion, v: Vec) -> None:
    assert close((a * b).rotate(v), a.rotate(b.rotate(v)), tol=1e-9)
    assert close(flat((a * b).to_matrix()), flat(matmul3(a.to_matrix(), b.to_matrix())))


@given(unit_quaternions, unit_quaternions, unit_quaternions)
def test_product_is_associative(a: Quaternion, b: Quaternion, c: Quaternion) -> None:
    assert ((a * b) * c).isclose(a * (b * c), abs_tol=1e-12)


@given(unit_quaternions, vectors)
def test_rotate_matches_matrix_and_keeps_length(q: Quaternion, v: Vec) -> None:
    rotated = q.rotate(v)
    assert close(rotated, matvec3(q.to_matrix(), v))
    assert math.isclose(math.hypot(*rotated), math.hypot(*v), rel_tol=1e-12, abs_tol=1e-9)


@given(unit_quaternions)
def test_matrix_round_trip(q: Quaternion) -> None:
    m = q.to_matrix()
    assert close(
        flat(matmul3(m, tuple(zip(*m, strict=True)))), (1, 0, 0, 0, 1, 0, 0, 0, 1), tol=1e-12
    )
    back = Quaternion.from_matrix(m)
    assert back.angle_to(q) < 1e-9
    assert back.w >= 0.0
    assert math.isclose(back.norm(), 1.0, rel_tol=1e-15)


@given(unit_quaternions, st.floats(0.1, 10.0))
def test_non_unit_quaternions_rotate_like_their_normalisation(q: Quaternion, k: float) -> None:
    big = Quaternion(*(k * c for c in q))
    assert close(big.rotate((1.0, 2.0, 3.0)), q.rotate((1.0, 2.0, 3.0)))
    assert close(flat(big.to_matrix()), flat(q.to_matrix()))
    assert (big * big.inverse()).isclose(Quaternion(), abs_tol=1e-12)
    assert big.normalized().isclose(q, abs_tol=1e-12)


@given(unit_quaternions)
def test_conjugate_is_inverse_rotation(q: Quaternion) -> None:
    assert (q * q.conjugate()).isclose(Quaternion(), abs_tol=1e-12)
    assert q.conjugate().isclose(q.inverse(), abs_tol=1e-12)
    assert close(q.conjugate().rotate(q.rotate((1.0, -2.0, 0.5))), (1.0, -2.0, 0.5))


@given(unit_quaternions)
def test_axis_angle_round_trip(q: Quaternion) -> None:
    axis, angle = q.to_axis_angle()
    assert 0.0 <= angle <= math.pi
    assert math.isclose(math.hypot(*axis), 1.0)
    assert Quaternion.from_axis_angle(axis, angle).angle_to(q) < 1e-9


@given(unit_quaternions, unit_quaternions)
def test_angle_to(a: Quaternion, b: Quaternion) -> None:
    assert a.angle_to(-a) < 1e-12
    assert math.isclose(a.angle_to(b), b.angle_to(a), abs_tol=1e-12)
    assert 0.0 <= a.angle_to(b) <= math.pi + 1e-12
    assert math.isclose(a.angle_to(b), (a.conjugate() * b).to_axis_angle()[1], abs_tol=1e-9)


def test_identity_axis_angle() -> None:
    assert Quaternion().to_axis_angle() == ((1.0, 0.0, 0.0), 0.0)


# -- value semantics ------------------------------------------------------------


def test_value_semantics() -> None:
    q = Quaternion(1, 2, 3, 4)
    assert q == Quaternion(1.0, 2.0, 3.0, 4.0)
    assert hash(q) == hash(Quaternion(1.0, 2.0, 3.0, 4.0))
    assert q != -q
    assert q != (1, 2, 3, 4)
    assert tuple(q) == (1.0, 2.0, 3.0, 4.0)
    w, x, y, z = q
    assert (w, x, y, z) == (q.w, q.x, q.y, q.z)
    assert pickle.loads(pickle.dumps(q)) == q
    assert copy.copy(q) is q
    assert copy.deepcopy(q) is q
    with pytest.raises(AttributeError):
        q.w = 5.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        q.__dict__
    assert repr(Quaternion(0.5, -0.0, 1, 2.25)) == "Quaternion(w=0.5, x=0, y=1, z=2.25)"


def test_accepts_any_real_number() -> None:
    half = Quaternion(Fraction(1, 2), 0, 0, 0)  # type: ignore[arg-type]
    assert half == Quaternion(0.5, 0, 0, 0)


# -- errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("1",), TypeError, "Quaternion w must be a real number, got '1'"),
        ((1, None), TypeError, "Quaternion x must be a real number"),
        ((1, 0, True), TypeError, "Quaternion y must be a real number, got True"),
        ((1, 0, 0, math.nan), ValueError, "Quaternion z must be finite, got nan"),
        ((math.inf,), ValueError, "must be finite"),
        ((10**400,), ValueError, "must be finite"),
    ],
)
def test_bad_components(args: tuple[object, ...], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        Quaternion(*args)  # type: ignore[arg-type]


def test_zero_quaternion_is_not_a_rotation() -> None:
    zero = Quaternion(0, 0, 0, 0)
    assert zero.norm() == 0.0
    assert zero.conjugate() == zero
    for operation in (zero.normalized, zero.inverse, zero.to_matrix, zero.to_axis_angle):
        with pytest.raises(ValueError, match="zero quaternion"):
            operation()
    with pytest.raises(ValueError, match="zero quaternion"):
        zero.rotate((1, 0, 0))
    with pytest.raises(ValueError, match="zero quaternion"):
        zero.angle_to(Quaternion())


def test_bad_constructor_arguments() -> None:
    with pytest.raises(ValueError, match=r"axis must be a non-zero vector"):
        Quaternion.from_axis_angle((0, 0, 0), 1.0)
    with pytest.raises(ValueError, match=r"axis must be 3 numbers \(x, y, z\), got 2 items"):
        Quaternion.from_axis_angle((0, 1), 1.0)
    with pytest.raises(TypeError, match=r"angle must be a real number"):
        Quaternion.from_axis_angle((0, 0, 1), "90")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"order must be one of XYZ, .*; got 'xyz'"):
        Quaternion.from_euler(0, 0, 0, order="xyz")
    with pytest.raises(ValueError, match="x must be finite"):
        Quaternion.from_euler(math.nan, 0, 0)
    with pytest.raises(TypeError, match="vector must be 3 numbers"):
        Quaternion().rotate(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="can only compare a Quaternion"):
        Quaternion().isclose((1, 0, 0, 0))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Quaternion() * 2  # type: ignore[operator]


@pytest.mark.parametrize(
    ("matrix", "error", "match"),
    [
        (((2, 0, 0), (0, 1, 0), (0, 0, 1)), ValueError, "not a rotation"),
        (((1, 0.1, 0), (0, 1, 0), (0, 0, 1)), ValueError, "not a rotation"),
        (((-1, 0, 0), (0, 1, 0), (0, 0, 1)), ValueError, "reflection"),
        (((1, 0, 0), (0, 1, 0)), ValueError, "must have 3 rows, got 2"),
        (((1, 0, 0), (0, 1, 0), (0, 0)), ValueError, r"matrix\[2\] must be 3 numbers"),
        (((1, 0, 0), (0, 1, 0), (0, 0, "1")), TypeError, r"matrix\[2\]\[2\] must be a real"),
        ("abc", TypeError, "must be 3 rows of 3 numbers"),
        (((1, 0, 0), (0, 1, 0), (0, 0, math.inf)), ValueError, "must be finite"),
    ],
)
def test_from_matrix_rejects(matrix: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        Quaternion.from_matrix(matrix)  # type: ignore[arg-type]


def test_from_matrix_tolerates_float32_rounding() -> None:
    q = Quaternion.from_euler(0.3, -1.2, 2.0)
    rounded = tuple(tuple(float(f"{v:.7g}") for v in row) for row in q.to_matrix())
    assert Quaternion.from_matrix(rounded).angle_to(q) < 1e-6


def test_axis_angle_of_a_rotation_with_subnormal_components_has_a_unit_axis() -> None:
    # Found by hypothesis: dividing by a subnormal length gave an axis of length ~0.7.
    q = Quaternion(1.0, 5e-324, 5e-324, 0.0).normalized()
    axis, angle = q.to_axis_angle()
    assert math.isclose(math.hypot(*axis), 1.0)
    assert axis[0] == axis[1] > 0.0 and axis[2] == 0.0
    assert 0.0 <= angle < 1e-300
