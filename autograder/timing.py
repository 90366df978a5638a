"""Timing of [device] tasks: the student's code against the reference, on the same device.

Student code is timed inside the worker (see :meth:`autograder.proxy.Student.time`), with the grader's
clock around the request; the reference is timed here in the grading process. Both use warm-up runs,
device synchronisation and several repetitions, and the median is reported. A timing never costs
correctness points.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from autograder.i18n import msg
from autograder.results import Timing


def resolve_device(choice: str) -> str:
    """``auto`` -> ``cuda`` when torch sees a GPU, else ``cpu``; ``cuda`` without a GPU is an error."""
    if choice not in ("auto", "cpu", "cuda"):
        raise ValueError(msg("engine.unknown_device", device=choice))
    if choice == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if choice == "cuda":
        raise ValueError(msg("engine.no_cuda"))
    return "cpu"


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def measure(fn: Callable[[], Any], *, device: str, warmup: int = 1, repeat: int = 3) -> list[float]:
    """Seconds per call of ``fn`` after ``warmup`` calls, synchronising the device around each."""
    for _ in range(warmup):
        fn()
    synchronize(device)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return times


class TimingRecorder:
    """Collects the timings a test measured; they appear in the report's timing table."""

    def __init__(self, device: str) -> None:
        self.device = device
        self.records: list[Timing] = []

    def compare(
        self,
        label: str,
        student_times: list[float],
        reference: Callable[[], Any],
        *,
        warmup: int = 1,
        repeat: int = 3,
    ) -> Timing:
        """Time ``reference`` like the student's run was timed, and record both medians."""
        reference_times = measure(reference, device=self.device, warmup=warmup, repeat=repeat)
        record = Timing(label, self.device, statistics.median(student_times), statistics.median(reference_times))
        self.records.append(record)
        return record
