"""Shared checking helpers: every lecture's tests compare student results through these.

Each helper checks, in this order, the things a student needs to hear about first: the type of the
value (``None``, a list, a tensor where an array was expected), its shape, its dtype, NaN/inf entries, and
only then the numbers. A failed check raises :class:`CheckFailure` with a message written for the
student: what was wrong and where (max abs/rel error and its index, the first bad index, counts).

Tolerance: ``|got - expected| <= rtol * |expected| + atol`` elementwise, where by default
``atol = atol_scale * max(1, max|expected|)``: an absolute floor scaled to the values involved, so that a
correct formula is never failed on tiny true values such as ``sigmoid(-40)``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from autograder.i18n import msg


class CheckFailure(AssertionError):
    """A check that the student's result did not pass; the message is the reason shown to them."""


def fail(message: str) -> None:
    """Fail the current test with ``message``."""
    raise CheckFailure(message)


def that(condition: Any, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailure(message)


# --- formatting ---------------------------------------------------------------------------------------


def fmt(value: Any) -> str:
    """A short, readable rendering of a number or a small array."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    if isinstance(value, np.ndarray):
        if value.size <= 6:
            return np.array2string(value, precision=6, separator=", ")
        return msg("checks.array_of_shape", shape=value.shape)
    return repr(value)


def fmt_index(index: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def _at(index: tuple) -> str:
    """`` at [i, j]`` for an entry of an array, nothing for a scalar."""
    return msg("checks.at", index=fmt_index(index)) if index else ""


def _describe(value: Any) -> str:
    """``fmt(value)``, or ``None`` for a missing value."""
    return fmt(value) if value is not None else "None"


def _type_problem(got: Any, expected_kind: str, name: str) -> str | None:
    if got is None:
        return msg("checks.is_none", name=name)
    module = type(got).__module__
    if expected_kind == "array":
        if module == "torch":
            return msg("checks.array_is_tensor", name=name)
        if isinstance(got, (list, tuple)):
            return msg("checks.array_is_sequence", name=name, type=type(got).__name__)
        if not isinstance(got, np.ndarray):
            return msg("checks.array_wrong_type", name=name, type=type(got).__name__)
    if expected_kind == "tensor":
        if isinstance(got, np.ndarray):
            return msg("checks.tensor_is_array", name=name)
        if module != "torch":
            return msg("checks.tensor_wrong_type", name=name, type=type(got).__name__)
    return None


# --- arrays -------------------------------------------------------------------------------------------


def array(
    got: Any,
    expected: Any,
    *,
    name: str = "result",
    rtol: float = 1e-6,
    atol: float | None = None,
    atol_scale: float = 1e-9,
    dtype: str = "float",
) -> np.ndarray:
    """Check a numpy array result against ``expected`` (an array computed by an oracle).

    ``dtype`` says what kind of values are acceptable: ``"float"`` (a floating dtype, at least as precise
    as ``expected``'s; float64 inputs need float64 results), ``"int"`` (an integer dtype, compared
    exactly), ``"bool"``, or ``"value"`` (any numeric dtype, compared by value: labels such as ``{-1, +1}``
    may come back as ints or floats).
    """
    expected = np.asarray(expected)
    problem = _type_problem(got, "array", name)
    if problem:
        fail(problem)
    if got.shape != expected.shape:
        fail(msg("checks.shape", name=name, got=got.shape, expected=expected.shape))
    _check_dtype(got, expected, name, dtype)
    if dtype in ("int", "bool"):
        _check_exact(got, expected, name)
        return got
    return _check_values(
        got.astype(np.result_type(got.dtype, np.float64)) if got.dtype.kind in "biu" else got,
        expected,
        name,
        rtol,
        atol,
        atol_scale,
    )


def _check_dtype(got: np.ndarray, expected: np.ndarray, name: str, dtype: str) -> None:
    kind = got.dtype.kind
    if dtype == "float":
        if kind not in "fc":
            fail(msg("checks.dtype_not_float", name=name, got=got.dtype, expected=expected.dtype))
        if expected.dtype.kind in "fc" and got.dtype.itemsize < expected.dtype.itemsize:
            fail(msg("checks.dtype_precision", name=name, got=got.dtype, expected=expected.dtype))
    elif dtype == "int":
        if kind not in "iu":
            fail(msg("checks.dtype_not_int", name=name, got=got.dtype, expected=expected.dtype))
    elif dtype == "bool":
        if kind != "b":
            fail(msg("checks.dtype_not_bool", name=name, got=got.dtype))
    elif dtype == "value":
        if kind not in "biuf":
            fail(msg("checks.dtype_not_number", name=name, got=got.dtype))
    else:  # pragma: no cover - a typo in a test
        raise ValueError(f"unknown dtype rule {dtype!r}")


def _check_exact(got: np.ndarray, expected: np.ndarray, name: str) -> None:
    bad = got != expected
    if bad.any():
        first = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
        fail(
            msg(
                "checks.exact_differs",
                name=name,
                count=int(bad.sum()),
                size=bad.size,
                at=_at(first),
                got=fmt(got[first]),
                expected=fmt(expected[first]),
            )
        )


def _check_values(
    got: np.ndarray, expected: np.ndarray, name: str, rtol: float, atol: float | None, atol_scale: float
) -> np.ndarray:
    exp = expected.astype(np.float64) if expected.dtype.kind in "biu" else expected
    got_finite, exp_finite = np.isfinite(got), np.isfinite(exp)
    # Non-finite entries must match exactly (e.g. an infinite KL divergence where q = 0 < p).
    for label, mask in (("NaN", np.isnan(got) & ~np.isnan(exp)), ("inf", np.isinf(got) & ~np.isinf(exp))):
        if mask.any():
            first = np.unravel_index(int(np.argmax(mask)), mask.shape) if mask.ndim else ()
            where = (
                msg("checks.nonfinite_where", count=int(mask.sum()), size=mask.size, at=_at(first)) if mask.ndim else ""
            )
            fail(msg("checks.nonfinite", name=name, label=label, where=where, expected=fmt(exp[first])))
    wrong_nonfinite = ~exp_finite & ~((got == exp) | (np.isnan(got) & np.isnan(exp)))
    if wrong_nonfinite.any():
        first = np.unravel_index(int(np.argmax(wrong_nonfinite)), exp.shape) if exp.ndim else ()
        fail(msg("checks.nonfinite_value", name=name, at=_at(first), got=fmt(got[first]), expected=fmt(exp[first])))
    both = got_finite & exp_finite
    if atol is None:
        scale = float(np.max(np.abs(exp[exp_finite]))) if exp_finite.any() else 1.0
        atol = atol_scale * max(1.0, scale)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(both, np.abs(got - exp), 0.0)
    limit = rtol * np.abs(np.where(both, exp, 0.0)) + atol
    bad = diff > limit
    if bad.any():
        worst = np.unravel_index(int(np.argmax(np.where(bad, diff, -1.0))), bad.shape) if bad.ndim else ()
        first = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
        rel = msg("checks.rel_error", rel=diff[worst] / abs(float(exp[worst]))) if exp[worst] != 0 else ""
        first_note = "" if first == worst or not bad.ndim else msg("checks.first_bad", index=fmt_index(first))
        count = msg("checks.wrong_count", count=int(bad.sum()), size=bad.size) if bad.ndim else ""
        fail(
            msg(
                "checks.wrong_values",
                name=name,
                count=count,
                error=diff[worst],
                at=_at(worst),
                got=fmt(got[worst]),
                expected=fmt(exp[worst]),
                rel=rel,
                first=first_note,
                rtol=rtol,
                atol=atol,
            )
        )
    return got


def scalar(
    got: Any,
    expected: float,
    *,
    name: str = "result",
    rtol: float = 1e-6,
    atol: float | None = None,
    atol_scale: float = 1e-9,
) -> float:
    """Check a scalar result (a Python number or a 0-d array) against ``expected``."""
    value = as_scalar(got, name)
    _check_values(np.asarray(value), np.asarray(float(expected)), name, rtol, atol, atol_scale)
    return value


def as_scalar(got: Any, name: str = "result") -> float:
    """The float in ``got`` (a Python number or a 0-d array); a clear failure for anything else."""
    if got is None:
        fail(msg("checks.is_none", name=name))
    if isinstance(got, bool):
        fail(msg("checks.scalar_is_bool", name=name))
    if isinstance(got, (int, float, np.integer, np.floating)):
        return float(got)
    if isinstance(got, np.ndarray):
        if got.shape != ():
            fail(msg("checks.scalar_shape", name=name, shape=got.shape))
        if got.dtype.kind not in "iuf":
            fail(msg("checks.scalar_dtype", name=name, dtype=got.dtype))
        return float(got)
    if type(got).__module__ == "torch":
        fail(msg("checks.scalar_is_tensor", name=name))
    fail(msg("checks.scalar_wrong_type", name=name, type=type(got).__name__))
    raise AssertionError  # unreachable, for type checkers


def integer(got: Any, expected: int, *, name: str = "result") -> int:
    """Check an integer result (a count, a rank, an index): any int type, compared exactly."""
    if isinstance(got, np.integer) or (isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind in "iu"):
        got = int(got)
    if isinstance(got, bool) or not isinstance(got, int):
        if isinstance(got, float) and got.is_integer():
            fail(msg("checks.int_is_float", name=name, value=repr(got)))
        fail(msg("checks.int_wrong_type", name=name, value=_describe(got), expected=expected))
    if got != expected:
        fail(msg("checks.value_is", name=name, got=got, expected=expected))
    return got


def boolean(got: Any, expected: bool, *, name: str = "result") -> bool:
    """Check a True/False result (a Python bool or a numpy bool)."""
    if isinstance(got, np.bool_) or (isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind == "b"):
        got = bool(got)
    if not isinstance(got, bool):
        fail(msg("checks.bool_wrong_type", name=name, value=_describe(got)))
    if got != expected:
        fail(msg("checks.value_is", name=name, got=got, expected=expected))
    return got


def parts(got: Any, count: int, *, name: str = "result", labels: Sequence[str] | None = None) -> tuple:
    """Check that ``got`` is a tuple (or list) of ``count`` items and return it as a tuple."""
    if labels:
        what = msg("checks.tuple_of_labels", labels=", ".join(labels))
    else:
        what = msg("checks.tuple_of_count", count=count)
    if got is None:
        fail(msg("checks.parts_none", name=name, what=what))
    if not isinstance(got, (tuple, list)):
        fail(msg("checks.parts_type", name=name, type=type(got).__name__, what=what))
    if len(got) != count:
        fail(msg("checks.parts_count", name=name, count=len(got), what=what))
    return tuple(got)


def mapping(got: Any, keys: Iterable[str], *, name: str = "result") -> dict:
    """Check that ``got`` is a dict with exactly ``keys`` and return it."""
    keys = list(keys)
    if not isinstance(got, dict):
        fail(msg("checks.dict_type", name=name, type=type(got).__name__ if got is not None else "None"))
    missing = [k for k in keys if k not in got]
    extra = [k for k in got if k not in keys]
    if missing:
        fail(msg("checks.dict_missing", name=name, keys=", ".join(map(repr, missing))))
    if extra:
        fail(msg("checks.dict_extra", name=name, keys=", ".join(map(repr, extra))))
    return got


# --- torch tensors ------------------------------------------------------------------------------------


def tensor(
    got: Any,
    expected: Any,
    *,
    name: str = "result",
    rtol: float = 1e-5,
    atol: float | None = None,
    atol_scale: float = 1e-6,
    dtype: Any = None,
) -> Any:
    """Check a torch tensor: type, device (that of ``expected``), shape, dtype, then values."""
    problem = _type_problem(got, "tensor", name)
    if problem:
        fail(problem)
    if got.device != expected.device:
        fail(msg("checks.device", name=name, got=got.device, expected=expected.device))
    if tuple(got.shape) != tuple(expected.shape):
        fail(msg("checks.shape", name=name, got=tuple(got.shape), expected=tuple(expected.shape)))
    want = dtype if dtype is not None else expected.dtype
    if got.dtype != want:
        fail(msg("checks.dtype", name=name, got=got.dtype, expected=want))
    _check_values(
        got.detach().cpu().double().numpy(), expected.detach().cpu().double().numpy(), name, rtol, atol, atol_scale
    )
    return got


# --- gradients ----------------------------------------------------------------------------------------


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function (the grader's own oracle)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = f(x)
        flat[i] = old - h
        minus = f(x)
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * h)
    return grad


def gradient(
    got: Any,
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    *,
    name: str = "gradient",
    rtol: float = 1e-4,
    atol_scale: float = 1e-6,
) -> np.ndarray:
    """Numerical-gradient check: ``got`` must match the central differences of ``f`` at ``x``."""
    expected = numerical_gradient(f, x)
    try:
        return array(got, expected, name=name, rtol=rtol, atol_scale=atol_scale)
    except CheckFailure as exc:
        raise CheckFailure(msg("checks.gradient_failed", name=name, reason=exc)) from None


# --- code rules ---------------------------------------------------------------------------------------


def forbidden_names(source: str, function: str, names: Iterable[str]) -> list[str]:
    """Names from ``names`` that the student's ``function`` (or a module-level import) mentions.

    A static look at the submission's source text (never executed): it catches ``np.linalg.matrix_rank``
    and ``from numpy.linalg import matrix_rank as r`` alike. The worker's tripwires catch dynamic calls.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    wanted = set(names)
    found: set[str] = set()
    scopes: list[ast.AST] = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    scopes += [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function]
    for scope in scopes:
        for node in ast.walk(scope):
            if isinstance(node, ast.Attribute) and node.attr in wanted:
                found.add(node.attr)
            elif isinstance(node, ast.Name) and node.id in wanted and node.id != function:
                found.add(node.id)  # (a bare call of the function's own name is recursion, not the library)
            elif isinstance(node, ast.alias) and node.name.split(".")[-1] in wanted:
                found.add(node.name.split(".")[-1])
    return sorted(found)


def not_using(source: str, function: str, names: Iterable[str], *, why: str = "") -> None:
    """Fail when the submission's ``function`` (or a module-level import) names a forbidden function.

    Use together with ``with student.forbidding("numpy.linalg.matrix_rank"): ...``, which catches calls
    made at run time however they are spelled.
    """
    found = forbidden_names(source, function, names)
    if found:
        reason = f" ({why})" if why else ""
        fail(msg("checks.forbidden", function=function, names=", ".join(found), reason=reason))
