"""The wire format lets only plain, validated data cross the trust boundary."""

import json
import struct

import numpy as np
import pytest
import torch

from autograder.worker import wire
from autograder.worker_messages import render


def roundtrip(value):
    frame = wire.encode_message({"value": value})
    (n,) = struct.unpack("!Q", frame[:8])
    return wire.decode_message(frame[8 : 8 + n], frame[8 + n :], models_ok=True)["value"]


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        -2.5,
        float("inf"),
        "text",
        [1, 2.0],
        (1, (2, 3)),
        {"a": 1, 2: [3]},
        np.arange(6.0).reshape(2, 3),
        np.array(True),
        np.arange(4, dtype=np.int32)[::2],
        np.float64(1.5),
    ],
)
def test_plain_values_roundtrip(value):
    back = roundtrip(value)
    if isinstance(value, (np.ndarray, np.generic)):
        value = np.asarray(value)
        assert type(back) is np.ndarray and back.dtype == value.dtype and back.shape == value.shape
        assert np.array_equal(back, value) and back.flags.writeable
    else:
        assert back == value and type(back) is type(value)


def test_nan_survives():
    assert np.isnan(roundtrip(float("nan")))


def test_tensors_keep_dtype_shape_device_and_grad_flag():
    for dtype in (torch.float32, torch.float64, torch.int64, torch.bfloat16, torch.bool):
        t = torch.ones(2, 3, dtype=dtype)
        back = roundtrip(t)
        assert back.dtype == dtype and back.shape == t.shape and back.device == t.device
    grad = roundtrip(torch.zeros(2, requires_grad=True))
    assert grad.requires_grad


def test_generators_and_models_are_rebuilt():
    rng = np.random.default_rng(7)
    assert np.array_equal(roundtrip(rng).normal(size=3), np.random.default_rng(7).normal(size=3))
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    x = torch.randn(5, 3)
    assert torch.allclose(roundtrip(model)(x), model(x))


def _nested(depth):
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


class Liar(np.ndarray):
    def __eq__(self, other):
        return True


class AlwaysEqual:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    "value,key,english",
    [
        (np.zeros(3).view(Liar), wire.Msg.NDARRAY_SUBCLASS, "returned an ndarray subclass (test_wire.Liar)"),
        (AlwaysEqual(), wire.Msg.CANNOT_PASS, "cannot pass a value of type test_wire.AlwaysEqual; use numpy"),
        (np.array([object()]), wire.Msg.ARRAY_DTYPE, "array has unsupported dtype object; use a numeric"),
        ({(1, 2): 3}, wire.Msg.DICT_KEY, "dict keys must be str or int, got tuple"),
        (torch.nn.Sequential(torch.nn.Dropout()), wire.Msg.LAYER, "layer Dropout cannot be passed to the worker"),
        (lambda x: x, wire.Msg.CANNOT_PASS, "cannot pass a value of type function; use"),
        (torch.zeros(2, 2).to_sparse(), wire.Msg.TENSOR_LAYOUT, "tensor has layout torch.sparse_coo; return a dense"),
        (np.random.Generator(np.random.MT19937(1)), wire.Msg.GENERATOR, "only numpy Generators with the PCG64"),
        (_nested(wire.MAX_DEPTH + 1), wire.Msg.TOO_DEEP, f"value is nested more than {wire.MAX_DEPTH} levels deep"),
    ],
)
def test_refused_values_carry_a_key_and_plain_values(value, key, english):
    """The refusal has no prose of its own: a key of the table and plain values, rendered by the grader."""
    with pytest.raises(wire.WireError) as refused:
        wire.encode_message({"value": value})
    assert refused.value.key == key and key in wire.MESSAGE_KEYS
    assert all(type(v) in (str, int) for v in refused.value.values.values())
    assert render(refused.value).startswith(english)
    assert json.loads(json.dumps(refused.value.message())) == refused.value.message()  # it can cross the wire


def _frame(body, buffers=()):
    header = json.dumps({"body": body, "buffers": [len(b) for b in buffers]}).encode()
    return header, b"".join(buffers)


@pytest.mark.parametrize(
    "body,buffers",
    [
        ({"v": {"$": "ndarray", "dtype": "|O", "shape": [1], "buf": 0}}, [b"12345678"]),
        ({"v": {"$": "ndarray", "dtype": "<f8", "shape": [2], "buf": 0}}, [b"12345678"]),
        ({"v": {"$": "ndarray", "dtype": "<f8", "shape": [-1], "buf": 0}}, [b""]),
        ({"v": {"$": "ndarray", "dtype": "<f8", "shape": [1], "buf": 3}}, [b"12345678"]),
        ({"v": {"$": "pickle", "data": "..."}}, []),
        ({"v": {"$": "model", "layers": [], "state": {"$": "dict", "items": []}}}, []),
        ({"v": {"$": "float", "v": "1e999"}}, []),
    ],
    ids=[
        "object-dtype",
        "short-buffer",
        "negative-shape",
        "bad-buffer-index",
        "unknown-kind",
        "model-from-worker",
        "bad-float",
    ],
)
def test_malformed_or_hostile_frames_are_refused(body, buffers):
    header, payload = _frame(body, buffers)
    with pytest.raises(wire.WireError) as refused:
        wire.decode_message(header, payload)  # the grader's side: models_ok is False
    assert refused.value.key in wire.MESSAGE_KEYS
    assert render(refused.value) != render({"key": "nonsense", "values": {}})  # a real reason, not the fallback


@pytest.mark.parametrize(
    "header,payload,english",
    [
        (b"{not json", b"", "malformed frame header: Expecting property name"),
        (b'{"body": 3, "buffers": []}', b"", "malformed frame header"),
        (b'{"body": {}, "buffers": [4]}', b"", "frame payload size does not match its header"),
        (b'{"body": {"v": {"$": "pickle"}}, "buffers": []}', b"", "malformed frame: unknown kind 'pickle'"),
        (b'{"body": {"v": {"$": "ndarray", "dtype": "|O"}}, "buffers": []}', b"", "array dtype '|O' is not allowed"),
        (b'{"body": {"v": {"$": "tuple", "items": 5}}, "buffers": []}', b"", "malformed frame: items is not a list"),
    ],
)
def test_a_refused_frame_is_explained_as_before(header, payload, english):
    with pytest.raises(wire.WireError) as refused:
        wire.decode_message(header, payload)
    assert render(refused.value).startswith(english)
