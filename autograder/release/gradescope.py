"""The Gradescope autograder: one zip per lecture, and the run that writes ``results.json``.

The zip holds ``setup.sh`` (installs the kit once per image), ``run_autograder`` (run per submission) and
``kit/`` (the whole kit, hidden tests and reference included: this zip is for the instructor's Gradescope
account, never for students). ``run_autograder`` calls ``python3 -m autograder.release.gradescope run``:
that grading process grades ``/autograder/submission`` (a ``lectureNN.py`` or ``.ipynb``) with public and
hidden tests, the student's code running only in the worker, and writes ``/autograder/results/results.json``
itself, once, atomically, after the worker has stopped. Hidden tests are ``after_published``.

The schema and the conversion are :mod:`autograder.formats.gradescope`'s (``grade --format gradescope``).
"""

from __future__ import annotations

import argparse
import time
import zipfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from autograder import paths
from autograder.formats.gradescope import VISIBILITIES, failure_results, to_results, validate  # noqa: F401
from autograder.formats.text import json_text
from autograder.release import sources

KIT_FILES = ("pyproject.toml", "cli.py", "README.md")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu, as root, in /autograder/source).
set -euo pipefail
cd "$(dirname "$0")/kit"
if ! command -v pip3 >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq python3 python3-pip
fi
apt-get install -y -qq bubblewrap || true   # the sandboxed worker when the image allows namespaces
python3 -m pip install --quiet torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
python3 -m pip install --quiet -e .
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. The grading process writes results.json; student code runs
# only in the kit's worker and never sees this file's folder or the results folder's final file.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
cd "$ROOT/source/kit"
exec python3 -m autograder.release.gradescope run --lecture {number} --root "$ROOT"
"""


def build(numbers: list[int] | None, out: Path) -> list[Path]:
    """One ``gradescope-lectureNN.zip`` per lecture under ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return [_build_one(number, out) for number in sources.selected(numbers)]


def _build_one(number: int, out: Path) -> Path:
    archive = out / f"gradescope-{paths.module_name(number)}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER.format(number=number))):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16  # executable: Gradescope runs both files directly
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, text)
        for name in KIT_FILES:
            bundle.write(paths.ROOT / name, f"kit/{name}")
        for path in _kit_files(number):
            bundle.write(path, f"kit/{path.relative_to(paths.ROOT).as_posix()}")
    return archive


def _kit_files(number: int) -> list[Path]:
    """The engine and its message catalogue, and of the lectures only this one's tests, reference and quiz key."""
    module = paths.module_name(number)
    chosen = []
    for path in sorted((paths.ROOT / "autograder").rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        if path.parent == paths.LECTURE_TESTS and path.stem not in ("__init__", module):
            continue
        chosen.append(path)
    chosen += sorted((paths.ROOT / "autograder" / "catalogue").glob("*.toml"))  # every message, both languages
    from autograder.quiz.key import key_path

    key = [key_path(number)] if key_path(number).is_file() else []  # the quiz's answer key (hidden, like the reference)
    return [*chosen, paths.reference_path(number), *key]


def unpack(archive: Path, source: Path) -> None:
    """Unzip like Gradescope does (into ``/autograder/source``), keeping the executable bits."""
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            target = bundle.extract(info, source)
            mode = info.external_attr >> 16
            if mode & 0o111:
                Path(target).chmod(mode & 0o777)


# --- the run --------------------------------------------------------------------------------------------


def find_submission(folder: Path, number: int) -> Path | None:
    """``lectureNN.py`` or ``lectureNN.ipynb`` anywhere under ``folder``, else its only .py / .ipynb file."""
    module = paths.module_name(number)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".ipynb"))
    for suffix in (".py", ".ipynb"):
        named = [p for p in files if p.name == module + suffix]
        if named:
            return named[0]
    return files[0] if len(files) == 1 else None


def run(number: int, root: Path, device: str = "auto", timeout: float = 10.0) -> dict[str, Any]:
    """Grade ``root``/submission on lecture ``number`` and write ``root``/results/results.json."""
    from autograder import notebook_submission, runner
    from autograder.isolation import Limits
    from autograder.results import write_atomic

    started = time.perf_counter()
    submission = find_submission(root / "submission", number)
    if submission is None:
        data = failure_results(f"No {paths.module_name(number)}.py or .ipynb found in the submission.")
    else:
        try:
            with ExitStack() as stack:
                graded = submission
                if submission.suffix == ".ipynb":
                    graded = stack.enter_context(notebook_submission.as_module(submission, paths.module_name(number)))
                options = runner.GradeOptions(hidden=True, device=device, limits=Limits(call_timeout=timeout))
                result = runner.grade(number, graded, options)
                result.submission = str(submission)
            data = to_results(result)
        except notebook_submission.NotebookError as exc:
            data = failure_results(f"{submission.name}: {exc}")
    data["execution_time"] = round(time.perf_counter() - started, 3)
    # json_text: student output may hold a lone surrogate, which plain UTF-8 encoding refuses
    write_atomic(root / "results" / "results.json", json_text(data) + "\n")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.release.gradescope")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="grade /autograder/submission, write results/results.json")
    run_parser.add_argument("--lecture", type=int, required=True)
    run_parser.add_argument("--root", type=Path, default=Path("/autograder"))
    run_parser.add_argument("--device", default="auto")
    args = parser.parse_args(argv)
    data = run(args.lecture, args.root, args.device)
    print(data["output"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
