"""3D affine transforms: `Transform`, translation · rotation · scale.

Conventions, shared with the scene layer: right-handed coordinates, column
vectors, row-major matrices, quaternions written ``(w, x, y, z)``, and a local
transform made of translation · rotation · scale (TRS), so a point is scaled,
then rotated, then translated. ``a @ b`` applies ``b`` first and then ``a``:
a world transform is ``parent_world @ local``.

A `Transform` is an immutable value (equal and hashed by its exact matrix),
pure Python, and every operation is O(1).

Composition is a plain affine matrix product, and the product of TRS
transforms is not always a TRS transform: a non-uniform scale followed by a
rotation shears space. A `Transform` therefore holds its 3x4 affine matrix and
decomposes it into rotation and scale only when asked. When the matrix has
shear, or an axis of zero length, `Transform.rotation` and `Transform.scale`
raise `ValueError`; the matrix itself, composition, inverse and applying the
transform to points always work. `Transform.without_shear` gives the nearest
TRS transform when an approximation is good enough. Axes within
`ORTHOGONALITY_TOLERANCE` of perpendicular count as shear-free, so rounding
error never makes a product of uniformly scaled transforms undecomposable.

A reflection (negative determinant) decomposes as a proper rotation with all
three scales negative, as in Godot: a uniform scale stays uniform.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from numbers import Real
from typing import Final, TypeAlias, final

from boughs.quaternion import (
    _UNIT_SLACK,
    ORTHOGONALITY_TOLERANCE,
    Quaternion,
    Vec3,
    _fmt,
    _matrix_rows,
    _number,
    _numbers,
    _rotation_matrix,
    _shepperd,
    _vec3,
)

__all__ = ["Matrix4", "Transform"]

_Row4: TypeAlias = tuple[float, float, float, float]
Matrix4: TypeAlias = tuple[_Row4, _Row4, _Row4, _Row4]
# The top three rows of a 4x4 affine matrix, flattened row by row.
_Affine: TypeAlias = tuple[
    float, float, float, float, float, float, float, float, float, float, float, float
]
# A decomposition: (rotation, scale), or the reason why there is none.
_Decomposition: TypeAlias = "tuple[Quaternion, Vec3] | str"

_new = object.__new__


def _trs_affine(t: Vec3, q: Quaternion, s: Vec3) -> _Affine:
    r00, r01, r02, r10, r11, r12, r20, r21, r22 = _rotation_matrix(q)
    sx, sy, sz = s
    # fmt: off
    return (
        r00 * sx, r01 * sy, r02 * sz, t[0],
        r10 * sx, r11 * sy, r12 * sz, t[1],
        r20 * sx, r21 * sy, r22 * sz, t[2],
    )
    # fmt: on


def _decompose(m: _Affine) -> _Decomposition:
    """Rotation and scale of an affine matrix, or why it has none.

    Scale is the length of each column of the linear part. A reflection
    (negative determinant) negates all three scales, so the rotation stays
    proper and a uniform scale stays uniform.
    """
    m00, m01, m02, _, m10, m11, m12, _, m20, m21, m22, _ = m
    n0, n1, n2 = math.hypot(m00, m10, m20), math.hypot(m01, m11, m21), math.hypot(m02, m12, m22)
    if n0 == 0.0 or n1 == 0.0 or n2 == 0.0:
        return "is singular (an axis is scaled to zero), so its rotation and scale are undefined"
    u00, u10, u20 = m00 / n0, m10 / n0, m20 / n0
    u01, u11, u21 = m01 / n1, m11 / n1, m21 / n1
    u02, u12, u22 = m02 / n2, m12 / n2, m22 / n2
    shear = max(
        abs(u00 * u01 + u10 * u11 + u20 * u21),
        abs(u00 * u02 + u10 * u12 + u20 * u22),
        abs(u01 * u02 + u11 * u12 + u21 * u22),
    )
    if shear > ORTHOGONALITY_TOLERANCE:
        degrees = math.degrees(math.asin(min(shear, 1.0)))
        return (
            f"has shear (two of its axes are {degrees:.3g} degrees off perpendicular), so it"
            " has no TRS rotation and scale; composing a non-uniform scale with a rotation"
            " makes shear"
        )
    det = u00 * (u11 * u22 - u12 * u21) - u01 * (u10 * u22 - u12 * u20)
    det += u02 * (u10 * u21 - u11 * u20)
    if det < 0.0:
        rotation = _shepperd((-u00, -u01, -u02, -u10, -u11, -u12, -u20, -u21, -u22))
        return rotation, (-n0, -n1, -n2)
    return _shepperd((u00, u01, u02, u10, u11, u12, u20, u21, u22)), (n0, n1, n2)


def _rotation(value: object) -> Quaternion:
    if type(value) is Quaternion:
        q = value
    else:
        q = Quaternion._raw(*_numbers(value, 4, "rotation", "(w, x, y, z) or a Quaternion"))
    norm = math.hypot(q._w, q._x, q._y, q._z)
    if norm == 0.0:
        raise ValueError(
            f"rotation must be a non-zero quaternion, got {value!r};"
            " pass (1, 0, 0, 0) for no rotation"
        )
    if abs(norm - 1.0) <= _UNIT_SLACK:
        return q
    return Quaternion._raw(q._w / norm, q._x / norm, q._y / norm, q._z / norm)


# -- Transform ----------------------------------------------------------------


@final
class Transform:
    """An immutable 3D affine transform: translation · rotation · scale.

    The transform maps a point ``p`` to ``translation + rotation(scale * p)``.
    ``a @ b`` composes (``b`` first), and may produce shear when ``a`` scales
    non-uniformly and ``b`` rotates: such a transform is still exact and
    usable, but `rotation` and `scale` raise `ValueError` (see the module
    docstring). Transforms are equal, and hash alike, when their matrices are
    exactly equal, so ``Transform(rotation=q) == Transform(rotation=-q)``.

    A reflection has no rotation: it is written as negative scale. The
    components given to the constructor are kept as given, but a transform
    decomposed from a matrix (`from_matrix`, ``@``, `inverse`) reports a
    reflection as negative scale on all three axes (as Godot does), so a
    uniform scale stays uniform: ``scale=(1, -1, 1)`` comes back from its
    matrix as ``(-1, -1, -1)`` with a half-turn about y. Same matrix.

    Examples:
        >>> t = Transform(translation=(1, 2, 3), scale=2)
        >>> t.apply_to_point((1, 1, 1)), t.apply_to_vector((1, 1, 1))
        ((3.0, 4.0, 5.0), (2.0, 2.0, 2.0))
        >>> (t @ t.inverse()).isclose(Transform.identity())
        True

    Args:
        translation: ``(x, y, z)``.
        rotation: A `Quaternion` or ``(w, x, y, z)``; normalised here.
        scale: ``(x, y, z)`` or one number for a uniform scale. Negative values
            mirror; zero is accepted but makes the transform singular.

    Raises:
        TypeError: A value is not a sequence of real numbers.
        ValueError: A sequence has the wrong length, a number is NaN or
            infinite, or ``rotation`` is the zero quaternion.

    Complexity: O(1).
    """

    __slots__ = ("_hash", "_m", "_matrix", "_trs")
    _m: _Affine
    _trs: _Decomposition  # unset until decomposed
    _matrix: Matrix4  # unset until asked for
    _hash: int  # unset until asked for

    def __init__(
        self,
        translation: Sequence[float] = (0.0, 0.0, 0.0),
        rotation: Quaternion | Sequence[float] = (1.0, 0.0, 0.0, 0.0),
        scale: float | Sequence[float] = (1.0, 1.0, 1.0),
    ) -> None:
        t = _vec3(translation, "translation")
        q = _rotation(rotation)
        if type(scale) is not tuple and isinstance(scale, Real) and not isinstance(scale, bool):
            uniform = _number(scale, "scale")
            s = (uniform, uniform, uniform)
        else:
            s = _vec3(scale, "scale")
        self._m = _trs_affine(t, q, s)
        self._trs = (q, s)

    @classmethod
    def identity(cls) -> Transform:
        """The transform that changes nothing.

        Examples:
            >>> Transform.identity()
            Transform()

        Complexity: O(1).
        """
        return _IDENTITY

    @classmethod
    def from_matrix(
        cls, matrix: Sequence[Sequence[float]], *, require_trs: bool = True
    ) -> Transform:
        """The transform of a 4x4 row-major affine matrix (translation in the last column).

        three.js ``Matrix4.elements`` is column-major: transpose it first.

        Examples:
            >>> Transform.from_matrix(((2, 0, 0, 1), (0, 2, 0, 0), (0, 0, 2, 0), (0, 0, 0, 1)))
            Transform(translation=(1, 0, 0), scale=(2, 2, 2))

        Args:
            matrix: Four rows of four numbers; the last row must be ``(0, 0, 0, 1)``.
            require_trs: Decompose now and raise unless ``matrix`` is a TRS
                transform. Pass False to accept any affine matrix, including
                shear and zero scale, and decompose only when asked.

        Raises:
            TypeError: ``matrix`` is not 4 rows of 4 real numbers.
            ValueError: A number is NaN or infinite, the last row is not
                ``(0, 0, 0, 1)``, or (with ``require_trs``) the matrix has
                shear or a zero scale.

        Complexity: O(1).
        """
        rows = _matrix_rows(matrix, 4, "matrix")
        if rows[3] != (0.0, 0.0, 0.0, 1.0):
            raise ValueError(
                f"the last row of an affine matrix must be (0, 0, 0, 1), got {rows[3]!r};"
                " a projective matrix is not a Transform"
            )
        t = _new(cls)
        t._m = (*rows[0], *rows[1], *rows[2])  # type: ignore[assignment]
        if require_trs:
            trs = t._trs = _decompose(t._m)
            if type(trs) is str:
                raise ValueError(
                    f"matrix {matrix!r} {trs}; pass require_trs=False to accept it as it is"
                )
        return t

    @property
    def translation(self) -> Vec3:
        """``(x, y, z)``: where the origin goes.

        Examples:
            >>> from boughs import Transform
            >>> step = Transform(translation=(1, 0, 0)) @ Transform(translation=(0, 2, 0))
            >>> step.translation
            (1.0, 2.0, 0.0)

        Complexity: O(1).
        """
        m = self._m
        return (m[3], m[7], m[11])

    def _decomposition(self) -> tuple[Quaternion, Vec3]:
        try:
            trs = self._trs
        except AttributeError:
            trs = self._trs = _decompose(self._m)
        if isinstance(trs, str):
            raise ValueError(
                f"{self!r} {trs}. Use .matrix, or .without_shear() for the nearest TRS transform"
            )
        return trs

    @property
    def rotation(self) -> Quaternion:
        """The unit rotation quaternion (decomposed from the matrix once, if needed).

        Examples:
            >>> (Transform(rotation=(0, 0, 0, 1)) @ Transform(scale=3)).rotation
            Quaternion(w=0, x=0, y=0, z=1)

        Raises:
            ValueError: The transform has shear or a zero scale.

        Complexity: O(1).
        """
        return self._decomposition()[0]

    @property
    def scale(self) -> Vec3:
        """``(x, y, z)`` scale factors (decomposed from the matrix once, if needed).

        Examples:
            >>> (Transform(scale=2) @ Transform(scale=(1, 2, 3))).scale
            (2.0, 4.0, 6.0)

        Raises:
            ValueError: The transform has shear or a zero scale.

        Complexity: O(1).
        """
        return self._decomposition()[1]

    @property
    def is_trs(self) -> bool:
        """Whether `rotation` and `scale` exist: no shear, no zero scale.

        Examples:
            >>> spin = Transform(rotation=Quaternion.from_axis_angle((0, 0, 1), 0.5))
            >>> (Transform(scale=(1, 2, 1)) @ spin).is_trs
            False

        Complexity: O(1).
        """
        try:
            trs = self._trs
        except AttributeError:
            trs = self._trs = _decompose(self._m)
        return type(trs) is not str

    @property
    def matrix(self) -> Matrix4:
        """The 4x4 row-major matrix, as a tuple of row tuples (built once).

        Examples:
            >>> Transform(translation=(1, 2, 3)).matrix[0]
            (1.0, 0.0, 0.0, 1.0)

        Complexity: O(1).
        """
        try:
            return self._matrix
        except AttributeError:
            m00, m01, m02, m03, m10, m11, m12, m13, m20, m21, m22, m23 = self._m
            self._matrix = (
                (m00, m01, m02, m03),
                (m10, m11, m12, m13),
                (m20, m21, m22, m23),
                (0.0, 0.0, 0.0, 1.0),
            )
            return self._matrix

    def __matmul__(self, other: Transform) -> Transform:
        """The composition ``self @ other``: apply ``other``, then ``self``.

        Examples:
            >>> move = Transform(translation=(1, 0, 0))
            >>> (move @ Transform(scale=2)).apply_to_point((1, 1, 1))
            (3.0, 2.0, 2.0)

        Complexity: O(1): one 3x4 affine matrix product.
        """
        if type(other) is not Transform:
            return NotImplemented
        a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23 = self._m
        b00, b01, b02, b03, b10, b11, b12, b13, b20, b21, b22, b23 = other._m
        t = _new(Transform)
        t._m = (
            a00 * b00 + a01 * b10 + a02 * b20,
            a00 * b01 + a01 * b11 + a02 * b21,
            a00 * b02 + a01 * b12 + a02 * b22,
            a00 * b03 + a01 * b13 + a02 * b23 + a03,
            a10 * b00 + a11 * b10 + a12 * b20,
            a10 * b01 + a11 * b11 + a12 * b21,
            a10 * b02 + a11 * b12 + a12 * b22,
            a10 * b03 + a11 * b13 + a12 * b23 + a13,
            a20 * b00 + a21 * b10 + a22 * b20,
            a20 * b01 + a21 * b11 + a22 * b21,
            a20 * b02 + a21 * b12 + a22 * b22,
            a20 * b03 + a21 * b13 + a22 * b23 + a23,
        )
        return t

    def inverse(self) -> Transform:
        """The transform that undoes this one: ``t @ t.inverse() ≈ identity``.

        Examples:
            >>> Transform(translation=(1, 2, 3), scale=2).inverse()
            Transform(translation=(-0.5, -1, -1.5), scale=(0.5, 0.5, 0.5))

        Raises:
            ValueError: The transform is singular (an axis is scaled to zero).

        Complexity: O(1).
        """
        a, b, c, tx, d, e, f, ty, g, h, i, tz = self._m
        c00, c01, c02 = e * i - f * h, f * g - d * i, d * h - e * g
        det = a * c00 + b * c01 + c * c02
        if det == 0.0:
            raise ValueError(
                f"{self!r} is singular (an axis is scaled to zero), so it has no inverse;"
                " give every axis a non-zero scale"
            )
        r = 1.0 / det
        i00, i01, i02 = c00 * r, (c * h - b * i) * r, (b * f - c * e) * r
        i10, i11, i12 = c01 * r, (a * i - c * g) * r, (c * d - a * f) * r
        i20, i21, i22 = c02 * r, (b * g - a * h) * r, (a * e - b * d) * r
        t = _new(Transform)
        # fmt: off
        t._m = (
            i00, i01, i02, -(i00 * tx + i01 * ty + i02 * tz),
            i10, i11, i12, -(i10 * tx + i11 * ty + i12 * tz),
            i20, i21, i22, -(i20 * tx + i21 * ty + i22 * tz),
        )
        # fmt: on
        return t

    def apply_to_point(self, point: Sequence[float]) -> Vec3:
        """The point moved by the whole transform (scale, rotation, translation).

        Examples:
            >>> Transform(translation=(0, 0, 5)).apply_to_point((1, 2, 3))
            (1.0, 2.0, 8.0)

        Raises:
            TypeError: ``point`` is not 3 real numbers.
            ValueError: ``point`` has the wrong length or a NaN or infinity.

        Complexity: O(1).
        """
        x, y, z = _vec3(point, "point")
        m00, m01, m02, m03, m10, m11, m12, m13, m20, m21, m22, m23 = self._m
        return (
            m00 * x + m01 * y + m02 * z + m03,
            m10 * x + m11 * y + m12 * z + m13,
            m20 * x + m21 * y + m22 * z + m23,
        )

    def apply_to_vector(self, vector: Sequence[float]) -> Vec3:
        """The direction or offset transformed without translation (scale, rotation).

        Not for surface normals under non-uniform scale: those need the
        inverse transpose.

        Examples:
            >>> Transform(translation=(0, 0, 5), scale=2).apply_to_vector((1, 2, 3))
            (2.0, 4.0, 6.0)

        Raises:
            TypeError: ``vector`` is not 3 real numbers.
            ValueError: ``vector`` has the wrong length or a NaN or infinity.

        Complexity: O(1).
        """
        x, y, z = _vec3(vector, "vector")
        m00, m01, m02, _, m10, m11, m12, _, m20, m21, m22, _ = self._m
        return (
            m00 * x + m01 * y + m02 * z,
            m10 * x + m11 * y + m12 * z,
            m20 * x + m21 * y + m22 * z,
        )

    def isclose(self, other: Transform, *, rel_tol: float = 1e-9, abs_tol: float = 1e-9) -> bool:
        """Whether every matrix entry is close (`math.isclose`) to ``other``'s.

        Examples:
            >>> spin = Transform(rotation=Quaternion.from_euler(0.1, 0.2, 0.3))
            >>> (spin @ spin.inverse()).isclose(Transform.identity())
            True

        Raises:
            TypeError: ``other`` is not a Transform.

        Complexity: O(1).
        """
        if type(other) is not Transform:
            raise TypeError(f"can only compare a Transform with a Transform, got {other!r}")
        return all(
            math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)
            for a, b in zip(self._m, other._m, strict=True)
        )

    def with_translation(self, translation: Sequence[float]) -> Transform:
        """A copy with another translation; works with shear too.

        Examples:
            >>> Transform(scale=2).with_translation((1, 0, 0))
            Transform(translation=(1, 0, 0), scale=(2, 2, 2))

        Complexity: O(1).
        """
        x, y, z = _vec3(translation, "translation")
        m = self._m
        t = _new(Transform)
        t._m = (m[0], m[1], m[2], x, m[4], m[5], m[6], y, m[8], m[9], m[10], z)
        trs = getattr(self, "_trs", None)
        if trs is not None:
            t._trs = trs
        return t

    def with_rotation(self, rotation: Quaternion | Sequence[float]) -> Transform:
        """A copy with another rotation, keeping translation and scale.

        Examples:
            >>> Transform(scale=2).with_rotation((0, 1, 0, 0)).rotation
            Quaternion(w=0, x=1, y=0, z=0)

        Raises:
            ValueError: This transform has shear or a zero scale (no scale to keep).

        Complexity: O(1).
        """
        return Transform(self.translation, rotation, self._decomposition()[1])

    def with_scale(self, scale: float | Sequence[float]) -> Transform:
        """A copy with another scale, keeping translation and rotation.

        Examples:
            >>> Transform(translation=(1, 0, 0)).with_scale(3)
            Transform(translation=(1, 0, 0), scale=(3, 3, 3))

        Raises:
            ValueError: This transform has shear or a zero scale (no rotation to keep).

        Complexity: O(1).
        """
        return Transform(self.translation, self._decomposition()[0], scale)

    def without_shear(self) -> Transform:
        """A TRS transform close to this one, with the shear dropped; ``self`` if it has none.

        Uses the polar decomposition of the linear part, ``L = R · P``: the
        rotation is ``R`` (the rotation closest to ``L``), the scale is the
        diagonal of the symmetric stretch ``P``, and the off-diagonal of ``P``
        (the shear) is dropped; the translation is kept. A reflection becomes
        negative scale on all three axes, as in decomposition. Under a
        non-uniformly scaled parent, ``(Transform(scale=d) @ Transform(rotation=q))``
        gives back the rotation ``q`` exactly. Use it where an exact TRS is
        impossible, for instance to keep a world pose under such a parent.

        Examples:
            >>> spin = Quaternion.from_axis_angle((0, 0, 1), 0.5)
            >>> nearest = (Transform(scale=(1, 2, 1)) @ Transform(rotation=spin)).without_shear()
            >>> nearest.is_trs, nearest.rotation.angle_to(spin) < 1e-12
            (True, True)

        Raises:
            ValueError: The transform is singular (an axis is scaled to zero).

        Complexity: O(1): a few Newton steps on a 3x3 matrix.
        """
        if self.is_trs:
            return self
        m00, m01, m02, _, m10, m11, m12, _, m20, m21, m22, _ = self._m
        n0, n1, n2 = math.hypot(m00, m10, m20), math.hypot(m01, m11, m21), math.hypot(m02, m12, m22)
        det = m00 * (m11 * m22 - m12 * m21) - m01 * (m10 * m22 - m12 * m20)
        det += m02 * (m10 * m21 - m11 * m20)
        # |det| / (n0 n1 n2) is 1 for perpendicular axes and 0 for a flat matrix.
        if n0 == 0.0 or n1 == 0.0 or n2 == 0.0 or not abs(det) / n0 / n1 / n2 > 1e-12:
            raise ValueError(
                f"{self!r} is singular (an axis is scaled to zero, or two axes coincide),"
                " so it has no nearest rotation"
            )
        sign = -1.0 if det < 0.0 else 1.0
        a, b, c, d, e, f, g, h, i = (
            sign * v for v in (m00, m01, m02, m10, m11, m12, m20, m21, m22)
        )
        # Newton's iteration Q <- (k Q + (k Q)^-T) / 2, with k = |det Q|^(-1/3) to
        # speed it up, converges to the rotation of the polar decomposition.
        for _ in range(100):
            c00, c01, c02 = e * i - f * h, f * g - d * i, d * h - e * g
            c10, c11, c12 = c * h - b * i, a * i - c * g, b * g - a * h
            c20, c21, c22 = b * f - c * e, c * d - a * f, a * e - b * d
            det = a * c00 + b * c01 + c * c02
            k = det ** (-1.0 / 3.0)
            r = 1.0 / (k * det)
            # fmt: off
            q = (
                0.5 * (k * a + c00 * r), 0.5 * (k * b + c01 * r), 0.5 * (k * c + c02 * r),
                0.5 * (k * d + c10 * r), 0.5 * (k * e + c11 * r), 0.5 * (k * f + c12 * r),
                0.5 * (k * g + c20 * r), 0.5 * (k * h + c21 * r), 0.5 * (k * i + c22 * r),
            )
            # fmt: on
            change = max(
                abs(new - old) for new, old in zip(q, (a, b, c, d, e, f, g, h, i), strict=True)
            )
            a, b, c, d, e, f, g, h, i = q
            if change <= 1e-15:
                break
        # diag(R^T L): each axis measured along its rotated direction
        scale = (
            a * m00 + d * m10 + g * m20,
            b * m01 + e * m11 + h * m21,
            c * m02 + f * m12 + i * m22,
        )
        return Transform(self.translation, _shepperd((a, b, c, d, e, f, g, h, i)), scale)

    def __eq__(self, other: object) -> bool:
        if type(other) is not Transform:
            return NotImplemented
        return self._m == other._m

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            self._hash = hash(self._m)
            return self._hash

    def __repr__(self) -> str:
        if not self.is_trs:
            rows = ", ".join(_fmt(row) for row in self.matrix)
            return f"Transform.from_matrix(({rows}), require_trs=False)"
        rotation, scale = self._decomposition()
        parts = []
        if self.translation != (0.0, 0.0, 0.0):
            parts.append(f"translation={_fmt(self.translation)}")
        if tuple(rotation) != (1.0, 0.0, 0.0, 0.0):
            parts.append(f"rotation={_fmt(rotation)}")
        if scale != (1.0, 1.0, 1.0):
            parts.append(f"scale={_fmt(scale)}")
        return f"Transform({', '.join(parts)})"

    def __reduce__(self) -> tuple[Callable[..., Transform], tuple[object, ...]]:
        trs = getattr(self, "_trs", None)
        return _restore, (self._m, trs if type(trs) is tuple else None)

    def __copy__(self) -> Transform:
        """The transform itself: it is immutable, so a copy would be the same value.

        Examples:
            >>> import copy
            >>> from boughs import Transform
            >>> t = Transform(translation=(1, 2, 3))
            >>> copy.copy(t) is t
            True

        Complexity: O(1).
        """
        return self

    def __deepcopy__(self, memo: object) -> Transform:
        """The transform itself: it is immutable and holds only floats and quaternions.

        Examples:
            >>> import copy
            >>> from boughs import Transform
            >>> t = Transform(translation=(1, 2, 3))
            >>> copy.deepcopy({"t": t})["t"] is t
            True

        Complexity: O(1).
        """
        return self


def _restore(m: _Affine, trs: tuple[Quaternion, Vec3] | None) -> Transform:
    t = _new(Transform)
    t._m = m
    if trs is not None:
        t._trs = trs
    return t


_IDENTITY: Final = Transform()
