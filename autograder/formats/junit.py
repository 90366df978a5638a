"""JUnit XML (the Ant ``junitreport`` format that GitLab, Jenkins and most CI systems read).

Layout, one ``<testsuite>`` per exercise (the concept quiz included) and one ``<testcase>`` per test run::

    <testsuites name="lecture04" tests=".." failures=".." errors=".." time="..">
      <testsuite name="lecture04.softmax" tests=".." failures=".." errors=".." skipped="0" time="..">
        <properties>
          <property name="score" value="3"/> <property name="max_score" value="4"/> <property name="kind" .../>
        </properties>
        <testcase classname="lecture04.softmax" name="stable_for_large_logits" time="0.002">
          <failure message="first line of the reason" type="failed">the whole reason</failure>
          <system-out>what the student's code printed</system-out>
        </testcase>
      </testsuite>
    </testsuites>

A failed or not-yet-implemented test has a ``<failure>`` (``type`` says which), a test whose student code
raised or crashed has an ``<error>``; there is never a ``<skipped>``: hidden tests that were not run are
simply absent. ``tests/data/junit.xsd`` is the schema the kit's tests validate this output against.

Student code controls the messages and the captured output, so every text goes through :func:`xml_text`:
characters XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF) are written as
visible escapes (:mod:`autograder.formats.text`), and ElementTree escapes the markup characters.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from autograder import paths
from autograder.formats.text import visible_controls
from autograder.results import ExerciseResult, LectureResult, TestResult

MESSAGE_ATTRIBUTE_CHARS = 300  # the ``message`` attribute is a one-line summary; the element holds the rest


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold (and other controls) as a visible escape.

    A carriage return is escaped too: XML parsers turn a literal one into a newline.
    """
    return visible_controls(text, keep="\t\n")


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def _points(value: float) -> str:
    return f"{value:g}"


def _testcase(suite: ET.Element, classname: str, test: TestResult) -> None:
    case = ET.SubElement(
        suite, "testcase", classname=classname, name=xml_text(test.name), time=_seconds(test.duration_s)
    )
    if not test.passed:
        tag = "error" if test.status == "error" else "failure"
        first_line = next(iter(test.message.strip().splitlines()), test.status)
        problem = ET.SubElement(
            case, tag, message=xml_text(first_line[:MESSAGE_ATTRIBUTE_CHARS]), type=xml_text(test.status)
        )
        problem.text = xml_text(test.message)
    if test.output:
        ET.SubElement(case, "system-out").text = xml_text(test.output)


def _testsuite(parent: ET.Element, module: str, exercise: ExerciseResult) -> tuple[int, int, int, float]:
    classname = xml_text(f"{module}.{exercise.name}")
    failures = sum(t.status not in ("passed", "error") for t in exercise.tests)
    errors = sum(t.status == "error" for t in exercise.tests)
    seconds = sum(t.duration_s for t in exercise.tests)
    suite = ET.SubElement(
        parent,
        "testsuite",
        name=classname,
        tests=str(len(exercise.tests)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=_seconds(seconds),
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("score", _points(exercise.score)),
        ("max_score", _points(exercise.max_score)),
        ("kind", exercise.kind),
        ("device", str(exercise.device).lower()),
    ):
        ET.SubElement(properties, "property", name=name, value=xml_text(value))
    for test in exercise.tests:
        _testcase(suite, classname, test)
    return len(exercise.tests), failures, errors, seconds


def to_element(result: LectureResult) -> ET.Element:
    """The ``<testsuites>`` element of ``result``."""
    module = paths.module_name(result.lecture)
    root = ET.Element("testsuites", name=module)
    totals = [_testsuite(root, module, exercise) for exercise in result.exercises]
    root.set("tests", str(sum(t[0] for t in totals)))
    root.set("failures", str(sum(t[1] for t in totals)))
    root.set("errors", str(sum(t[2] for t in totals)))
    root.set("time", _seconds(result.duration_s))
    return root


def render(result: LectureResult) -> str:
    """``grade --format junit``: the whole document, UTF-8, with an XML declaration."""
    root = to_element(result)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
