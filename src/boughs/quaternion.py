"""Quaternions ``(w, x, y, z)``: the rotations of the scene layer.

Right-handed, column vectors, row-major matrices; ``a * b`` rotates by ``b``
first, then by ``a``. `Quaternion` is an immutable value, pure Python, and
every operation is O(1). `boughs.transform.Transform` builds on it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from numbers import Real
from typing import Final, TypeAlias, final

__all__ = ["Matrix3", "ORTHOGONALITY_TOLERANCE", "Quaternion", "Vec3"]

Vec3: TypeAlias = tuple[float, float, float]
Matrix3: TypeAlias = tuple[Vec3, Vec3, Vec3]
# A 3x3 matrix flattened row by row.
_Flat3: TypeAlias = tuple[float, float, float, float, float, float, float, float, float]

ORTHOGONALITY_TOLERANCE: Final = 1e-6
"""Largest deviation that still counts as orthonormal (|cos| between two axes).

Used to accept a 3x3 matrix as a rotation and an affine matrix as shear-free.
1e-6 accepts matrices stored as float32 (glTF) or rounded to six digits;
rounding error from composing doubles is many orders of magnitude smaller.
"""

# A quaternion whose norm is this close to 1 counts as normalised and is kept as it
# is: dividing by such a norm can move the last bit, and normalising must be idempotent.
_UNIT_SLACK: Final = 4e-16

_EULER_ORDERS: Final = ("XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX")
_new = object.__new__


# -- validation ---------------------------------------------------------------


def _number(value: object, what: str) -> float:
    if type(value) is float:
        if math.isfinite(value):
            return value
    elif isinstance(value, Real) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            return number
    else:
        raise TypeError(
            f"{what} must be a real number, got {value!r} ({type(value).__name__}); pass a float"
        )
    raise ValueError(f"{what} must be finite, got {value!r}; pass a finite float")


def _numbers(value: object, count: int, what: str, shape: str) -> tuple[float, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{what} must be {count} numbers {shape}, got {value!r}")
    items = tuple(value)
    if len(items) != count:
        raise ValueError(
            f"{what} must be {count} numbers {shape}, got {len(items)} items: {value!r}"
        )
    return tuple(_number(item, f"{what}[{i}]") for i, item in enumerate(items))


def _vec3(value: object, what: str) -> Vec3:
    if type(value) is tuple and len(value) == 3:
        x, y, z = value
        # (v - v) is 0.0 for a finite float and NaN for NaN or an infinity.
        if (
            type(x) is float
            and type(y) is float
            and type(z) is float
            and (x - x) + (y - y) + (z - z) == 0.0
        ):
            return (x, y, z)
    x, y, z = _numbers(value, 3, what, "(x, y, z)")
    return (x, y, z)


def _matrix_rows(value: object, size: int, what: str) -> tuple[tuple[float, ...], ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{what} must be {size} rows of {size} numbers, got {value!r}")
    rows = tuple(value)
    if len(rows) != size:
        raise ValueError(f"{what} must have {size} rows, got {len(rows)}: {value!r}")
    return tuple(
        _numbers(row, size, f"{what}[{i}]", f"(a row of a {size}x{size} matrix)")
        for i, row in enumerate(rows)
    )


def _fmt(values: Iterable[float]) -> str:
    return "(" + ", ".join(format(v + 0.0, ".6g") for v in values) + ")"


# -- shared maths -------------------------------------------------------------


def _shepperd(matrix: _Flat3) -> Quaternion:
    """Unit quaternion (w >= 0) of a flat row-major rotation matrix, by Shepperd's method.

    Solves for the largest of |w|, |x|, |y|, |z| first, so no division by a
    small number happens even near half-turns.
    """
    r00, r01, r02, r10, r11, r12, r20, r21, r22 = matrix
    trace = r00 + r11 + r22
    if trace >= r00 and trace >= r11 and trace >= r22:
        s = 2.0 * math.sqrt(1.0 + trace)
        w, x, y, z = 0.25 * s, (r21 - r12) / s, (r02 - r20) / s, (r10 - r01) / s
    elif r00 >= r11 and r00 >= r22:
        s = 2.0 * math.sqrt(1.0 + r00 - r11 - r22)
        w, x, y, z = (r21 - r12) / s, 0.25 * s, (r01 + r10) / s, (r02 + r20) / s
    elif r11 >= r22:
        s = 2.0 * math.sqrt(1.0 + r11 - r00 - r22)
        w, x, y, z = (r02 - r20) / s, (r01 + r10) / s, 0.25 * s, (r12 + r21) / s
    else:
        s = 2.0 * math.sqrt(1.0 + r22 - r00 - r11)
        w, x, y, z = (r10 - r01) / s, (r02 + r20) / s, (r12 + r21) / s, 0.25 * s
    norm = math.hypot(w, x, y, z)
    if w < 0.0:
        norm = -norm
    return Quaternion._raw(w / norm, x / norm, y / norm, z / norm)


def _rotation_matrix(q: Quaternion) -> _Flat3:
    """The flat row-major rotation matrix of a unit quaternion."""
    w, x, y, z = q._w, q._x, q._y, q._z
    xx, yy, zz = x * x, y * y, z * z
    xy, xz, yz = x * y, x * z, y * z
    wx, wy, wz = w * x, w * y, w * z
    # fmt: off
    return (
        1.0 - 2.0 * (yy + zz), 2.0 * (xy - wz), 2.0 * (xz + wy),
        2.0 * (xy + wz), 1.0 - 2.0 * (xx + zz), 2.0 * (yz - wx),
        2.0 * (xz - wy), 2.0 * (yz + wx), 1.0 - 2.0 * (xx + yy),
    )
    # fmt: on


# -- Quaternion ---------------------------------------------------------------


@final
class Quaternion:
    """An immutable quaternion ``(w, x, y, z)``; unit quaternions are rotations.

    ``a * b`` is the Hamilton product: as rotations, ``b`` is applied first.
    ``q`` and ``-q`` are the same rotation but different values: use
    `angle_to` to compare rotations. Iterating gives ``w, x, y, z``.

    Examples:
        >>> q = Quaternion.from_axis_angle((0, 0, 1), math.pi / 2)
        >>> [round(c, 12) for c in q.rotate((1.0, 0.0, 0.0))]
        [0.0, 1.0, 0.0]

    Args:
        w: The scalar part.
        x: The first vector component.
        y: The second vector component.
        z: The third vector component.

    Raises:
        TypeError: A component is not a real number.
        ValueError: A component is NaN or infinite.
    """

    __slots__ = ("_w", "_x", "_y", "_z")
    _w: float
    _x: float
    _y: float
    _z: float

    def __init__(self, w: float = 1.0, x: float = 0.0, y: float = 0.0, z: float = 0.0) -> None:
        self._w = _number(w, "Quaternion w")
        self._x = _number(x, "Quaternion x")
        self._y = _number(y, "Quaternion y")
        self._z = _number(z, "Quaternion z")

    @classmethod
    def _raw(cls, w: float, x: float, y: float, z: float) -> Quaternion:
        q = _new(cls)
        q._w, q._x, q._y, q._z = w, x, y, z
        return q

    @classmethod
    def identity(cls) -> Quaternion:
        """The rotation that changes nothing, ``(1, 0, 0, 0)``.

        Examples:
            >>> Quaternion.identity()
            Quaternion(w=1, x=0, y=0, z=0)

        Complexity: O(1).
        """
        return _IDENTITY_ROTATION

    @classmethod
    def from_axis_angle(cls, axis: Sequence[float], angle: float) -> Quaternion:
        """The rotation by ``angle`` radians about ``axis``, counter-clockwise.

        Right-handed: looking from the tip of ``axis`` towards the origin, the
        rotation is counter-clockwise. ``axis`` need not have unit length.

        Examples:
            >>> Quaternion.from_axis_angle((0, 0, 2), math.pi / 2)
            Quaternion(w=0.707107, x=0, y=0, z=0.707107)

        Raises:
            ValueError: ``axis`` is the zero vector.

        Complexity: O(1).
        """
        ax, ay, az = _vec3(axis, "axis")
        half = 0.5 * _number(angle, "angle")
        length = math.hypot(ax, ay, az)
        if length == 0.0:
            raise ValueError(
                f"axis must be a non-zero vector, got {axis!r}; pass e.g. (0, 0, 1) for the z axis"
            )
        s = math.sin(half) / length
        return cls._raw(math.cos(half), ax * s, ay * s, az * s)

    @classmethod
    def from_euler(cls, x: float, y: float, z: float, order: str = "XYZ") -> Quaternion:
        """The rotation by Euler angles in radians about the x, y and z axes.

        Same convention as three.js ``Euler``: the rotations are intrinsic
        (each turns about the axes already turned by the previous ones) and
        applied in ``order``, so ``"XYZ"`` is ``Rx · Ry · Rz`` as matrices.
        Equivalently, extrinsic rotations about the fixed axes in reverse
        order (z first). Each angle belongs to its axis whatever the order.

        Examples:
            >>> q = Quaternion.from_euler(math.pi / 2, 0.0, math.pi / 2)
            >>> [round(c, 12) for c in q.rotate((1.0, 0.0, 0.0))]
            [0.0, 0.0, 1.0]

        Args:
            x: Angle about the x axis.
            y: Angle about the y axis.
            z: Angle about the z axis.
            order: One of ``"XYZ"``, ``"XZY"``, ``"YXZ"``, ``"YZX"``, ``"ZXY"``,
                ``"ZYX"``.

        Raises:
            ValueError: ``order`` is not one of the six orders.

        Complexity: O(1).
        """
        if order not in _EULER_ORDERS:
            raise ValueError(f"order must be one of {', '.join(_EULER_ORDERS)}; got {order!r}")
        hx, hy, hz = 0.5 * _number(x, "x"), 0.5 * _number(y, "y"), 0.5 * _number(z, "z")
        parts = {
            "X": cls._raw(math.cos(hx), math.sin(hx), 0.0, 0.0),
            "Y": cls._raw(math.cos(hy), 0.0, math.sin(hy), 0.0),
            "Z": cls._raw(math.cos(hz), 0.0, 0.0, math.sin(hz)),
        }
        return parts[order[0]] * parts[order[1]] * parts[order[2]]

    @classmethod
    def from_matrix(cls, matrix: Sequence[Sequence[float]]) -> Quaternion:
        """The unit quaternion (with ``w >= 0``) of a 3x3 row-major rotation matrix.

        Uses Shepperd's method, which stays accurate for every angle.

        Examples:
            >>> Quaternion.from_matrix(((0, -1, 0), (1, 0, 0), (0, 0, 1)))
            Quaternion(w=0.707107, x=0, y=0, z=0.707107)

        Raises:
            TypeError: ``matrix`` is not 3 rows of 3 numbers.
            ValueError: ``matrix`` is not orthonormal within
                `ORTHOGONALITY_TOLERANCE`, or is a reflection.

        Complexity: O(1).
        """
        (r00, r01, r02), (r10, r11, r12), (r20, r21, r22) = _matrix_rows(matrix, 3, "matrix")
        gram = (
            r00 * r00 + r10 * r10 + r20 * r20 - 1.0,
            r01 * r01 + r11 * r11 + r21 * r21 - 1.0,
            r02 * r02 + r12 * r12 + r22 * r22 - 1.0,
            r00 * r01 + r10 * r11 + r20 * r21,
            r00 * r02 + r10 * r12 + r20 * r22,
            r01 * r02 + r11 * r12 + r21 * r22,
        )
        if max(map(abs, gram)) > ORTHOGONALITY_TOLERANCE:
            raise ValueError(
                f"matrix {matrix!r} is not a rotation: its columns are not orthonormal;"
                " pass a rotation matrix, or use Transform.from_matrix for scale and shear"
            )
        det = r00 * (r11 * r22 - r12 * r21) - r01 * (r10 * r22 - r12 * r20)
        if det + r02 * (r10 * r21 - r11 * r20) < 0.0:
            raise ValueError(
                f"matrix {matrix!r} is a reflection (determinant -1), not a rotation;"
                " use Transform.from_matrix, which turns a reflection into negative scale"
            )
        return _shepperd((r00, r01, r02, r10, r11, r12, r20, r21, r22))

    @property
    def w(self) -> float:
        """The scalar part.

        Examples:
            >>> from boughs import Quaternion
            >>> Quaternion(0.5, 0.1, 0.2, 0.3).w
            0.5

        Complexity: O(1).
        """
        return self._w

    @property
    def x(self) -> float:
        """The first vector component.

        Examples:
            >>> from boughs import Quaternion
            >>> Quaternion(0.5, 0.1, 0.2, 0.3).x
            0.1

        Complexity: O(1).
        """
        return self._x

    @property
    def y(self) -> float:
        """The second vector component.

        Examples:
            >>> from boughs import Quaternion
            >>> Quaternion(0.5, 0.1, 0.2, 0.3).y
            0.2

        Complexity: O(1).
        """
        return self._y

    @property
    def z(self) -> float:
        """The third vector component.

        Examples:
            >>> from boughs import Quaternion
            >>> Quaternion(0.5, 0.1, 0.2, 0.3).z
            0.3

        Complexity: O(1).
        """
        return self._z

    def norm(self) -> float:
        """The length ``sqrt(w² + x² + y² + z²)``; 1 for a rotation.

        Examples:
            >>> Quaternion(0, 3, 0, 4).norm()
            5.0

        Complexity: O(1).
        """
        return math.hypot(self._w, self._x, self._y, self._z)

    def _checked_norm(self, doing: str) -> float:
        norm = math.hypot(self._w, self._x, self._y, self._z)
        if norm == 0.0:
            raise ValueError(
                f"cannot {doing} the zero quaternion {self!r}; a rotation needs a non-zero"
                " quaternion such as Quaternion() (the identity)"
            )
        return norm

    def normalized(self) -> Quaternion:
        """This quaternion scaled to length 1 (the same rotation).

        Examples:
            >>> Quaternion(2, 0, 0, 0).normalized()
            Quaternion(w=1, x=0, y=0, z=0)

        Raises:
            ValueError: This is the zero quaternion.

        Complexity: O(1).
        """
        norm = self._checked_norm("normalise")
        if abs(norm - 1.0) <= _UNIT_SLACK:
            return self
        return Quaternion._raw(self._w / norm, self._x / norm, self._y / norm, self._z / norm)

    def conjugate(self) -> Quaternion:
        """``(w, -x, -y, -z)``: the inverse rotation of a unit quaternion.

        Examples:
            >>> Quaternion(1, 2, 3, 4).conjugate()
            Quaternion(w=1, x=-2, y=-3, z=-4)

        Complexity: O(1).
        """
        return Quaternion._raw(self._w, -self._x, -self._y, -self._z)

    def inverse(self) -> Quaternion:
        """The multiplicative inverse, ``conjugate() / norm()²``.

        Examples:
            >>> Quaternion(0, 0, 2, 0).inverse()
            Quaternion(w=0, x=0, y=-0.5, z=0)

        Raises:
            ValueError: This is the zero quaternion.

        Complexity: O(1).
        """
        n2 = self._checked_norm("invert") ** 2
        return Quaternion._raw(self._w / n2, -self._x / n2, -self._y / n2, -self._z / n2)

    def __mul__(self, other: Quaternion) -> Quaternion:
        """The Hamilton product ``self * other``: rotate by ``other``, then ``self``.

        Examples:
            >>> quarter_x = Quaternion.from_axis_angle((1, 0, 0), math.pi / 2)
            >>> quarter_z = Quaternion.from_axis_angle((0, 0, 1), math.pi / 2)
            >>> [round(c, 12) for c in (quarter_x * quarter_z).rotate((1.0, 0.0, 0.0))]
            [0.0, 0.0, 1.0]

        Complexity: O(1).
        """
        if type(other) is not Quaternion:
            return NotImplemented
        aw, ax, ay, az = self._w, self._x, self._y, self._z
        bw, bx, by, bz = other._w, other._x, other._y, other._z
        return Quaternion._raw(
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        )

    def __neg__(self) -> Quaternion:
        """``(-w, -x, -y, -z)``, the same rotation written the other way round."""
        return Quaternion._raw(-self._w, -self._x, -self._y, -self._z)

    def rotate(self, vector: Sequence[float]) -> Vec3:
        """The vector rotated by this quaternion (normalised first if needed).

        Examples:
            >>> q = Quaternion.from_axis_angle((1, 0, 0), math.pi / 2)
            >>> [round(c, 12) for c in q.rotate((0.0, 1.0, 0.0))]
            [0.0, 0.0, 1.0]

        Raises:
            ValueError: This is the zero quaternion.

        Complexity: O(1).
        """
        vx, vy, vz = _vec3(vector, "vector")
        w, x, y, z = self._w, self._x, self._y, self._z
        k = 2.0 / self._checked_norm("rotate by") ** 2
        # v' = v + w t + cross(q, t) with t = k cross(q, v); k = 2 for a unit quaternion.
        tx, ty, tz = k * (y * vz - z * vy), k * (z * vx - x * vz), k * (x * vy - y * vx)
        return (
            vx + w * tx + (y * tz - z * ty),
            vy + w * ty + (z * tx - x * tz),
            vz + w * tz + (x * ty - y * tx),
        )

    def to_matrix(self) -> Matrix3:
        """The 3x3 row-major rotation matrix (normalised first if needed).

        Examples:
            >>> Quaternion(0, 1, 0, 0).to_matrix()  # a half-turn about x
            ((1.0, 0.0, 0.0), (0.0, -1.0, 0.0), (0.0, 0.0, -1.0))

        Raises:
            ValueError: This is the zero quaternion.

        Complexity: O(1).
        """
        r00, r01, r02, r10, r11, r12, r20, r21, r22 = _rotation_matrix(self.normalized())
        return ((r00, r01, r02), (r10, r11, r12), (r20, r21, r22))

    def to_axis_angle(self) -> tuple[Vec3, float]:
        """``(unit axis, angle)`` with the angle in ``[0, pi]`` radians.

        The identity gives the axis ``(1, 0, 0)`` and angle 0.

        Examples:
            >>> axis, angle = Quaternion.from_axis_angle((0, 0, 3), 1.0).to_axis_angle()
            >>> axis, round(angle, 12)
            ((0.0, 0.0, 1.0), 1.0)

        Raises:
            ValueError: This is the zero quaternion.

        Complexity: O(1).
        """
        q = self.normalized()
        w, x, y, z = (q._w, q._x, q._y, q._z) if q._w >= 0.0 else (-q._w, -q._x, -q._y, -q._z)
        m = max(abs(x), abs(y), abs(z))
        if m == 0.0:
            return (1.0, 0.0, 0.0), 0.0
        # Scale by the largest component first: dividing by a subnormal length
        # (components near 5e-324) would round the axis far from unit length.
        x, y, z = x / m, y / m, z / m
        n = math.hypot(x, y, z)
        return (x / n, y / n, z / n), 2.0 * math.atan2(m * n, w)

    def angle_to(self, other: Quaternion) -> float:
        """The angle in radians, in ``[0, pi]``, of the rotation from ``self`` to ``other``.

        Zero when both are the same rotation, including ``q`` and ``-q``.

        Examples:
            >>> q = Quaternion.from_axis_angle((0, 1, 0), 0.25)
            >>> round(q.angle_to(-q), 12), round(Quaternion().angle_to(q), 12)
            (0.0, 0.25)

        Raises:
            ValueError: Either is the zero quaternion.

        Complexity: O(1).
        """
        d = self.normalized().conjugate() * other.normalized()
        return 2.0 * math.atan2(math.hypot(d._x, d._y, d._z), abs(d._w))

    def isclose(self, other: Quaternion, *, rel_tol: float = 1e-9, abs_tol: float = 1e-9) -> bool:
        """Whether all four components are close (`math.isclose`); ``-q`` is not close to ``q``.

        Examples:
            >>> Quaternion(1, 0, 0, 1e-12).isclose(Quaternion())
            True

        Raises:
            TypeError: ``other`` is not a Quaternion.

        Complexity: O(1).
        """
        if type(other) is not Quaternion:
            raise TypeError(f"can only compare a Quaternion with a Quaternion, got {other!r}")
        return all(
            math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)
            for a, b in zip(self, other, strict=True)
        )

    def __iter__(self) -> Iterator[float]:
        return iter((self._w, self._x, self._y, self._z))

    def __eq__(self, other: object) -> bool:
        if type(other) is not Quaternion:
            return NotImplemented
        return (self._w, self._x, self._y, self._z) == (other._w, other._x, other._y, other._z)

    def __hash__(self) -> int:
        return hash((self._w, self._x, self._y, self._z))

    def __repr__(self) -> str:
        w, x, y, z = (format(c + 0.0, ".6g") for c in self)
        return f"Quaternion(w={w}, x={x}, y={y}, z={z})"

    def __reduce__(self) -> tuple[type[Quaternion], tuple[float, float, float, float]]:
        return Quaternion, (self._w, self._x, self._y, self._z)

    def __copy__(self) -> Quaternion:
        """The quaternion itself: it is immutable, so a copy would be the same value.

        Examples:
            >>> import copy
            >>> from boughs import Quaternion
            >>> q = Quaternion(0, 1, 0, 0)
            >>> copy.copy(q) is q
            True

        Complexity: O(1).
        """
        return self

    def __deepcopy__(self, memo: object) -> Quaternion:
        """The quaternion itself: it is immutable and holds only floats.

        Examples:
            >>> import copy
            >>> from boughs import Quaternion
            >>> q = Quaternion(0, 1, 0, 0)
            >>> copy.deepcopy([q])[0] is q
            True

        Complexity: O(1).
        """
        return self


_IDENTITY_ROTATION: Final = Quaternion._raw(1.0, 0.0, 0.0, 0.0)
