"""What a release filters, read from the single sources (never from the generated copies)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from autograder import paths, registry, stubs
from autograder.i18n import msg

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


class SourceError(ValueError):
    pass


def has_solution(text: str) -> bool:
    return re.search(r"^\s*### BEGIN SOLUTION\s*$", text, re.MULTILINE) is not None


def lecture_test_path(number: int) -> Path:
    return paths.LECTURE_TESTS / f"{paths.module_name(number)}.py"


def strip_hidden(text: str, filename: str = "<lecture>") -> str:
    """A lecture test file without its hidden-test regions (the marker lines go too)."""
    out: list[str] = []
    inside = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        stripped = line.strip()
        if stripped == BEGIN_HIDDEN:
            if inside:
                raise SourceError(msg("release.source.nested", filename=filename, line=number, marker=BEGIN_HIDDEN))
            inside = number
        elif stripped == END_HIDDEN:
            if not inside:
                raise SourceError(
                    msg(
                        "release.source.end_without_begin",
                        filename=filename,
                        line=number,
                        end=END_HIDDEN,
                        begin=BEGIN_HIDDEN,
                    )
                )
            inside = 0
        elif not inside:
            out.append(line)
    if inside:
        raise SourceError(
            msg("release.source.begin_without_end", filename=filename, line=inside, begin=BEGIN_HIDDEN, end=END_HIDDEN)
        )
    return "".join(out)


def public_lecture_source(number: int) -> str:
    path = lecture_test_path(number)
    return strip_hidden(path.read_text(encoding="utf-8"), str(path))


def selected(numbers: list[int] | None) -> list[int]:
    """The lectures a command works on: the given ones (checked) or every lecture with tests."""
    available = registry.available()
    if not numbers:
        return available
    unknown = [n for n in numbers if n not in available]
    if unknown:
        raise SourceError(msg("release.source.no_lecture", numbers=", ".join(map(str, unknown)), available=available))
    return sorted(set(numbers))


def hidden_only_test_names(numbers: list[int]) -> set[str]:
    """Names of the hidden tests of ``numbers`` that no public test of theirs shares."""
    hidden: set[str] = set()
    public: set[str] = set()
    for number in numbers:
        for exercise in registry.load(number).exercises.values():
            for test in exercise.tests:
                (hidden if test.hidden else public).add(test.name)
    return hidden - public


@dataclass(frozen=True)
class SolutionRegion:
    lecture: int
    function: str
    lines: tuple[str, ...]  # stripped, non-empty, non-comment code lines of the region


def solution_regions(number: int) -> list[SolutionRegion]:
    """The code between the solution markers of ``solutions/lectureNN.py``, per region."""
    path = paths.reference_path(number)
    text = path.read_text(encoding="utf-8")
    owners = stubs._function_lines(text)
    regions: list[SolutionRegion] = []
    current: list[str] | None = None
    begin = 0
    for index, line in enumerate(text.splitlines(), start=1):
        marker = re.match(r"^\s*### (BEGIN|END) SOLUTION\s*$", line)
        if marker and marker.group(1) == "BEGIN":
            current, begin = [], index
        elif marker and current is not None:
            lines = tuple(s for s in (raw.strip() for raw in current) if s and not s.startswith("#"))
            if lines:
                regions.append(SolutionRegion(number, owners.get(begin, "<module>"), lines))
            current = None
        elif current is not None:
            current.append(line)
    return regions


def reference_bodies(number: int) -> dict[str, str]:
    """Function name -> ``ast.dump`` of its body (docstring dropped) for every reference function whose
    body the stub does not share: the code a release must never contain, whatever its formatting."""
    text = paths.reference_path(number).read_text(encoding="utf-8")
    stub = {n.name: body_dump(n) for n in ast.walk(ast.parse(stubs.make_stub(text))) if isinstance(n, ast.FunctionDef)}
    secret = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and stub.get(node.name) != body_dump(node):
            secret[node.name] = body_dump(node)
    return secret


def body_dump(node: ast.FunctionDef) -> str:
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return "\n".join(ast.dump(statement) for statement in body)


def public_catalogue(number: int) -> str:
    """``autograder/catalogue/lectureNN.toml`` as a release ships it: only the messages the public tests use.

    The title, every exercise's hint and each ``msg("lectureNN....")`` key named in the public test source;
    a message only hidden tests use would tell students what the hidden tests check, so it stays behind.
    """
    import json

    from autograder.i18n import catalogue

    module = paths.module_name(number)
    public_source = public_lecture_source(number)
    keep = {f"{module}.title"} | {f"{module}.{name}.hint" for name in registry.load(number).exercises}
    keep |= set(re.findall(rf"[\"']({module}\.[A-Za-z0-9_.]+)[\"']", public_source))
    lines = [f"# Lecture {number}'s messages used by its public tests (generated by the release).", ""]
    for key, entry in catalogue().items():
        if key in keep:
            lines += [f"[{key[len(module) + 1 :]}]"] + [
                f"{lang} = {json.dumps(entry[lang], ensure_ascii=False)}" for lang in ("en", "ko")
            ]
            lines.append("")
    return "\n".join(lines)
