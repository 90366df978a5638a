"""Turn one student's submission, whatever its shape, into the ``lectureNN.py`` the engine grades.

A class folder holds one entry per student; each is one of:

- a folder holding ``lectureNN.py`` (and maybe ``lectureNN_quiz.txt`` beside it), graded in place;
- a ``.py`` file with any name (``alice.py``), copied as ``lectureNN.py`` into a private folder;
- a Jupyter notebook (``.ipynb``): its code cells, never executed here (:mod:`autograder.notebook_submission`);
- a ``.zip`` of any of these, extracted safely into a private temporary folder first.

Safe extraction: members with absolute paths, ``..`` components or drive letters make the whole zip
rejected (it was built to write outside the folder); symbolic links and special files are ignored; the
member count and the total uncompressed size are capped (:data:`MAX_MEMBERS`, :data:`MAX_BYTES`), counted
on the bytes actually inflated, not on the sizes the zip claims. Inside a folder or a zip the module is
found at the top or, when it is the only one, in a subfolder (zips often wrap everything in one folder);
without a module, a single notebook is graded instead.

Everything that prevents grading raises :class:`SubmissionError` with a message for the instructor.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path, PurePosixPath

from autograder import paths
from autograder.i18n import msg

MAX_MEMBERS = 2000
MAX_BYTES = 64 * 1024**2
_IGNORED_PARTS = ("__MACOSX", ".ipynb_checkpoints", "__pycache__")


class SubmissionError(ValueError):
    """This submission cannot be graded; the message says why."""


@contextmanager
def gradable(path: str | Path, lecture: int) -> Iterator[Path]:
    """The ``lectureNN.py`` to grade for the submission at ``path``; temporary copies are removed afterwards."""
    path = Path(path)
    module = paths.module_name(lecture)
    with ExitStack() as stack:
        if path.is_dir():
            found = locate(path, module)
        elif path.suffix.lower() == ".zip" and path.is_file():
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="grade-batch-zip-")))
            extract(path, folder)
            found = locate(folder, module)
        elif path.is_file() and path.suffix.lower() in (".py", ".ipynb"):
            found = path
        else:
            raise SubmissionError(msg("batch.unsupported", path=path))
        if found.suffix.lower() == ".ipynb":
            from autograder import notebook_submission

            try:
                converted = stack.enter_context(notebook_submission.as_module(found, module))
            except (notebook_submission.NotebookError, OSError) as exc:
                raise SubmissionError(msg("batch.bad_notebook", path=found.name, error=exc)) from None
            yield converted
            return
        if found.name != f"{module}.py":  # alice.py: the worker imports the module by its file name
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="grade-batch-py-")))
            shutil.copyfile(found, folder / f"{module}.py")
            found = folder / f"{module}.py"
        yield found


def locate(folder: Path, module: str) -> Path:
    """``module``.py in ``folder`` (at the top, else the only one below), else its only notebook."""
    top = folder / f"{module}.py"
    if top.is_file():
        return top
    for pattern in (f"{module}.py", f"{module}.ipynb", "*.ipynb"):
        matches = sorted(p for p in folder.rglob(pattern) if p.is_file() and not _ignored(p.relative_to(folder)))
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(str(p.relative_to(folder)) for p in matches[:5])
            raise SubmissionError(msg("batch.ambiguous", module=module, names=names))
    raise SubmissionError(msg("batch.no_module", module=module))


def _ignored(relative: Path) -> bool:
    return any(part in _IGNORED_PARTS or part.startswith("._") for part in relative.parts)


def extract(archive: Path, into: Path) -> None:
    """Extract the regular files of ``archive`` under ``into``, refusing unsafe paths and oversized content."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_MEMBERS:
                raise SubmissionError(msg("batch.zip_too_many", count=len(members), limit=MAX_MEMBERS))
            total = 0
            for info in members:
                target = _safe_target(info.filename, into)
                mode = info.external_attr >> 16
                if info.is_dir() or (stat.S_IFMT(mode) and not stat.S_ISREG(mode)):  # folders, links, devices
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, open(target, "wb") as sink:
                    while chunk := source.read(1 << 16):
                        total += len(chunk)
                        if total > MAX_BYTES:
                            raise SubmissionError(msg("batch.zip_too_big", limit_mib=MAX_BYTES // 1024**2))
                        sink.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise SubmissionError(msg("batch.bad_zip", error=exc)) from None


def _safe_target(name: str, into: Path) -> Path:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise SubmissionError(msg("batch.zip_unsafe", name=name))
    return into.joinpath(*pure.parts)
