"""The student's module as the tests see it: a proxy whose functions run in the worker.

``student.softmax(z)`` sends ``z`` to the worker, calls the student's ``softmax`` there and returns the
decoded result. Everything that can go wrong on the student's side becomes a :class:`StudentError` whose
message is written for the student (not a traceback of the kit):

- the function is missing, or its signature does not accept the call;
- it raised (only the student's own traceback lines are shown), or ``NotImplementedError`` ("not
  implemented yet");
- it hung (timed out), killed the worker (``os._exit``, a segfault, memory), or returned a value that may
  not cross the boundary;
- it modified its inputs in place, or called a function the exercise forbids.

Objects that must stay in the worker (a trained model) come back as :class:`Remote` handles that the test
can call with inputs of its choosing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from autograder.i18n import msg
from autograder.isolation import Reply, WorkerFailure, WorkerProcess
from autograder.worker import wire
from autograder.worker_messages import render


class StudentError(Exception):
    """Something the student's code did; the message is shown to the student as the failure reason."""

    def __init__(self, message: str, *, kind: str = "error", output: str = "") -> None:
        super().__init__(message)
        self.kind = kind  # "not_implemented", "missing", "signature", "exception", "worker", "mutation", ...
        self.output = output


class Student:
    """Proxy for the submission's module. Attribute access gives callables that run in the worker."""

    def __init__(self, worker: WorkerProcess, *, call_timeout: float | None = None) -> None:
        self._worker = worker
        self._timeout = call_timeout
        self._forbidden: tuple[str, ...] = ()
        self.output: list[str] = []  # what the student's code printed during the current test
        self.seed: int | None = None  # torch's global RNG is seeded with this before every call (reproducible runs)

    # --- what the tests use ---------------------------------------------------------------------------

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self.call(name, *args, **kwargs)

        call.__name__ = name
        return call

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the student's function ``name`` and return its result as plain data."""
        self._check_callable(name, args, kwargs)
        return self._call({"function": name}, name, args, kwargs, keep=False)

    def remote(self, name: str, *args: Any, **kwargs: Any) -> Remote:
        """Call ``name`` and keep its result in the worker (e.g. a trained model); returns a handle."""
        self._check_callable(name, args, kwargs)
        handle = self._call({"function": name}, name, args, kwargs, keep=True)
        return Remote(self, handle, name)

    def time(
        self, name: str, *args: Any, warmup: int = 1, repeat: int = 3, sync: str | None = None, **kwargs: Any
    ) -> list[float]:
        """Seconds per call of ``name`` on the given inputs, measured around the worker's repeat loop.

        Inputs are uploaded once and kept in the worker, so the transfer is not timed; the warm-up calls
        run in a request of their own; the grader's clock brackets the request of the timed calls and is
        divided by the repetitions, so a student who patches the worker's clock gains nothing. Grader
        functions among the inputs (e.g. a sampler) stay callable throughout.
        """
        self._check_callable(name, args, kwargs)
        callbacks: dict[int, Callable[..., Any]] = {}  # grader functions among the inputs (e.g. a sampler)
        kept_args = [self._keep(a, callbacks) for a in args]
        kept_kwargs = {k: self._keep(v, callbacks) for k, v in kwargs.items()}
        limit = self._timeout or self._worker.limits.call_timeout
        try:
            seconds = []
            for rounds, (warm, timed) in enumerate(((warmup, 0), (0, repeat))):
                if warm + timed == 0:
                    continue
                message = {
                    "op": "repeat",
                    "function": name,
                    "args": kept_args,
                    "kwargs": kept_kwargs,
                    "warmup": warm,
                    "repeat": timed,
                    "sync": sync,
                }
                reply = self._send(message, name, timeout=limit * (warm + timed), callbacks=callbacks)
                reported = reply.body.get("value")
                if not isinstance(reported, list) or len(reported) != timed:
                    raise StudentError(msg("engine.timing_malformed", name=name), kind="worker")
                if rounds == 1:  # the grader's clock around the timed calls only (warm-up sent separately)
                    seconds = [reply.seconds / repeat] * repeat
        finally:
            self._drop([h for h in [*kept_args, *kept_kwargs.values()] if isinstance(h, wire.Handle)])
        return seconds

    @contextmanager
    def forbidding(self, *dotted_names: str) -> Iterator[None]:
        """Within the block, calls into these functions (e.g. ``numpy.linalg.matrix_rank``) fail the test."""
        saved = self._forbidden
        self._forbidden = saved + dotted_names
        try:
            yield
        finally:
            self._forbidden = saved

    def functions(self) -> dict[str, str | None]:
        """The public functions the submission defines, with their signatures."""
        return dict(self._worker.wait_ready().get("functions") or {})

    def import_problem(self) -> str | None:
        """Why the submission could not be imported, written for the student; ``None`` if it imported."""
        return describe_import_error(self._worker.wait_ready().get("import_error"), self._worker.submission.name)

    # --- internals ------------------------------------------------------------------------------------

    def _check_callable(self, name: str, args: tuple, kwargs: dict) -> None:
        problem = self.import_problem()
        if problem:
            raise StudentError(problem, kind="import")
        functions = self.functions()
        if name not in functions:
            raise StudentError(
                msg("engine.missing_function", filename=self._worker.submission.name, name=name),
                kind="missing",
            )
        signature = functions[name]
        if signature is not None:
            try:
                parameters = _signature_from_text(signature)
            except (SyntaxError, ValueError):
                return
            try:
                parameters.bind(*args, **kwargs)
            except TypeError as exc:
                raise StudentError(
                    msg("engine.bad_signature", name=name, signature=signature, error=exc),
                    kind="signature",
                ) from None

    def _keep(self, value: Any, callbacks: dict[int, Callable[..., Any]]) -> Any:
        reply = self._send(
            {"op": "keep", "value": self._with_callbacks(value, callbacks)}, msg("engine.uploading_inputs")
        )
        return reply.body.get("value")

    def _drop(self, handles: list[wire.Handle]) -> None:
        if handles and self._worker.alive():
            try:
                self._worker.request({"op": "drop", "ids": [h.ident for h in handles]})
            except WorkerFailure:
                pass

    def _call(self, target: dict, name: str, args: tuple, kwargs: dict, keep: bool) -> Any:
        callbacks: dict[int, Callable[..., Any]] = {}
        message = {
            "op": "call",
            **target,
            "args": [self._with_callbacks(a, callbacks) for a in args],
            "kwargs": {k: self._with_callbacks(v, callbacks) for k, v in kwargs.items()},
            "keep": keep,
            "forbidden": list(self._forbidden),
            "seed": self.seed,
        }
        reply = self._send(message, name, callbacks=callbacks)
        body = reply.body
        if body.get("forbidden_hits"):
            raise StudentError(
                msg("engine.forbidden_call", name=name, names=", ".join(sorted(set(body["forbidden_hits"])))),
                kind="forbidden",
                output=reply.output,
            )
        if body.get("mutated"):
            described = [_describe_argument(w, name, self.functions().get(name)) for w in body["mutated"]]
            where = ", ".join(dict.fromkeys(described))
            raise StudentError(
                msg("engine.mutated_input", name=name, where=where),
                kind="mutation",
                output=reply.output,
            )
        return body.get("value")

    def _send(
        self,
        message: dict,
        name: str,
        timeout: float | None = None,
        callbacks: dict[int, Callable[..., Any]] | None = None,
    ) -> Reply:
        try:
            reply = self._worker.request(
                message,
                timeout=timeout or self._timeout,
                callbacks=callbacks,
                during=msg("engine.during.running", name=name),
            )
        except WorkerFailure as exc:
            raise StudentError(str(exc), kind="worker") from None
        if reply.output:
            more = reply.output_total - len(reply.output)
            self.output.append(reply.output + ("\n" + msg("engine.more_output", count=more) if more > 0 else ""))
        if reply.op == "error":
            raise _student_exception(reply.body.get("error") or {}, name, reply.output)
        if reply.op == "protocol_error":
            reason = render(reply.body.get("message"))
            raise StudentError(msg("worker.proxy.protocol_error", name=name, reason=reason), kind="worker")
        if reply.op != "result":
            raise StudentError(msg("engine.unexpected_reply", name=name), kind="worker")
        return reply

    def _with_callbacks(self, value: Any, callbacks: dict[int, Callable[..., Any]]) -> Any:
        """Replace the grader's callables in the arguments by callback markers the worker can call."""
        if isinstance(value, Remote):
            return value.handle
        if callable(value) and not isinstance(value, type) and not _is_data(value):
            ident = len(callbacks) + 1
            callbacks[ident] = value
            return wire.Callback(ident)
        if type(value) is list:
            return [self._with_callbacks(v, callbacks) for v in value]
        if type(value) is tuple:
            return tuple(self._with_callbacks(v, callbacks) for v in value)
        if type(value) is dict:
            return {k: self._with_callbacks(v, callbacks) for k, v in value.items()}
        return value


class Remote:
    """An object that stays in the worker (e.g. a trained ``torch.nn.Module``). Calling it runs there."""

    def __init__(self, student: Student, handle: Any, made_by: str) -> None:
        if not isinstance(handle, wire.Handle):
            raise StudentError(msg("engine.returned_nothing_usable", made_by=made_by), kind="exception")
        self.student = student
        self.handle = handle
        self.made_by = made_by

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.method("", *args, **kwargs)

    def method(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call ``method`` of the kept object (``""`` calls the object itself) and return plain data."""
        label = msg("engine.returned_object", made_by=self.made_by, method=f" (.{method})" if method else "")
        target = {"handle": self.handle.ident, "method": method or None}
        return self.student._call(target, label, args, kwargs, keep=False)


def _is_data(value: Any) -> bool:
    """Values the wire carries itself (arrays, tensors, generators, models), not as callbacks."""
    module = type(value).__module__
    return module.startswith(("numpy", "torch"))


def _signature_from_text(text: str) -> inspect.Signature:
    """Rebuild the shape of a signature the worker reported, from its parameter names only.

    The text comes from the untrusted side: it is parsed, never evaluated; defaults become placeholders.
    """
    import ast

    inner = text.split("->")[0].strip()
    tree = ast.parse(f"def _f{inner}: pass")
    fn = tree.body[0]
    if not isinstance(fn, ast.FunctionDef) or len(tree.body) != 1:
        raise ValueError("not a signature")
    a = fn.args
    P = inspect.Parameter
    params: list[inspect.Parameter] = []
    positional = [*a.posonlyargs, *a.args]
    first_default = len(positional) - len(a.defaults)
    for i, arg in enumerate(positional):
        kind = P.POSITIONAL_ONLY if i < len(a.posonlyargs) else P.POSITIONAL_OR_KEYWORD
        params.append(P(arg.arg, kind, default=None if i >= first_default else P.empty))
    if a.vararg:
        params.append(P(a.vararg.arg, P.VAR_POSITIONAL))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        params.append(P(arg.arg, P.KEYWORD_ONLY, default=P.empty if default is None else None))
    if a.kwarg:
        params.append(P(a.kwarg.arg, P.VAR_KEYWORD))
    return inspect.Signature(params)


def _describe_argument(where: str, name: str, signature: str | None) -> str:
    """``args[0]['W']`` -> ```params['W']``` using the student's parameter names."""
    if where.startswith("args[") and signature:
        try:
            index_text, _, rest = where[5:].partition("]")
            params = list(_signature_from_text(signature).parameters)
            if int(index_text) < len(params):
                return f"`{params[int(index_text)]}{rest}`"
        except (ValueError, SyntaxError):
            pass
    if where.startswith("kwargs["):
        return f"`{where[8:].split(']')[0].strip(chr(39))}`"
    return where


def _student_exception(error: dict, name: str, output: str) -> StudentError:
    kind = str(error.get("type", "Exception"))
    message = render(error.get("message", ""))  # the student's own text, or the worker's words from a key
    frames = error.get("frames") or []
    if kind == "NotImplementedError":
        return StudentError(msg("engine.not_implemented"), kind="not_implemented", output=output)
    if kind == "WireError":
        return StudentError(msg("worker.proxy.value_refused", name=name, reason=message), kind="type", output=output)
    if kind == "MemoryError":
        return StudentError(msg("engine.memory_exceeded", name=name), kind="memory", output=output)
    if kind == "RecursionError":
        return StudentError(msg("engine.recursion", name=name), kind="exception", output=output)
    if kind == "ForbiddenCall":
        return StudentError(msg("worker.proxy.forbidden", name=name, reason=message), kind="forbidden", output=output)
    where = ""
    if frames:
        lines = [
            msg("engine.traceback_line", line=f.get("line"), function=f.get("function"), code=f.get("code"))
            for f in frames[-4:]
        ]
        where = "\n" + "\n".join(lines)
    if message:
        text = msg("engine.raised", name=name, kind=kind, message=message)
    else:
        text = msg("engine.raised_bare", name=name, kind=kind)
    return StudentError(text + where, kind="exception", output=output)


def describe_import_error(error: Any, filename: str) -> str | None:
    """A one-paragraph explanation of why the submission did not import, or ``None``."""
    if not error:
        return None
    if "worker" in error:
        return msg("engine.import.could_not", filename=filename, reason=error["worker"])
    kind = error.get("type", "Exception")
    message = render(error.get("message", ""))
    if kind in ("SyntaxError", "IndentationError", "TabError"):
        text = error.get("text") or ""
        caret = " " * max(0, (error.get("offset") or 1) - 1) + "^"
        heading = msg("engine.import.syntax", filename=filename, kind=kind, line=error.get("line"), message=message)
        return f"{heading}\n    {text}\n    {caret}"
    if kind == "SystemExit":
        return msg("engine.import.sys_exit", filename=filename, message=message)
    frames = error.get("frames") or []
    where = msg("engine.import.where", line=frames[-1].get("line"), code=frames[-1].get("code")) if frames else ""
    return msg("engine.import.raised", filename=filename, kind=kind, message=message, where=where)
