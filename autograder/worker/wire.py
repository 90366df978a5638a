"""The wire format between the grading process and the worker: plain data only, never pickle.

A message is one frame: an 8-byte big-endian length, a UTF-8 JSON header, then the raw bytes of every
array it carries. Values are encoded into a JSON tree in which arrays and tensors are replaced by
descriptors pointing into the binary part. The decoder trusts nothing: it accepts only the exact types
below, checks every dtype, shape and byte count, and limits depth, item count and total size.

Allowed values: ``None``, ``bool``, ``int``, ``float``, ``str``, ``list``, ``tuple``, ``dict`` (str or int
keys), ``numpy.ndarray`` of a numeric or bool dtype (exact type, no subclasses), numpy scalars (sent as
0-d arrays), and ``torch.Tensor`` (dense, exact type; sent as its CPU data plus its device and dtype).
Two markers exist for the protocol itself: callbacks into the grading process and handles to objects
kept in the worker. Two more carry grader-made inputs that are not plain data: a
``numpy.random.Generator`` (PCG64, sent as its state) and a small ``torch.nn.Sequential`` model (sent as
an allow-listed layer description plus its state dict, rebuilt on the other side).

This module is imported by the worker (untrusted side) and by the grader (trusted side); it imports only
the standard library and numpy, and torch only when a tensor is actually encoded or decoded.

Refusals carry no prose: a :class:`WireError` holds a key of :class:`Msg` (the one table of the worker's
message keys, entries of ``autograder/catalogue/worker.toml``) and plain values. The worker sends them as
``{"key": ..., "values": {...}}`` and the grading process renders them in the run's language
(:mod:`autograder.worker_messages`); so do the grader's own refusals of a malformed frame.
"""

from __future__ import annotations

import json
import os
import re
import struct
import sys
from typing import Any

import numpy as np

MAX_HEADER_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
DEFAULT_MAX_BYTES = 1024 * 1024 * 1024  # 1 GiB of array data per message

_ALLOWED_DTYPES = {
    np.dtype(name).str
    for name in (
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
    )
}
_TORCH_DTYPES = {
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "complex64",
    "complex128",
}
_DEVICE_RE = re.compile(r"^(cpu|cuda(:\d{1,2})?|mps(:\d)?)$")


# --- messages for people: catalogue keys and plain values, rendered by the grader -------------------------


class Msg:
    """Every message the worker and this format have for a person, as a key of ``catalogue/worker.toml``.

    The worker cannot read the catalogue (the kit is not on its ``sys.path``), so it sends a key and plain
    values (:meth:`Keyed.message`) and the grading process renders them in the run's language
    (:mod:`autograder.worker_messages`). This class is the one table of those keys: the grader renders no
    key that is not in it, and the kit's tests check each one against the catalogue.
    """

    # values that may not leave (the encoder: a student's returned value, or a callback's arguments)
    TOO_DEEP = "worker.wire.too_deep"
    TOO_MANY_ITEMS = "worker.wire.too_many_items"
    DICT_KEY = "worker.wire.dict_key"
    GENERATOR = "worker.wire.generator"
    NDARRAY_SUBCLASS = "worker.wire.ndarray_subclass"
    CANNOT_PASS = "worker.wire.cannot_pass"
    ARRAY_DTYPE = "worker.wire.array_dtype"
    TENSOR_LAYOUT = "worker.wire.tensor_layout"
    TENSOR_DTYPE = "worker.wire.tensor_dtype"
    LAYER = "worker.wire.layer"
    # frames the decoder refuses (malformed, or a hostile worker's)
    FRAME_TOO_DEEP = "worker.frame.too_deep"
    FRAME_NODE = "worker.frame.node"
    FRAME_DICT_ENTRY = "worker.frame.dict_entry"
    FRAME_FLOAT = "worker.frame.float"
    FRAME_GENERATOR = "worker.frame.generator"
    FRAME_GENERATOR_STATE = "worker.frame.generator_state"
    FRAME_NO_MODELS = "worker.frame.no_models"
    FRAME_KIND = "worker.frame.kind"
    FRAME_DTYPE = "worker.frame.dtype"
    FRAME_SHAPE = "worker.frame.shape"
    FRAME_BUFFER = "worker.frame.buffer"
    FRAME_BYTES = "worker.frame.bytes"
    FRAME_NO_TENSORS = "worker.frame.no_tensors"
    FRAME_TENSOR = "worker.frame.tensor"
    FRAME_NOT_LIST = "worker.frame.not_list"
    FRAME_NOT_INT = "worker.frame.not_int"
    FRAME_HEADER_ERROR = "worker.frame.header_error"
    FRAME_HEADER = "worker.frame.header"
    FRAME_PAYLOAD = "worker.frame.payload"
    FRAME_MODEL = "worker.frame.model"
    FRAME_MODEL_LAYER = "worker.frame.model_layer"
    FRAME_LAYER_ARGUMENTS = "worker.frame.layer_arguments"
    FRAME_MODEL_STATE = "worker.frame.model_state"
    FRAME_HEADER_TOO_LARGE = "worker.frame.header_too_large"
    FRAME_TOO_LARGE = "worker.frame.too_large"
    # the worker itself (main.py)
    EXIT_CODE = "worker.exit_code"
    FORBIDDEN = "worker.forbidden"
    CANNOT_LOAD = "worker.cannot_load"
    NOT_IMPORTED = "worker.not_imported"
    UNKNOWN_HANDLE = "worker.unknown_handle"
    UNKNOWN_OP = "worker.unknown_op"
    UNPRINTABLE = "worker.unprintable"


MESSAGE_KEYS = frozenset(value for name, value in vars(Msg).items() if name.isupper())


def keyed(key: str, **values: str | int) -> dict:
    """A message as it crosses the boundary: ``{"key": key, "values": {name: plain value}}``."""
    return {"key": key, "values": dict(values)}


class Keyed(Exception):
    """An error whose text for a person is a :class:`Msg` key and plain values, never prose.

    ``str()`` gives the key and the values (for a developer's traceback); people see the grader's rendering.
    """

    def __init__(self, key: str, **values: str | int) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self) -> dict:
        return keyed(self.key, **self.values)

    def __str__(self) -> str:
        return f"{self.key} {json.dumps(self.values, ensure_ascii=False)}"


class WireError(Keyed, ValueError):
    """A value that may not cross the boundary, or a frame that is malformed."""


class Callback:
    """Marks a callable of the grader that the worker may call back (e.g. ``f`` in numerical_gradient)."""

    def __init__(self, ident: int) -> None:
        self.ident = ident


class Handle:
    """Names an object that stays in the worker (a trained model, an uploaded input)."""

    def __init__(self, ident: int) -> None:
        self.ident = ident

    def __repr__(self) -> str:
        return f"Handle({self.ident})"


def _type_name(value: Any) -> str:
    t = type(value)
    return f"{t.__module__}.{t.__qualname__}" if t.__module__ != "builtins" else t.__qualname__


class _Encoder:
    def __init__(self, callbacks: dict[int, Any] | None = None, handles: dict[int, Any] | None = None):
        self.buffers: list[bytes] = []
        self.items = 0
        self.callbacks = callbacks  # id(obj) -> Callback, grader side only
        self.handles = handles

    def encode(self, value: Any, depth: int = 0) -> Any:
        self.items += 1
        if depth > MAX_DEPTH:
            raise WireError(Msg.TOO_DEEP, depth=MAX_DEPTH)
        if self.items > MAX_ITEMS:
            raise WireError(Msg.TOO_MANY_ITEMS, items=MAX_ITEMS)
        t = type(value)
        if value is None or t in (bool, int, str):
            return value
        if t is float:
            if value != value or value in (float("inf"), float("-inf")):
                return {"$": "float", "v": repr(value)}
            return value
        if t is list:
            return [self.encode(v, depth + 1) for v in value]
        if t is tuple:
            return {"$": "tuple", "items": [self.encode(v, depth + 1) for v in value]}
        if t is dict:
            items = []
            for k, v in value.items():
                if type(k) not in (str, int):
                    raise WireError(Msg.DICT_KEY, type=_type_name(k))
                items.append([k, self.encode(v, depth + 1)])
            return {"$": "dict", "items": items}
        if t is np.ndarray:
            return self._array(value)
        if isinstance(value, np.generic) and t.__module__ == "numpy":
            return self._array(np.asarray(value))
        if t is np.random.Generator:
            state = value.bit_generator.state
            if state.get("bit_generator") != "PCG64":
                raise WireError(Msg.GENERATOR)
            return {"$": "rng", "state": self.encode(state, depth + 1)}
        if t is Callback:
            return {"$": "callback", "id": value.ident}
        if t is Handle:
            return {"$": "handle", "id": value.ident}
        if t.__module__ == "torch" and t.__name__ in ("Tensor", "Parameter"):
            return self._tensor(value)
        if t.__module__ == "torch.nn.modules.container" and t.__name__ == "Sequential":
            return {
                "$": "model",
                "layers": self.encode(describe_sequential(value), depth + 1),
                "state": self.encode(dict(value.state_dict()), depth + 1),
            }
        if isinstance(value, np.ndarray):
            raise WireError(Msg.NDARRAY_SUBCLASS, type=_type_name(value))
        raise WireError(Msg.CANNOT_PASS, type=_type_name(value))

    def _array(self, arr: np.ndarray) -> dict:
        if arr.dtype.str not in _ALLOWED_DTYPES:
            raise WireError(Msg.ARRAY_DTYPE, dtype=str(arr.dtype))
        data = np.ascontiguousarray(arr).tobytes()
        self.buffers.append(data)
        return {"$": "ndarray", "dtype": arr.dtype.str, "shape": list(arr.shape), "buf": len(self.buffers) - 1}

    def _tensor(self, tensor: Any) -> dict:
        import torch

        if tensor.layout != torch.strided:
            raise WireError(Msg.TENSOR_LAYOUT, layout=str(tensor.layout))
        dtype = str(tensor.dtype).removeprefix("torch.")
        if dtype not in _TORCH_DTYPES:
            raise WireError(Msg.TENSOR_DTYPE, dtype=str(tensor.dtype))
        data = tensor.detach()
        if data.device.type != "cpu":
            data = data.cpu()
        if dtype == "bfloat16":
            data = data.float()
        arr = data.contiguous().numpy()
        self.buffers.append(arr.tobytes())
        return {
            "$": "tensor",
            "dtype": dtype,
            "np_dtype": arr.dtype.str,
            "shape": list(arr.shape),
            "device": str(tensor.device),
            "requires_grad": bool(tensor.requires_grad),
            "buf": len(self.buffers) - 1,
        }


def encode_message(message: dict) -> bytes:
    """Encode one protocol message (a dict whose values may hold arrays) into a frame."""
    enc = _Encoder()
    body = {k: enc.encode(v) for k, v in message.items()}
    header = json.dumps({"body": body, "buffers": [len(b) for b in enc.buffers]}, allow_nan=False).encode()
    return struct.pack("!Q", len(header)) + header + b"".join(enc.buffers)


class _Decoder:
    def __init__(self, buffers: list[memoryview], torch_ok: bool, models_ok: bool = False):
        self.buffers = buffers
        self.models_ok = models_ok
        self.used: set[int] = set()
        self.items = 0
        self.torch_ok = torch_ok

    def decode(self, node: Any, depth: int = 0) -> Any:
        self.items += 1
        if depth > MAX_DEPTH or self.items > MAX_ITEMS:
            raise WireError(Msg.FRAME_TOO_DEEP)
        t = type(node)
        if node is None or t in (bool, int, float, str):
            return node
        if t is list:
            return [self.decode(v, depth + 1) for v in node]
        if t is not dict:
            raise WireError(Msg.FRAME_NODE, type=t.__name__)
        kind = node.get("$")
        if kind == "tuple":
            return tuple(self.decode(v, depth + 1) for v in _list(node, "items"))
        if kind == "dict":
            out = {}
            for pair in _list(node, "items"):
                if type(pair) is not list or len(pair) != 2 or type(pair[0]) not in (str, int):
                    raise WireError(Msg.FRAME_DICT_ENTRY)
                out[pair[0]] = self.decode(pair[1], depth + 1)
            return out
        if kind == "float":
            text = node.get("v")
            if text not in ("nan", "inf", "-inf"):
                raise WireError(Msg.FRAME_FLOAT)
            return float(text)
        if kind == "ndarray":
            return self._array(node, node.get("dtype"))
        if kind == "tensor":
            return self._tensor(node)
        if kind == "rng":
            state = self.decode(node.get("state"), depth + 1)
            if type(state) is not dict or state.get("bit_generator") != "PCG64":
                raise WireError(Msg.FRAME_GENERATOR)
            generator = np.random.Generator(np.random.PCG64())
            try:
                generator.bit_generator.state = state
            except (TypeError, ValueError, KeyError) as exc:
                raise WireError(Msg.FRAME_GENERATOR_STATE, error=str(exc)) from None
            return generator
        if kind == "model":
            if not self.models_ok:
                raise WireError(Msg.FRAME_NO_MODELS)
            layers = self.decode(node.get("layers"), depth + 1)
            state = self.decode(node.get("state"), depth + 1)
            return build_sequential(layers, state)
        if kind == "callback":
            return Callback(_int(node, "id"))
        if kind == "handle":
            return Handle(_int(node, "id"))
        raise WireError(Msg.FRAME_KIND, kind=repr(kind))

    def _array(self, node: dict, dtype_str: Any) -> np.ndarray:
        if dtype_str not in _ALLOWED_DTYPES:
            raise WireError(Msg.FRAME_DTYPE, dtype=repr(dtype_str))
        shape = _list(node, "shape")
        if not all(type(s) is int and s >= 0 for s in shape) or len(shape) > 32:
            raise WireError(Msg.FRAME_SHAPE)
        index = _int(node, "buf")
        if not 0 <= index < len(self.buffers) or index in self.used:
            raise WireError(Msg.FRAME_BUFFER)
        self.used.add(index)
        dtype = np.dtype(dtype_str)
        count = 1
        for s in shape:
            count *= s
        buf = self.buffers[index]
        if count * dtype.itemsize != len(buf):
            raise WireError(Msg.FRAME_BYTES)
        # A fresh, writeable, plain ndarray that owns its memory.
        return np.frombuffer(buf, dtype=dtype).reshape(shape).copy()

    def _tensor(self, node: dict) -> Any:
        if not self.torch_ok:
            raise WireError(Msg.FRAME_NO_TENSORS)
        import torch

        dtype = node.get("dtype")
        device = node.get("device")
        if dtype not in _TORCH_DTYPES or type(device) is not str or not _DEVICE_RE.match(device):
            raise WireError(Msg.FRAME_TENSOR)
        arr = self._array(node, node.get("np_dtype"))
        tensor = torch.from_numpy(arr).to(getattr(torch, dtype))
        if device != "cpu":
            tensor = tensor.to(device)
        if node.get("requires_grad") is True and tensor.is_floating_point():
            tensor.requires_grad_(True)
        return tensor


def _list(node: dict, key: str) -> list:
    value = node.get(key)
    if type(value) is not list:
        raise WireError(Msg.FRAME_NOT_LIST, field=key)
    return value


def _int(node: dict, key: str) -> int:
    value = node.get(key)
    if type(value) is not int:
        raise WireError(Msg.FRAME_NOT_INT, field=key)
    return value


def decode_message(header: bytes, payload: bytes, torch_ok: bool = True, models_ok: bool = False) -> dict:
    """Decode a frame's header and binary payload back into a message dict (validating everything).

    ``models_ok`` is set only on the worker's side: the grader never builds a model the worker sent.
    """
    try:
        meta = json.loads(header.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(Msg.FRAME_HEADER_ERROR, error=str(exc)) from None
    if type(meta) is not dict or type(meta.get("body")) is not dict:
        raise WireError(Msg.FRAME_HEADER)
    sizes = _list(meta, "buffers")
    if not all(type(s) is int and s >= 0 for s in sizes) or sum(sizes) != len(payload):
        raise WireError(Msg.FRAME_PAYLOAD)
    view = memoryview(payload)
    buffers, offset = [], 0
    for size in sizes:
        buffers.append(view[offset : offset + size])
        offset += size
    decoder = _Decoder(buffers, torch_ok, models_ok)
    return {str(k): decoder.decode(v) for k, v in meta["body"].items()}


# --- small torch models passed as inputs (e.g. the CNN whose saliency a student computes) ---------------

# Layer class -> the constructor arguments read back from an instance. Nothing else can be rebuilt.
_LAYERS: dict[str, tuple[str, ...]] = {
    "Linear": ("in_features", "out_features", "bias"),
    "Conv2d": ("in_channels", "out_channels", "kernel_size", "stride", "padding", "bias"),
    "ReLU": (),
    "Sigmoid": (),
    "Tanh": (),
    "Flatten": ("start_dim", "end_dim"),
    "MaxPool2d": ("kernel_size", "stride"),
    "AvgPool2d": ("kernel_size", "stride"),
    "AdaptiveAvgPool2d": ("output_size",),
    "Identity": (),
}


def describe_sequential(model: Any) -> list:
    """``[[class name, {argument: value}], ...]`` for a ``torch.nn.Sequential`` of allow-listed layers."""
    layers = []
    for layer in model:
        name = type(layer).__name__
        if name not in _LAYERS or type(layer).__module__.split(".")[:3] != ["torch", "nn", "modules"]:
            raise WireError(Msg.LAYER, layer=name)
        args = {}
        for arg in _LAYERS[name]:
            value = getattr(layer, arg)
            if arg == "bias":
                value = value is not None
            args[arg] = list(value) if isinstance(value, tuple) else value
        layers.append([name, args])
    return layers


def build_sequential(layers: Any, state: Any) -> Any:
    import torch

    if type(layers) is not list or type(state) is not dict:
        raise WireError(Msg.FRAME_MODEL)
    modules = []
    for entry in layers:
        if type(entry) is not list or len(entry) != 2 or entry[0] not in _LAYERS or type(entry[1]) is not dict:
            raise WireError(Msg.FRAME_MODEL_LAYER)
        name, args = entry
        if set(args) - set(_LAYERS[name]) or not all(type(v) in (int, bool, list) for v in args.values()):
            raise WireError(Msg.FRAME_LAYER_ARGUMENTS, layer=name)
        clean = {k: tuple(v) if type(v) is list else v for k, v in args.items()}
        modules.append(getattr(torch.nn, name)(**clean))
    model = torch.nn.Sequential(*modules)
    floating = {t.dtype for t in state.values() if hasattr(t, "is_floating_point") and t.is_floating_point()}
    if len(floating) == 1:
        model = model.to(next(iter(floating)))
    try:
        model.load_state_dict(state)
    except (RuntimeError, TypeError) as exc:
        raise WireError(Msg.FRAME_MODEL_STATE, error=str(exc)) from None
    devices = {t.device for t in state.values()}
    if len(devices) == 1:
        model = model.to(devices.pop())
    return model.eval()


# --- blocking frame I/O over file descriptors (the worker side; the grader uses its own, with timeouts) ---


def read_exact(fd: int, n: int) -> bytes:
    chunks, remaining = [], n
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the channel")  # the worker's cue to end: never shown
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, max_bytes: int = DEFAULT_MAX_BYTES) -> dict:
    (header_len,) = struct.unpack("!Q", read_exact(fd, 8))
    if header_len > MAX_HEADER_BYTES:
        raise WireError(Msg.FRAME_HEADER_TOO_LARGE)
    header = read_exact(fd, header_len)
    sizes = json.loads(header).get("buffers", [])
    total = sum(s for s in sizes if type(s) is int)
    if total > max_bytes:
        raise WireError(Msg.FRAME_TOO_LARGE)
    return decode_message(
        header, read_exact(fd, total), torch_ok="torch" in sys.modules or _has_tensor(header), models_ok=True
    )


def _has_tensor(header: bytes) -> bool:
    return b'"$": "tensor"' in header


def write_frame(fd: int, message: dict) -> None:
    data = memoryview(encode_message(message))
    while data:
        written = os.write(fd, data)
        data = data[written:]
