"""The leak scan: no reference solution code, hidden test or quiz answer key in a release.

Every file is read. It must not contain a solution or hidden-test marker, the name of a hidden test
(one that no public test shares), a reference solution region line for line, or (for Python files) a
function whose body is a reference body however it is formatted. Forbidden paths (``solutions/``,
``tests/``, compiled files) are reported by name.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.i18n import msg
from autograder.release import sources

# A marker is a line of its own (as the stub generator and nbgrader read it), not a mention in prose.
MARKER = re.compile(r"^\s*#+\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)\b.*$", re.MULTILINE)
FORBIDDEN_PARTS = {"solutions", "tests", "variants", "release", "__pycache__"}
FORBIDDEN_SUFFIXES = {".pyc", ".pyo", ".ipynb_checkpoints"}


@dataclass(frozen=True)
class Leak:
    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


def scan(folder: Path, numbers: list[int], allow_markers: tuple[str, ...] = ()) -> list[Leak]:
    """Leaks of ``numbers``' secrets in the files under ``folder`` (an empty list when clean).

    ``allow_markers``: markers a release legitimately carries (the nbgrader student notebooks keep none;
    the parameter exists for the source notebooks, which are not a release).
    """
    folder = Path(folder)
    names = sources.hidden_only_test_names(numbers)
    alternatives = "|".join(map(re.escape, sorted(names)))
    # As code: a definition, a call or a quoted name (hidden test names are often plain words).
    as_code = rf"\bdef\s+({alternatives})\b|(?<![\w.-])({alternatives})\(|[\"']({alternatives})[\"']"
    name_pattern = re.compile(as_code) if names else None
    regions = [r for n in numbers for r in sources.solution_regions(n)]
    bodies = {body: f"lecture {n}: {name}" for n in numbers for name, body in sources.reference_bodies(n).items()}
    leaks: list[Leak] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        parts = set(Path(relative).parts[:-1])
        if parts & FORBIDDEN_PARTS or path.suffix in FORBIDDEN_SUFFIXES:
            leaks.append(Leak(relative, msg("release.leak.never_ships")))
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        leaks += _scan_text(relative, text, name_pattern, regions, allow_markers)
        if path.suffix == ".py":
            leaks += _scan_python(relative, text, bodies)
    return leaks


QUIZ_KEY = re.compile(r"^\[\[question\]\]\s*$", re.MULTILINE)  # a key file, not a mention in indented prose
QUIZ_ANSWER = re.compile(r"^answer\s*=", re.MULTILINE)


def _scan_text(relative, text, name_pattern, regions, allow_markers) -> list[Leak]:
    found = []
    if QUIZ_KEY.search(text) and QUIZ_ANSWER.search(text):
        found.append(Leak(relative, msg("release.leak.quiz_key")))
    for marker in sorted({m.group(0).strip() for m in MARKER.finditer(text)}):
        if marker not in allow_markers:
            found.append(Leak(relative, msg("release.leak.marker", marker=marker)))
    if name_pattern is not None:
        for hit in sorted({"".join(groups) for groups in name_pattern.findall(text)}):
            found.append(Leak(relative, msg("release.leak.hidden_test_name", name=hit)))
    lines = [s for s in (raw.strip() for raw in text.splitlines()) if s and not s.startswith("#")]
    joined = "\n" + "\n".join(lines) + "\n"
    for region in regions:
        if "\n" + "\n".join(region.lines) + "\n" in joined:
            found.append(Leak(relative, msg("release.leak.solution", lecture=region.lecture, function=region.function)))
    return found


def _scan_python(relative: str, text: str, bodies: dict[str, str]) -> list[Leak]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.body:
            owner = bodies.get(sources.body_dump(node))
            if owner:
                found.append(Leak(relative, msg("release.leak.reference_body", owner=owner, name=node.name)))
    return found
