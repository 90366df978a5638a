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
        return f"array of shape {value.shape}"
    return repr(value)


def fmt_index(index: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def _at(index: tuple) -> str:
    """`` at [i, j]`` for an entry of an array, nothing for a scalar."""
    return f" at {fmt_index(index)}" if index else ""


def _type_problem(got: Any, expected_kind: str, name: str) -> str | None:
    if got is None:
        return f"{name} is None (is a `return` statement missing?)"
    module = type(got).__module__
    if expected_kind == "array":
        if module == "torch":
            return f"{name} is a torch.Tensor; this exercise works in numpy: return an np.ndarray"
        if isinstance(got, (list, tuple)):
            return f"{name} is a {type(got).__name__}; return a numpy array (np.asarray(...))"
        if not isinstance(got, np.ndarray):
            return f"{name} has type {type(got).__name__}; expected a numpy array"
    if expected_kind == "tensor":
        if isinstance(got, np.ndarray):
            return f"{name} is a numpy array; this exercise works in torch: return a torch.Tensor"
        if module != "torch":
            return f"{name} has type {type(got).__name__}; expected a torch.Tensor"
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
        fail(f"{name} has shape {got.shape}, expected {expected.shape}")
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
            fail(f"{name} has dtype {got.dtype}, expected a floating dtype ({expected.dtype})")
        if expected.dtype.kind in "fc" and got.dtype.itemsize < expected.dtype.itemsize:
            fail(f"{name} has dtype {got.dtype}, which loses precision: expected {expected.dtype}")
    elif dtype == "int":
        if kind not in "iu":
            fail(f"{name} has dtype {got.dtype}, expected an integer dtype ({expected.dtype})")
    elif dtype == "bool":
        if kind != "b":
            fail(f"{name} has dtype {got.dtype}, expected bool")
    elif dtype == "value":
        if kind not in "biuf":
            fail(f"{name} has dtype {got.dtype}, expected numbers")
    else:  # pragma: no cover - a typo in a test
        raise ValueError(f"unknown dtype rule {dtype!r}")


def _check_exact(got: np.ndarray, expected: np.ndarray, name: str) -> None:
    bad = got != expected
    if bad.any():
        first = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
        fail(
            f"{name} differs in {int(bad.sum())} of {bad.size} entries; first{_at(first)}: "
            f"got {fmt(got[first])}, expected {fmt(expected[first])}"
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
            where = f" at {int(mask.sum())} of {mask.size} entries, first{_at(first)}" if mask.ndim else ""
            fail(f"{name} contains {label}{where} (expected {fmt(exp[first])}); is the formula numerically unstable?")
    wrong_nonfinite = ~exp_finite & ~((got == exp) | (np.isnan(got) & np.isnan(exp)))
    if wrong_nonfinite.any():
        first = np.unravel_index(int(np.argmax(wrong_nonfinite)), exp.shape) if exp.ndim else ()
        fail(f"{name}{_at(first)} is {fmt(got[first])}, expected {fmt(exp[first])}")
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
        rel = f", rel error {diff[worst] / abs(float(exp[worst])):.3g}" if exp[worst] != 0 else ""
        first_note = "" if first == worst or not bad.ndim else f"; first bad index {fmt_index(first)}"
        count = f" in {int(bad.sum())} of {bad.size} entries" if bad.ndim else ""
        fail(
            f"{name} is wrong{count}: max abs error {diff[worst]:.3g}{_at(worst)} "
            f"(got {fmt(got[worst])}, expected {fmt(exp[worst])}{rel}){first_note}; "
            f"tolerance rtol={rtol:g}, atol={atol:.2g}"
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
        fail(f"{name} is None (is a `return` statement missing?)")
    if isinstance(got, bool):
        fail(f"{name} is a bool; expected a number")
    if isinstance(got, (int, float, np.integer, np.floating)):
        return float(got)
    if isinstance(got, np.ndarray):
        if got.shape != ():
            fail(f"{name} has shape {got.shape}; expected a scalar (a float or a 0-d array)")
        if got.dtype.kind not in "iuf":
            fail(f"{name} has dtype {got.dtype}; expected a number")
        return float(got)
    if type(got).__module__ == "torch":
        fail(f"{name} is a torch.Tensor; return a Python float (e.g. loss.item())")
    fail(f"{name} has type {type(got).__name__}; expected a number")
    raise AssertionError  # unreachable, for type checkers


def integer(got: Any, expected: int, *, name: str = "result") -> int:
    """Check an integer result (a count, a rank, an index): any int type, compared exactly."""
    if isinstance(got, np.integer) or (isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind in "iu"):
        got = int(got)
    if isinstance(got, bool) or not isinstance(got, int):
        if isinstance(got, float) and got.is_integer():
            fail(f"{name} is the float {got!r}; return an int")
        fail(f"{name} is {fmt(got) if got is not None else 'None'}; expected the int {expected}")
    if got != expected:
        fail(f"{name} is {got}, expected {expected}")
    return got


def boolean(got: Any, expected: bool, *, name: str = "result") -> bool:
    """Check a True/False result (a Python bool or a numpy bool)."""
    if isinstance(got, np.bool_) or (isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind == "b"):
        got = bool(got)
    if not isinstance(got, bool):
        fail(f"{name} is {fmt(got) if got is not None else 'None'}; expected a bool")
    if got != expected:
        fail(f"{name} is {got}, expected {expected}")
    return got


def parts(got: Any, count: int, *, name: str = "result", labels: Sequence[str] | None = None) -> tuple:
    """Check that ``got`` is a tuple (or list) of ``count`` items and return it as a tuple."""
    what = f"a tuple ({', '.join(labels)})" if labels else f"a tuple of {count} items"
    if got is None:
        fail(f"{name} is None; expected {what}")
    if not isinstance(got, (tuple, list)):
        fail(f"{name} has type {type(got).__name__}; expected {what}")
    if len(got) != count:
        fail(f"{name} has {len(got)} items; expected {what}")
    return tuple(got)


def mapping(got: Any, keys: Iterable[str], *, name: str = "result") -> dict:
    """Check that ``got`` is a dict with exactly ``keys`` and return it."""
    keys = list(keys)
    if not isinstance(got, dict):
        fail(f"{name} has type {type(got).__name__ if got is not None else 'None'}; expected a dict")
    missing = [k for k in keys if k not in got]
    extra = [k for k in got if k not in keys]
    if missing:
        fail(f"{name} is missing the key(s) {', '.join(map(repr, missing))}")
    if extra:
        fail(f"{name} has unexpected key(s) {', '.join(map(repr, extra))}")
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
        fail(f"{name} is on {got.device}, expected {expected.device} (keep results on the input's device)")
    if tuple(got.shape) != tuple(expected.shape):
        fail(f"{name} has shape {tuple(got.shape)}, expected {tuple(expected.shape)}")
    want = dtype if dtype is not None else expected.dtype
    if got.dtype != want:
        fail(f"{name} has dtype {got.dtype}, expected {want}")
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
        raise CheckFailure(f"numerical-gradient check failed for {name}: {exc}") from None


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
        fail(f"{function} uses {', '.join(found)}, which this exercise forbids{reason}")
