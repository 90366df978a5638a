"""One source of truth: assignments/ are generated from solutions/, and hidden tests are marked."""

import ast
import re

from autograder import paths, registry, stubs


def test_assignments_are_up_to_date_with_solutions():
    stale = stubs.out_of_date()
    assert not stale, f"run `python -m autograder.stubs`: {stale}"


def test_stub_generation_replaces_solution_regions():
    source = (
        'import numpy as np\n\n\ndef f(x):\n    """Doc."""\n'
        "    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    )
    stub = stubs.make_stub(source)
    assert 'raise NotImplementedError("f: not implemented yet")' in stub
    assert "return x" not in stub and "Doc." in stub and "SOLUTION" not in stub


def test_every_reference_function_has_a_solution_region_and_a_docstring():
    for number in stubs.lectures_with_solutions():
        text = paths.reference_path(number).read_text(encoding="utf-8")
        lines = text.split("\n")
        nodes = ast.parse(text).body
        for i, node in enumerate(nodes):
            if not isinstance(node, ast.FunctionDef):
                continue
            where = f"lecture {number}: {node.name}"
            assert ast.get_docstring(node), f"{where} has no docstring"
            # The region's closing marker is a comment after the last statement, before the next definition.
            end = nodes[i + 1].lineno - 1 if i + 1 < len(nodes) else len(lines)
            body = "\n".join(lines[node.lineno - 1 : end])
            assert stubs.BEGIN in body and stubs.END in body, f"{where} has no solution region"


def test_hidden_tests_sit_between_hidden_markers_and_public_ones_do_not():
    for number in registry.available():
        path = paths.LECTURE_TESTS / f"lecture{number:02d}.py"
        lines = path.read_text(encoding="utf-8").splitlines()
        inside, regions = False, []
        for i, line in enumerate(lines, start=1):
            if line.strip() == "### BEGIN HIDDEN TESTS":
                assert not inside, f"{path}:{i} nested marker"
                inside, start = True, i
            elif line.strip() == "### END HIDDEN TESTS":
                assert inside, f"{path}:{i} unbalanced marker"
                inside = False
                regions.append((start, i))
        assert not inside, f"{path}: unclosed hidden region"
        tree = ast.parse("\n".join(lines))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                text = ast.unparse(deco)
                if not re.search(r"\.test\(", text):
                    continue
                hidden = "hidden=True" in text
                in_region = any(a < node.lineno < b for a, b in regions)
                assert hidden == in_region, f"{path}:{node.lineno} {node.name}: hidden={hidden}, in region={in_region}"


def test_every_stub_docstring_keeps_korean_terms_beside_the_english():
    """Students read the stubs: each function's docstring is English with the course's Korean terms."""
    hangul, latin = re.compile("[\uac00-\ud7a3]"), re.compile("[A-Za-z]{3,}")
    for number in stubs.lectures_with_solutions():
        tree = ast.parse(paths.assignment_path(number).read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                doc = ast.get_docstring(node) or ""
                assert hangul.search(doc) and latin.search(doc), f"lecture {number}: {node.name}"
