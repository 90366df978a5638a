"""How a lecture's grading tests are declared.

A lecture's test file (``autograder/lectures/lectureNN.py``) makes one :class:`Lecture`, one
:class:`Exercise` per curriculum function, and registers test functions on it::

    lecture = Lecture(4, "Neural networks")
    softmax = lecture.exercise("softmax")  # its hint: "lecture04.softmax.hint" in the message catalogue

    @softmax.test(points=2)
    def rows_match_torch(student, rng):
        z = rng.normal(size=(5, 7))
        checks.array(student.softmax(z), torch.softmax(torch.from_numpy(z), 1).numpy(), name="softmax(z)")

A test function asks for what it needs by parameter name:

- ``student``: the submission (:class:`autograder.proxy.Student`); its functions run in the worker;
- ``rng``: a ``numpy.random.Generator`` seeded from the test's name (the same inputs on every run);
- ``ref``: the reference solution module, imported in the grading process (trusted side);
- ``device``: the torch device string chosen for [device] tasks (``"cpu"`` or ``"cuda"``);
- ``timing``: a :class:`autograder.timing.TimingRecorder` for [device] tasks;
- ``source``: the submission's source text (read, never run, by the grader) for static rules, e.g.
  ``checks.forbidden_names(source, "matrix_rank", ["matrix_rank"])``.

Heavy imports (torch) go inside the test functions, so that listing lectures stays fast.

Hidden tests (``hidden=True``) run only with ``grade --hidden``; they also sit between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` lines so a release can strip them from the source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TestFunction = Callable[..., Any]


@dataclass
class Test:
    exercise: str
    name: str
    points: float
    hidden: bool
    function: TestFunction
    timeout: float | None = None

    @property
    def id(self) -> str:
        return f"{self.exercise}::{self.name}"


@dataclass
class Exercise:
    name: str
    hint_key: str  # the hint's key in the message catalogue, e.g. "lecture04.softmax.hint"
    device: bool = False  # a [device] task: torch tensors on the chosen device, timed against the reference
    torch: bool = False  # the student's function needs torch in the worker (always true for device tasks)
    tests: list[Test] = field(default_factory=list)

    def test(
        self, points: float = 1.0, *, hidden: bool = False, timeout: float | None = None
    ) -> Callable[[TestFunction], TestFunction]:
        """Register a test function for this exercise (the function's name is the test's name)."""
        if points < 0:
            raise ValueError("points must be >= 0")

        def register(fn: TestFunction) -> TestFunction:
            if any(t.name == fn.__name__ for t in self.tests):
                raise ValueError(f"duplicate test {fn.__name__} in {self.name}")
            self.tests.append(Test(self.name, fn.__name__, float(points), hidden, fn, timeout))
            return fn

        return register

    def max_points(self, hidden: bool) -> float:
        return sum(t.points for t in self.tests if hidden or not t.hidden)

    @property
    def hint(self) -> str:
        """The hint shown with a failure, in the run's language (``autograder/catalogue/lectureNN.toml``)."""
        from autograder.i18n import has, msg

        return msg(self.hint_key) if has(self.hint_key) else self.hint_key


@dataclass
class Lecture:
    number: int
    title: str
    preload: tuple[str, ...] = ()  # heavy modules (torch) to import in the background at start
    exercises: dict[str, Exercise] = field(default_factory=dict)

    @property
    def module(self) -> str:
        """The student module's name, e.g. ``lecture04``."""
        return f"lecture{self.number:02d}"

    @property
    def display_title(self) -> str:
        """The title in the run's language: the catalogue message ``lectureNN.title`` when there is one."""
        from autograder.i18n import has, msg

        key = f"{self.module}.title"
        return msg(key) if has(key) else self.title

    def exercise(self, name: str, *, hint: str | None = None, device: bool = False, torch: bool = False) -> Exercise:
        """Declare the exercise for the curriculum function ``name``.

        Its hint is the catalogue message ``lectureNN.<name>.hint`` (in English and Korean, see
        :mod:`autograder.i18n`); ``hint`` names another catalogue key (or, while a lecture is being
        translated, gives literal text).

        ``device=True`` marks a [device] task; ``torch=True`` an exercise whose inputs are torch objects
        (e.g. a model) without being timed. Either makes the worker preload torch when it is graded.
        """
        if name in self.exercises:
            raise ValueError(f"duplicate exercise {name}")
        self.exercises[name] = Exercise(name, hint or f"{self.module}.{name}.hint", device, torch or device)
        return self.exercises[name]

    def tests(self, hidden: bool) -> list[Test]:
        return [t for ex in self.exercises.values() for t in ex.tests if hidden or not t.hidden]
