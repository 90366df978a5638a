"""The worker: the only process in which student code runs.

Started by :mod:`autograder.isolation` as ``python -I -S main.py REQUEST_FD RESPONSE_FD CONFIG_JSON``.
It imports the student's module from its path, answers ``ready`` with the functions it found, then serves
requests one at a time: call a function (or a kept object), time repeated calls, keep or drop objects.
Every value that leaves goes through :mod:`wire` (plain data only).

What the grader learns from here is never trusted for the score: values are re-checked on the grader's
side, and timings are taken with the grader's own clock around the request.

The worker writes no sentence for a person: it cannot read the message catalogue, and must not (it runs
beside untrusted code, without the kit). What it has to say - a refused return value, a forbidden call,
the code of a ``SystemExit``, a request it cannot serve - travels as a key of :class:`wire.Msg` with plain
values, and the grading process renders it in the run's language (``autograder/worker_messages.py``).
Only two kinds of text pass through verbatim: the student's own exception messages and traceback lines,
and the text of a grader function's exception relayed to a callback (the grader wrote it).
"""

from __future__ import annotations

import builtins
import importlib.util
import inspect
import io
import json
import os
import sys
import threading
import traceback
from typing import Any

import wire  # the sibling module; this folder is on sys.path, the rest of the kit is not

# Bound before any student code runs.
_perf_counter = __import__("time").perf_counter

CAPTURE_CHARS = 16_000


class BoundedText(io.TextIOBase):
    """A stdout/stderr replacement that keeps the first CAPTURE_CHARS characters and counts the rest."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.kept = 0
        self.total = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:  # type: ignore[override]
        text = str(text)
        self.total += len(text)
        room = CAPTURE_CHARS - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        return len(text)

    def take(self) -> dict:
        out = {"text": "".join(self.parts), "total": self.total}
        self.parts, self.kept, self.total = [], 0, 0
        return out


class Worker:
    def __init__(self, request_fd: int, response_fd: int, config: dict) -> None:
        self.rfd = request_fd
        self.wfd = response_fd
        self.config = config
        self.module: Any = None
        self.objects: dict[int, Any] = {}
        self.next_id = 1
        self.capture = BoundedText()
        self.submission = os.path.realpath(config["submission"])
        self.builtins = dict(vars(builtins))  # restored after student code ran (it may patch them)

    def restore_builtins(self) -> None:
        namespace = vars(builtins)
        for name in [n for n in namespace if n not in self.builtins]:
            del namespace[name]
        namespace.update(self.builtins)

    # --- student module -------------------------------------------------------------------------------

    def load(self) -> dict:
        path = self.config["submission"]
        name = self.config.get("module_name", "submission")
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise LoadError(wire.Msg.CANNOT_LOAD, path=str(path))
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            finally:
                self.restore_builtins()
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything, even SystemExit
            return {"op": "ready", "import_error": self.describe(exc), "functions": {}}
        self.module = module
        functions: dict[str, str | None] = {}
        for attr, value in vars(module).items():
            if attr.startswith("_") or not callable(value):
                continue
            try:
                functions[attr] = str(inspect.signature(value))
            except (TypeError, ValueError):
                functions[attr] = None
        return {"op": "ready", "import_error": None, "functions": functions}

    def describe(self, exc: BaseException) -> dict:
        """The exception, with only the traceback frames that belong to the student's file."""
        frames = []
        for frame in traceback.extract_tb(exc.__traceback__):
            if os.path.realpath(frame.filename) == self.submission:
                frames.append({"line": frame.lineno, "function": frame.name, "code": (frame.line or "").strip()})
        text = _safe_str(exc)
        message: str | dict = wire.keyed(wire.Msg.UNPRINTABLE) if text is None else text
        detail: dict = {"type": type(exc).__name__, "message": message, "frames": frames}
        if isinstance(exc, wire.Keyed):  # the worker's own words: a key the grader renders
            detail["message"] = exc.message()
            if isinstance(exc, LoadError):
                detail["type"] = "ImportError"
        if isinstance(exc, SyntaxError):
            detail["line"] = exc.lineno
            detail["offset"] = exc.offset
            detail["text"] = (exc.text or "").rstrip()
        if isinstance(exc, SystemExit):
            code = _safe_str(exc.code)
            detail["message"] = (
                wire.keyed(wire.Msg.UNPRINTABLE) if code is None else wire.keyed(wire.Msg.EXIT_CODE, code=code)
            )
        return detail

    # --- requests -------------------------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        """Replace callbacks and handles in decoded arguments by live objects."""
        t = type(value)
        if t is wire.Callback:
            return self.make_callback(value.ident)
        if t is wire.Handle:
            if value.ident not in self.objects:
                raise RequestError(wire.Msg.UNKNOWN_HANDLE, handle=value.ident)
            return self.objects[value.ident]
        if t is list:
            return [self.resolve(v) for v in value]
        if t is tuple:
            return tuple(self.resolve(v) for v in value)
        if t is dict:
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def make_callback(self, ident: int):
        worker = self

        def callback(*args: Any) -> Any:
            wire.write_frame(worker.wfd, {"op": "callback", "id": ident, "args": list(args)})
            reply = wire.read_frame(worker.rfd)
            if reply.get("op") == "callback_error":
                raise RuntimeError(str(reply.get("message")))
            return reply.get("value")

        callback.__name__ = f"grader_function_{ident}"
        return callback

    def target(self, request: dict) -> Any:
        handle = request.get("handle")
        if handle is not None:
            if handle not in self.objects:
                raise RequestError(wire.Msg.UNKNOWN_HANDLE, handle=str(handle)[:200])
            obj = self.objects[handle]
            method = request.get("method")
            return getattr(obj, method) if method else obj
        name = request["function"]
        if self.module is None:
            raise RequestError(wire.Msg.NOT_IMPORTED)
        return getattr(self.module, name)

    def serve(self) -> None:
        sys.stdout = sys.stderr = self.capture
        ready = self.load()
        self.restore_builtins()
        wire.write_frame(self.wfd, ready)
        preload = self.config.get("preload", [])
        if preload:  # e.g. torch: import it in the background while the first tests run
            # A short GIL switch interval keeps requests answered quickly while the import runs.
            sys.setswitchinterval(0.0002)
            threading.Thread(target=_quiet_import, args=(preload,), daemon=True).start()
        while True:
            try:
                request = wire.read_frame(self.rfd)
            except EOFError:
                return
            reply = self.handle(request)
            reply["output"] = self.capture.take()
            try:
                wire.write_frame(self.wfd, reply)
            except wire.WireError as exc:
                wire.write_frame(
                    self.wfd,
                    {
                        "op": "error",
                        "error": {"type": "WireError", "message": exc.message(), "frames": []},
                        "output": reply["output"],
                    },
                )

    def handle(self, request: dict) -> dict:
        """Answer one request (the student's exceptions become an ``error`` reply, never escape)."""
        op = request.get("op")
        try:
            if op == "call":
                return self.call(request)
            if op == "repeat":
                return self.repeat(request)
            if op == "keep":
                return {"op": "result", "value": self.keep(self.resolve(request["value"]))}
            if op == "drop":
                for ident in request.get("ids", []):
                    self.objects.pop(ident, None)
                return {"op": "result", "value": None}
            return {"op": "protocol_error", "message": wire.keyed(wire.Msg.UNKNOWN_OP, op=repr(op)[:200])}
        except RequestError as exc:  # the grader asked for something the worker cannot serve
            return {"op": "protocol_error", "message": exc.message()}
        except BaseException as exc:  # noqa: BLE001 - student code may raise anything, even SystemExit
            return {"op": "error", "error": self.describe(exc)}
        finally:
            self.restore_builtins()

    def keep(self, value: Any) -> wire.Handle:
        ident = self.next_id
        self.next_id += 1
        self.objects[ident] = value
        return wire.Handle(ident)

    def call(self, request: dict) -> dict:
        fn = self.target(request)
        args = self.resolve(request.get("args", []))
        kwargs = self.resolve(request.get("kwargs", {}))
        snapshots = _snapshot(args, kwargs) if request.get("check_mutation", True) else None
        _seed(request.get("seed"))
        with _Tripwires(request.get("forbidden", [])) as trip:
            try:
                result = fn(*args, **kwargs)
            finally:
                self.restore_builtins()
        reply: dict = {"op": "result", "forbidden_hits": trip.hits}
        if snapshots is not None:
            reply["mutated"] = _mutated(snapshots, args, kwargs)
        _sync(request.get("sync"))
        reply["value"] = self.keep(result) if request.get("keep") else result
        return reply

    def repeat(self, request: dict) -> dict:
        """Call the target ``warmup + repeat`` times on kept inputs; the grader times this request."""
        fn = self.target(request)
        args = self.resolve(request.get("args", []))
        kwargs = self.resolve(request.get("kwargs", {}))
        sync = request.get("sync")
        for _ in range(int(request.get("warmup", 1))):
            fn(*args, **kwargs)
        _sync(sync)
        times = []
        for _ in range(int(request.get("repeat", 3))):
            start = _perf_counter()
            fn(*args, **kwargs)
            _sync(sync)
            times.append(_perf_counter() - start)
        return {"op": "result", "value": times}


def _quiet_import(names: list[str]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001 - the student's own import will report the problem
            pass
    sys.setswitchinterval(0.005)


def _safe_str(value: Any) -> str | None:
    """``str(value)``, cut at 2000 characters; ``None`` when the student's ``__str__`` fails."""
    try:
        return str(value)[:2000]
    except BaseException:  # noqa: BLE001
        return None


def _seed(seed: Any) -> None:
    """Seed torch's global generator before a call of a torch exercise, so that a run is reproducible.

    The grader sends a seed only for exercises that use torch; importing it here waits for the preload.
    """
    if type(seed) is int:
        try:
            import torch

            torch.manual_seed(seed % 2**63)
        except ImportError:
            pass


def _sync(device: Any) -> None:
    if device and str(device).startswith("cuda") and "torch" in sys.modules:
        sys.modules["torch"].cuda.synchronize()


def _snapshot(args: Any, kwargs: Any) -> list:
    """Copies of every array or tensor in the arguments, to detect in-place modification."""
    out: list = []
    for where, value in _leaves(("args", args), ("kwargs", kwargs)):
        if type(value).__module__ == "numpy" and type(value).__name__ == "ndarray":
            out.append((where, value, value.copy()))
        elif type(value).__module__ == "torch" and type(value).__name__ in ("Tensor", "Parameter"):
            out.append((where, value, value.detach().clone()))
    return out


def _mutated(snapshots: list, args: Any, kwargs: Any) -> list[str]:
    changed = []
    for where, value, before in snapshots:
        if type(before).__module__ == "numpy":
            same = value.shape == before.shape and bool(
                ((value == before) | ((value != value) & (before != before))).all()
            )
        else:
            import torch

            same = value.shape == before.shape and bool(torch.equal(value.detach(), before))
        if not same:
            changed.append(where)
    return changed


def _leaves(*roots: tuple[str, Any]):
    stack = list(roots)
    while stack:
        where, value = stack.pop()
        if type(value) in (list, tuple):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(value))
        elif type(value) is dict:
            stack.extend((f"{where}[{k!r}]", v) for k, v in value.items())
        else:
            yield where, value


class _Tripwires:
    """Temporarily replaces forbidden functions (dotted names) with ones that record the call and raise."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.hits: list[str] = []
        self.saved: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> _Tripwires:
        for dotted in self.names:
            module_name, _, attr = dotted.rpartition(".")
            owner = _lookup(module_name)
            if owner is None or not hasattr(owner, attr):
                continue
            self.saved.append((owner, attr, getattr(owner, attr)))
            setattr(owner, attr, self._wire(dotted))
        return self

    def _wire(self, dotted: str):
        hits = self.hits

        def forbidden(*args: Any, **kwargs: Any) -> Any:
            hits.append(dotted)
            raise ForbiddenCall(wire.Msg.FORBIDDEN, function=dotted)

        return forbidden

    def __exit__(self, *exc: Any) -> None:
        for owner, attr, original in reversed(self.saved):
            setattr(owner, attr, original)


class ForbiddenCall(wire.Keyed):
    """A call into a function the exercise forbids (the student may catch it; ``hits`` still records it)."""


class LoadError(wire.Keyed):
    """The submission's file cannot be loaded as a module (reported to the student as an ImportError)."""


class RequestError(wire.Keyed):
    """A request the worker cannot serve (an unknown handle, no module): a ``protocol_error`` reply."""


def _lookup(dotted: str) -> Any:
    """The object at a dotted path whose first part is an already-imported module (never imports)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is not None:
            obj: Any = module
            for part in parts[cut:]:
                obj = getattr(obj, part, None)
                if obj is None:
                    return None
            return obj
    return None


def main() -> None:
    import signal

    if hasattr(signal, "SIGXFSZ"):  # a write past the file size limit fails with an error instead
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    request_fd, response_fd = int(sys.argv[1]), int(sys.argv[2])
    config = json.loads(sys.argv[3])  # the bootstrap already put config["sys_path"] first on sys.path
    sys.setrecursionlimit(max(1000, int(config.get("recursion_limit", 3000))))
    Worker(request_fd, response_fd, config).serve()


if __name__ == "__main__":
    main()
