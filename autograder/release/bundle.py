"""The student release: a folder and a zip a student unpacks and uses with two commands.

It holds the stubs (generated from ``solutions/`` now, so never stale), the public tests (the lecture test
files with their hidden regions cut out), the engine and the CLI, a ``pyproject.toml`` and a student
README. It never holds ``solutions/``, hidden tests, the kit's own tests and variants, or this package.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from autograder import paths, registry, stubs
from autograder.release import sources

INSTALL = "python -m pip install -e ."
# stubs.py needs solutions/; release/ and batch/ are instructor tooling (grade release, grade batch)
ENGINE_EXCLUDE = {"release", "batch", "lectures", "__pycache__", "stubs.py"}

PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "dl-grading-kit-student"
version = "{version}"
description = "Deep learning course exercises with their public autograder tests"
requires-python = ">=3.11"
dependencies = [{dependencies}]

[project.scripts]
grade = "cli:main"

[tool.setuptools]
py-modules = ["cli"]

[tool.setuptools.packages.find]
include = ["autograder*"]

[tool.setuptools.package-data]
autograder = ["catalogue/*.toml", "quizzes/*.json"]
"""

README = """# Deep learning exercises: student release

Lectures: {lectures}.

## Two commands

```bash
{install}        # once, in this folder (Python 3.11+; a virtual environment is a good idea)
grade lecture{first}                        # grade assignments/lecture{first:02d}.py
```

(Installing torch first with `python -m pip install torch --index-url https://download.pytorch.org/whl/cpu`
avoids a multi-GB CUDA download on machines without a GPU.)

## Working on an exercise

Edit `assignments/lectureNN.py`: every function raises `NotImplementedError` until you write it, and its
docstring gives the math, the shapes and a hint.

```bash
grade list                                   # lectures, exercises and points
grade lecture{first} -e NAME                         # one exercise while you work on it
grade lecture{first} --submission ~/work/lecture{first:02d}.py     # a file, or a folder holding it
grade lecture{first} --submission lecture{first:02d}.ipynb         # a Jupyter notebook (its code cells)
```

These are the public tests. Your course also grades with hidden tests of the same functions, so a full
public score is necessary, not sufficient: test edge cases (zeros, large values, other shapes) yourself.
"""


def _copy_engine(target: Path) -> None:
    source = paths.ROOT / "autograder"
    for path in sorted(source.rglob("*.py")):
        relative = path.relative_to(source)
        if relative.parts[0] in ENGINE_EXCLUDE:
            continue
        destination = target / "autograder" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    (target / "autograder" / "lectures").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "lectures" / "__init__.py", target / "autograder" / "lectures" / "__init__.py")
    (target / "autograder" / "catalogue").mkdir(parents=True, exist_ok=True)
    for path in sorted((source / "catalogue").glob("*.toml")):
        if not path.stem.startswith("lecture"):  # a lecture's own messages: see sources.public_catalogue
            shutil.copyfile(path, target / "autograder" / "catalogue" / path.name)
    shutil.copyfile(paths.ROOT / "cli.py", target / "cli.py")


def _copy_quiz(number: int, out: Path) -> None:
    """The quiz's blank answer sheet and its public self-check copy (salted hashes; the key stays behind)."""
    from autograder.quiz import selfcheck
    from autograder.quiz.generate import files_for
    from autograder.quiz.key import has_key

    if not has_key(number):
        return
    for generated, text in files_for(number).items():
        relative = generated.relative_to(paths.ROOT)
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_text(text, encoding="utf-8")
    assert selfcheck.public_path(number).relative_to(paths.ROOT).parts[0] == "autograder"


def _project_metadata() -> tuple[str, str]:
    import tomllib

    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies = ", ".join(f'"{d}"' for d in project["dependencies"])
    return project["version"], dependencies


def build(numbers: list[int] | None, out: Path) -> tuple[Path, Path]:
    """Write the student release of ``numbers`` (every lecture when empty) to ``out`` and ``out``.zip."""
    chosen = sources.selected(numbers)
    out = Path(out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    _copy_engine(out)
    (out / "assignments").mkdir()
    titles = []
    for number in chosen:
        name = paths.module_name(number)
        (out / "autograder" / "lectures" / f"{name}.py").write_text(
            sources.public_lecture_source(number), encoding="utf-8"
        )
        (out / "assignments" / f"{name}.py").write_text(stubs.stub_for(number), encoding="utf-8")
        (out / "autograder" / "catalogue" / f"{name}.toml").write_text(sources.public_catalogue(number), "utf-8")
        _copy_quiz(number, out)
        titles.append(f"{number} ({registry.load(number).title})")
    version, dependencies = _project_metadata()
    (out / "pyproject.toml").write_text(PYPROJECT.format(version=version, dependencies=dependencies), "utf-8")
    readme = README.format(lectures=", ".join(titles), install=INSTALL, first=chosen[0])
    (out / "README.md").write_text(readme, encoding="utf-8")
    return out, make_zip(out)


def make_zip(folder: Path) -> Path:
    """``folder``.zip holding ``folder``'s files under a top-level folder of the same name."""
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, Path(folder.name) / path.relative_to(folder))
    return archive
