"""The students' answer sheet: ``assignments/lectureNN_quiz.txt``.

The sheet is plain text with one ``qN = answer`` line per question; every other line is a ``#`` comment
(the questions themselves, in Korean and English). Students cannot break it easily: quotes are optional,
``:`` works like ``=``, letters and ids are case-insensitive, ``O``/``X`` and ``참``/``거짓`` count as
true/false, and a line the parser cannot read names its line number and the form it expects. Files saved
by Korean Windows editors (CP949) are read too, with a note.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder import paths
from autograder.i18n import msg, template
from autograder.quiz.key import LETTERS, Question, Quiz

MAX_BYTES = 256 * 1024
_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\s*[=:]\s*(.*)$")
_TRUE = {"true", "t", "yes", "y", "o", "1", "참", "맞음", "예", "네"}
_FALSE = {"false", "f", "no", "n", "x", "0", "거짓", "틀림", "아니오", "아니요"}


def sheet_path(number: int, beside: Path | None = None) -> Path:
    """Where the sheet of lecture ``number`` lives: in ``assignments/`` or beside a submitted module."""
    name = f"{paths.module_name(number)}_quiz.txt"
    if beside is None:
        return paths.ASSIGNMENTS / name
    return (beside if beside.is_dir() else beside.parent) / name


# --- writing ------------------------------------------------------------------------------------------


def _both(key: str, **values: object) -> list[str]:
    return [template(key, "ko").format(**values), template(key, "en").format(**values)]


def blank_sheet(quiz: Quiz, title_ko: str, title_en: str) -> str:
    """The sheet students fill in: every question as comments, then an empty ``qN =`` line."""
    titles = (("ko", title_ko), ("en", title_en))  # each language's title on its own line
    lines = [f"# {template('quiz.sheet_title', lang).format(number=quiz.lecture, title=t)}" for lang, t in titles]
    lines.append("#")
    for key in ("quiz.sheet_how", "quiz.sheet_choice", "quiz.sheet_truefalse", "quiz.sheet_numeric"):
        lines += [f"# {line}" for line in _both(key, number=quiz.lecture)]
    for question in quiz.questions:
        kind = _both(f"quiz.kind_{question.kind}")
        lines += ["", "# " + "-" * 70]
        lines.append(f"# {question.id}  ({kind[0]} / {kind[1]}, {question.points:g})")
        for language in ("ko", "en"):
            lines += [f"# {part}" for part in question.text[language].splitlines()]
        for i, (ko, en) in enumerate(zip(question.choices.get("ko", ()), question.choices.get("en", ()))):
            lines.append(f"#   {LETTERS[i]}) {ko}" + (f"  /  {en}" if en != ko else ""))
        lines.append(f"{question.id} = ")
    return "\n".join(lines) + "\n"


def filled_sheet(quiz: Quiz) -> str:
    """A sheet with the key's answers (the reference: ``grade lectureN --reference``)."""

    def shown(q: Question) -> str:
        if q.kind == "truefalse":
            return "true" if q.answer else "false"
        return f"{q.answer:g}" if q.kind == "numeric" else str(q.answer)

    return "".join(f"{q.id} = {shown(q)}\n" for q in quiz.questions)


# --- reading ------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """What a sheet says: raw answers by question id (with their line numbers) and the problems found."""

    answers: dict[str, tuple[str, int]] = field(default_factory=dict)
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # messages about lines that are not answers
    notes: list[str] = field(default_factory=list)  # e.g. the encoding it was read in
    unreadable: str = ""  # set when the file could not be read at all
    missing: bool = False  # no sheet at all (the quiz is not started: like a stub, "not implemented")


def read_sheet(path: Path, quiz: Quiz) -> Sheet:
    """Parse the sheet at ``path``; never raises for a bad file (the problems are in the result)."""
    sheet = Sheet()
    try:
        data = path.read_bytes()[: MAX_BYTES + 1]
    except FileNotFoundError:
        sheet.missing = True
        sheet.unreadable = msg("quiz.no_sheet", path=path.name)
        return sheet
    except OSError as exc:
        sheet.unreadable = msg("quiz.cannot_read", path=path.name, reason=exc.strerror or type(exc).__name__)
        return sheet
    if len(data) > MAX_BYTES:
        sheet.unreadable = msg("quiz.too_big", path=path.name, limit=MAX_BYTES // 1024)
        return sheet
    text = _decode(data, path, sheet)
    if text is None:
        return sheet
    if not text.strip():
        sheet.notes.append(msg("quiz.empty_sheet", path=path.name))
    parse_text(text, quiz, sheet)
    return sheet


def _decode(data: bytes, path: Path, sheet: Sheet) -> str | None:
    if b"\x00" in data:
        sheet.unreadable = msg("quiz.not_text", path=path.name)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        sheet.unreadable = msg("quiz.bad_encoding", path=path.name)
        return None
    sheet.notes.append(msg("quiz.read_as_cp949", path=path.name))
    return text


def parse_text(text: str, quiz: Quiz, sheet: Sheet) -> Sheet:
    """Fill ``sheet`` from the sheet's text."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _LINE.match(line)
        if not match:
            sheet.problems.append(msg("quiz.bad_line", line=number, text=raw.strip()[:60]))
            continue
        ident, value = match.group(1).lower(), _unquote(match.group(2).strip())
        if quiz.question(ident) is None:
            sheet.problems.append(
                msg("quiz.unknown_question", line=number, id=match.group(1), last=quiz.questions[-1].id)
            )
            continue
        if ident in sheet.answers:
            sheet.duplicates.setdefault(ident, [sheet.answers[ident][1]]).append(number)
        sheet.answers[ident] = (value, number)
    return sheet


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def normalise(question: Question, value: str) -> str | bool | float:
    """A raw answer as the key compares it; raises ``ValueError`` with the student's message otherwise."""
    if question.kind == "choice":
        letters = LETTERS[: len(question.choices["en"])]
        letter = value.strip("()[]. ").lower()  # "b", "B", "(b)", "b)", "b."
        if len(letter) == 1 and letter in letters:
            return letter
        raise ValueError(msg("quiz.expects_letter", id=question.id, value=value, letters=", ".join(letters)))
    if question.kind == "truefalse":
        word = value.strip(" .").lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ValueError(msg("quiz.expects_truefalse", id=question.id, value=value))
    try:
        number = float(value.replace("\u2212", "-").replace(" ", ""))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValueError(msg("quiz.expects_number", id=question.id, value=value))
    return number
