"""The wire format lets only plain, validated data cross the trust boundary."""

import json
import struct

import numpy as np
import pytest
import torch

from autograder.worker import wire


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


class Liar(np.ndarray):
    def __eq__(self, other):
        return True


class AlwaysEqual:
    def __eq__(self, other):
        return True


@pytest.mark.parametrize(
    "value,message",
    [
        (np.zeros(3).view(Liar), "ndarray subclass"),
        (AlwaysEqual(), "cannot pass a value of type"),
        (np.array([object()]), "unsupported dtype"),
        ({(1, 2): 3}, "dict keys must be str or int"),
        (torch.nn.Sequential(torch.nn.Dropout()), "cannot be passed"),
        (lambda x: x, "cannot pass a value of type"),
    ],
)
def test_refused_values(value, message):
    with pytest.raises(wire.WireError, match=message):
        wire.encode_message({"value": value})


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
    with pytest.raises(wire.WireError):
        wire.decode_message(header, payload)  # the grader's side: models_ok is False
