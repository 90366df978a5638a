"""The students of a class folder: one entry per student, named by its folder or file.

``SUBMISSIONS/alice/`` (a folder holding ``lectureNN.py``), ``SUBMISSIONS/bob.py``, ``SUBMISSIONS/carol.ipynb``
and ``SUBMISSIONS/dave.zip`` are the submissions of ``alice``, ``bob``, ``carol`` and ``dave``. Hidden entries
(``.name``), ``__pycache__``, ``__MACOSX`` and files of other kinds are not submissions. Two entries with
the same student id (``erin.py`` and ``erin.zip``) are not guessed between: the student gets an error row
that names both.

Each submission has a SHA-256 of its bytes (for a folder: of every regular file's relative path and
content, in sorted order; symbolic links are not followed). The gradebook keeps it, and a resumed batch
regrades only the submissions whose hash changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from autograder.i18n import msg

SUFFIXES = (".py", ".ipynb", ".zip")
_SKIPPED = ("__pycache__", "__MACOSX", ".ipynb_checkpoints")


@dataclass(frozen=True)
class Submission:
    student_id: str
    path: Path
    sha256: str
    problem: str = ""  # set when the entry cannot be graded as it stands (a duplicate student id)


def discover(folder: Path, exclude: tuple[Path, ...] = ()) -> list[Submission]:
    """The submissions in ``folder``, sorted by student id (entries under ``exclude`` are left out)."""
    excluded = {p.resolve() for p in exclude}
    entries: dict[str, list[Path]] = {}
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith(".") or entry.name in _SKIPPED or entry.is_symlink():
            continue
        if entry.resolve() in excluded or any(entry.resolve() in p.parents for p in excluded):
            continue
        if entry.is_dir():
            student = entry.name
        elif entry.is_file() and entry.suffix.lower() in SUFFIXES:
            student = entry.stem
        else:
            continue
        entries.setdefault(student, []).append(entry)
    found = []
    for student, paths in sorted(entries.items()):
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            found.append(Submission(student, paths[0], digest(paths), msg("batch.duplicate_student", names=names)))
        else:
            found.append(Submission(student, paths[0], digest(paths)))
    return found


def digest(paths: list[Path]) -> str:
    """SHA-256 over the bytes of ``paths`` (files, or folders walked in sorted order)."""
    h = hashlib.sha256()
    for path in paths:
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        for file in files:
            name = file.name if file == path else file.relative_to(path).as_posix()
            h.update(name.encode("utf-8", "surrogateescape") + b"\0")
            try:
                with file.open("rb") as handle:
                    while chunk := handle.read(1 << 16):
                        h.update(chunk)
            except OSError:
                h.update(b"<unreadable>")
            h.update(b"\0")
    return h.hexdigest()
