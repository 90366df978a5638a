"""`grade`: the command-line entry point of the kit.

    grade lecture4                      grade assignments/lecture04.py with the public tests
    grade lecture4 --submission PATH    grade another lecture04.py (or a folder holding one)
    grade lecture4 --reference --hidden the hidden reference solution with public and hidden tests
    grade lecture4 --json results.json  also write machine-readable results
    grade list                          lectures, exercises and points
    grade release [LECTURES] --out DIR  student release folder + zip (--notebooks, --gradescope)
    grade verify [LECTURES]             the instructor's pre-release check with the mutation self-check
    grade batch CLASS -l 4 --out DIR    grade a class: resumable SQLite gradebook, CSV, feedback, report
    grade lecture4 --lang ko            every message in Korean (or en; default: GRADE_LANG, then the locale)

Exit status: 0 when grading completed (whatever the score); 1 when ``--fail-under`` was not reached;
2 for a usage error or a submission that cannot be found.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Optional

import typer

from autograder import paths, registry
from autograder.formats import FORMATS
from autograder.i18n import LANGUAGES, area, language, msg, set_language, template


def language_from_argv(argv: list[str]) -> str | None:
    """The language that ``--lang X`` or ``--lang=X`` asks for in ``argv`` (``None`` when none is valid).

    Typer builds every help text when the commands are declared, so the language has to be known before
    that: this scan runs at import time. The option is also declared on every command (see :data:`LangOpt`)
    so that typer accepts it, and its callback validates it.
    """
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        if value.strip().lower() in LANGUAGES:
            return value.strip().lower()
    return None


def _speak_typer(lang: str) -> None:
    """Typer's own words ("Options", "Commands", "default: ...") in ``lang``.

    Typer writes them through ``gettext`` (bound as ``_`` in ``typer.core``), which has no Korean: this
    rebinds that ``_`` to a lookup of the catalogue's ``cli.typer.*`` entries, matched by their English
    text (typer's msgid). English keeps gettext. (Typer's vendored click writes "Usage:" and its error
    lines without gettext; they stay English.)
    """
    import gettext

    import typer.core

    if lang == "en" or typer.core.__dict__.get("_") is not gettext.gettext:
        return
    table = {template(k, "en"): template(k, lang) for k in area("cli") if k.startswith("cli.typer.")}

    def translate(message: str) -> str:
        return table.get(message, message)

    typer.core._ = translate  # type: ignore[attr-defined]


_ARGV_LANGUAGE = language_from_argv(sys.argv[1:])
if _ARGV_LANGUAGE is not None:
    set_language(_ARGV_LANGUAGE)
_speak_typer(language())


def _choose_language(value: str | None) -> str | None:
    """``--lang``'s callback: a usage error for anything but ko/en, else that language from now on."""
    if value is None:
        return None
    if value.strip().lower() not in LANGUAGES:
        raise typer.BadParameter(msg("cli.usage.unknown_language", value=value))
    set_language(value.strip().lower())
    _speak_typer(language())
    return value


LangOpt = Annotated[
    Optional[str],  # noqa: UP045 - typer reads this annotation at run time
    typer.Option(
        "--lang",
        help=msg("cli.opt.lang"),
        callback=_choose_language,
        is_eager=True,
        metavar="ko|en",
        show_default=False,
    ),
]

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help=msg("cli.help"),
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _options(lang: LangOpt = None) -> None:
    """Options before the command (``grade --lang ko list``)."""


SubmissionOpt = Annotated[
    Optional[Path],  # noqa: UP045 - typer reads this annotation at run time
    typer.Option("--submission", "-s", help=msg("cli.opt.submission")),
]


def _grade_command(number: int):
    def command(
        submission: SubmissionOpt = None,
        reference: Annotated[bool, typer.Option(help=msg("cli.opt.reference"))] = False,
        hidden: Annotated[bool, typer.Option(help=msg("cli.opt.hidden"))] = False,
        json_file: Annotated[
            Optional[Path], typer.Option("--json", help=msg("cli.opt.json"))  # noqa: UP045
        ] = None,
        fail_under: Annotated[
            Optional[float],  # noqa: UP045
            typer.Option(help=msg("cli.opt.fail_under")),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help=msg("cli.opt.quiet"))] = False,
        device: Annotated[str, typer.Option(help=msg("cli.opt.device"))] = "auto",
        timeout: Annotated[float, typer.Option(help=msg("cli.opt.timeout"))] = 10.0,
        sandbox: Annotated[str, typer.Option(help=msg("cli.opt.sandbox"))] = "auto",
        exercise: Annotated[
            Optional[list[str]],  # noqa: UP045
            typer.Option("--exercise", "-e", help=msg("cli.opt.exercise")),
        ] = None,
        fmt: Annotated[
            Optional[str],  # noqa: UP045
            typer.Option("--format", help=msg("formats.cli.format_help", choices=", ".join(FORMATS))),
        ] = None,
        out: Annotated[
            Optional[Path], typer.Option("--out", help=msg("formats.cli.out_help"))  # noqa: UP045
        ] = None,
        lang: LangOpt = None,
    ) -> None:
        raise typer.Exit(
            run_grade(
                number,
                submission,
                reference,
                hidden,
                json_file,
                fail_under,
                quiet,
                device,
                timeout,
                exercise,
                sandbox,
                fmt=fmt,
                out=out,
            )
        )

    command.__doc__ = msg("cli.command.grade", number=number)
    return command


def run_grade(
    number: int,
    submission: Path | None,
    reference: bool,
    hidden: bool,
    json_file: Path | None,
    fail_under: float | None,
    quiet: bool,
    device: str,
    timeout: float,
    exercises: list[str] | None,
    sandbox_mode: str = "auto",
    fmt: str | None = None,
    out: Path | None = None,
) -> int:
    """Grade one lecture and report; returns the exit status.

    ``fmt`` (``--format``) also writes the results in that format (``autograder.formats``) to ``out``, or
    to stdout without ``--out``: the report then goes to stderr, so stdout holds the machine's text only.
    With ``GITHUB_STEP_SUMMARY`` set, a Markdown summary is appended there whatever the format.
    """
    from autograder.report import make_console

    err = make_console(sys.stderr)
    if fmt is not None and fmt not in FORMATS:
        err.print(msg("cli.error", error=msg("formats.cli.unknown_format", choices=", ".join(FORMATS), value=fmt)))
        return 2
    if out is not None and fmt is None:
        err.print(msg("cli.error", error=msg("formats.cli.out_without_format")))
        return 2
    if reference and submission is not None:
        err.print(msg("cli.error", error=msg("cli.usage.reference_and_submission")))
        return 2
    if device not in ("auto", "cpu", "cuda"):
        err.print(msg("cli.error", error=msg("cli.usage.device", device=device)))
        return 2
    from autograder import sandbox

    try:
        sandbox_mode = sandbox.choose(sandbox_mode)
    except (ValueError, sandbox.SandboxUnavailable) as exc:
        err.print(msg("cli.error", error=msg("cli.usage.sandbox", error=exc)))
        return 2
    if fail_under is not None and not 0 <= fail_under <= 100:
        err.print(msg("cli.error", error=msg("cli.usage.fail_under")))
        return 2
    try:
        path = paths.reference_path(number) if reference else paths.find_submission(number, submission)
        if not path.is_file():
            raise FileNotFoundError(msg("engine.no_reference", path=path))
    except FileNotFoundError as exc:
        err.print(msg("cli.error", error=exc))
        return 2
    lecture = registry.load(number)
    from autograder.quiz.grading import available as quiz_available
    from autograder.quiz.sheet import sheet_path as quiz_sheet_path

    if exercises:
        unknown = [e for e in exercises if e not in lecture.exercises and not (e == "quiz" and quiz_available(number))]
        if unknown:
            err.print(
                msg("cli.error", error=msg("cli.usage.unknown_exercise", number=number, names=", ".join(unknown)))
            )
            return 2

    from autograder import report, runner
    from autograder.isolation import Limits

    if device == "cuda":
        from autograder.timing import resolve_device

        try:
            resolve_device("cuda")
        except ValueError as exc:
            err.print(msg("cli.error", error=exc))
            return 2
    options = runner.GradeOptions(
        hidden=hidden,
        device=device,
        limits=Limits(call_timeout=timeout),
        exercises=exercises,
        sandbox=sandbox_mode,
        quiz_sheet=None if reference else quiz_sheet_path(number, beside=path),
        quiz_reference=reference,
    )
    console = make_console(sys.stderr if fmt is not None and out is None else None)
    total = sum(
        len([t for t in lecture.exercises[e].tests if hidden or not t.hidden])
        for e in (exercises or lecture.exercises)
        if e in lecture.exercises  # the quiz is graded at once, without progress steps
    )
    with ExitStack() as stack:
        graded = path
        if path.suffix == ".ipynb":  # its code cells, extracted (never executed here) into a private folder
            from autograder import notebook_submission

            try:
                graded = stack.enter_context(notebook_submission.as_module(path, paths.module_name(number)))
            except notebook_submission.NotebookError as exc:
                err.print(msg("cli.error", error=msg("cli.usage.notebook", path=path, error=exc)))
                return 2
        with report.progress_display(console if not quiet else make_console(sys.stderr), total) as hook:
            result = runner.grade(number, graded, options, progress=hook)
        result.submission = str(path)
    written = _write_outputs(result, json_file, fmt, out, err)
    if quiet:
        console.print(report.summary_line(result))
    else:
        report.render(result, console)
    if not written:
        return 2
    if fail_under is not None and result.percent < fail_under:
        if not quiet:
            console.print(msg("cli.below_fail_under", percent=result.percent, fail_under=fail_under))
        return 1
    return 0


def _write_outputs(result, json_file: Path | None, fmt: str | None, out: Path | None, err) -> bool:
    """``--json``, ``--format``/``--out`` and the ``$GITHUB_STEP_SUMMARY`` section; False when a write failed."""
    from autograder import formats

    wanted = ([("json", json_file)] if json_file is not None else []) + ([(fmt, out)] if fmt is not None else [])
    for name, path in wanted:
        try:
            formats.write(result, name, path)
        except OSError as exc:
            reason = exc.strerror or exc
            err.print(msg("cli.error", error=msg("formats.cli.write_failed", path=path or "stdout", reason=reason)))
            return False
    try:
        formats.append_step_summary(result)
    except OSError as exc:  # a summary that cannot be written never fails the grading run
        err.print(msg("formats.cli.summary_failed", path=exc.filename, reason=exc.strerror or exc))
    return True


@app.command("list", help=msg("cli.command.list"))
def list_lectures(lang: LangOpt = None) -> None:
    """Show the lectures, their exercises and points (public + hidden)."""
    from rich.table import Table
    from rich.text import Text

    from autograder.report import make_console

    console = make_console()
    table = Table(box=None, pad_edge=False)
    table.add_column(msg("cli.list.lecture"), min_width=30)
    for column in ("cli.list.public", "cli.list.hidden", "cli.list.tests"):
        table.add_column(msg(column), justify="right")
    from autograder.quiz.grading import load_quiz

    for number in registry.available():
        lecture = registry.load(number)
        exercises = list(lecture.exercises.values())
        quiz = load_quiz(number)
        public = sum(ex.max_points(hidden=False) for ex in exercises) + (quiz.max_points if quiz else 0)
        everything = sum(ex.max_points(hidden=True) for ex in exercises) + (quiz.max_points if quiz else 0)
        table.add_row(
            Text(f"lecture{number}  {lecture.display_title}", style="bold"),
            f"{public:g}",
            f"{everything - public:g}",
            str(sum(len(ex.tests) for ex in exercises) + (len(quiz.questions) if quiz else 0)),
        )
        for ex in exercises:
            public = ex.max_points(hidden=False)
            table.add_row(
                Text("  " + ex.name + (" [device]" if ex.device else "")),
                f"{public:g}",
                f"{ex.max_points(hidden=True) - public:g}",
                str(len(ex.tests)),
            )
        if quiz:
            table.add_row(Text("  " + msg("cli.list.quiz")), f"{quiz.max_points:g}", "0", str(len(quiz.questions)))
    console.print(table)


LecturesArg = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Argument(help=msg("cli.opt.lectures"), show_default=False),
]


def _lecture_numbers(names: list[str] | None) -> list[int]:
    numbers = []
    for name in names or []:
        number = registry.parse(name)
        if number is None or number not in registry.available():
            raise typer.BadParameter(msg("cli.usage.unknown_lecture", name=name))
        numbers.append(number)
    return numbers


def _instructor_tools() -> None:
    if _STUDENT_RELEASE or not paths.SOLUTIONS.is_dir():
        print(msg("cli.error", error=msg("cli.usage.instructor_only")))
        raise typer.Exit(2)


# A student release has no instructor tooling: its CLI does not list these commands.
_STUDENT_RELEASE = not (Path(paths.__file__).resolve().parent / "release" / "__init__.py").is_file()


@app.command("release", hidden=_STUDENT_RELEASE, help=msg("cli.command.release"))
def release_command(
    lectures: LecturesArg = None,
    out: Annotated[Path, typer.Option(help=msg("cli.opt.release_out"))] = Path("release"),
    notebooks: Annotated[bool, typer.Option(help=msg("cli.opt.notebooks"))] = False,
    gradescope: Annotated[bool, typer.Option(help=msg("cli.opt.gradescope"))] = False,
    lang: LangOpt = None,
) -> None:
    """Build the student release (OUT/student and OUT/student.zip) and scan it for leaks."""
    _instructor_tools()
    from autograder.release import cli_commands

    raise typer.Exit(cli_commands.release(_lecture_numbers(lectures), out, notebooks, gradescope))


@app.command("verify", hidden=_STUDENT_RELEASE, help=msg("cli.command.verify"))
def verify_command(
    lectures: LecturesArg = None,
    mutants: Annotated[bool, typer.Option(help=msg("cli.opt.mutants"))] = True,
    per_mutant: Annotated[float, typer.Option(help=msg("cli.opt.per_mutant"))] = 60.0,
    min_kill_rate: Annotated[float, typer.Option(help=msg("cli.opt.min_kill_rate"))] = 90.0,
    json_file: Annotated[
        Optional[Path], typer.Option("--json", help=msg("cli.opt.verify_json"))  # noqa: UP045
    ] = None,
    lang: LangOpt = None,
) -> None:
    """The instructor's pre-release check (reference, stubs, tests, leaks, mutation kill rate)."""
    _instructor_tools()
    from autograder.release import verify

    raise typer.Exit(verify.main(_lecture_numbers(lectures), mutants, per_mutant, json_file, min_kill_rate))


@app.command("batch", hidden=_STUDENT_RELEASE, help=msg("batch.cli.command"))
def batch_command(
    submissions: Annotated[Path, typer.Argument(help=msg("batch.cli.submissions"), show_default=False)],
    lecture: Annotated[str, typer.Option("--lecture", "-l", help=msg("batch.cli.lecture"), show_default=False)],
    out: Annotated[Path, typer.Option(help=msg("batch.cli.out"))] = Path("results"),
    workers: Annotated[
        Optional[int], typer.Option(help=msg("batch.cli.workers"), show_default=False)  # noqa: UP045
    ] = None,
    force: Annotated[bool, typer.Option(help=msg("batch.cli.force"))] = False,
    hidden: Annotated[bool, typer.Option(help=msg("batch.cli.hidden"))] = True,
    timeout: Annotated[float, typer.Option(help=msg("batch.cli.timeout"))] = 10.0,
    device: Annotated[str, typer.Option(help=msg("batch.cli.device"))] = "cpu",
    sandbox: Annotated[str, typer.Option(help=msg("batch.cli.sandbox"))] = "auto",
    exercise: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--exercise", "-e", help=msg("batch.cli.exercise")),
    ] = None,
    executor: Annotated[str, typer.Option(help=msg("batch.cli.executor"))] = "local",
    scheduler: Annotated[
        Optional[str], typer.Option(help=msg("batch.cli.scheduler"), show_default=False)  # noqa: UP045
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=msg("batch.cli.quiet"))] = False,
    lang: LangOpt = None,
) -> None:
    _instructor_tools()
    from autograder.batch import cli_commands

    number = _lecture_numbers([lecture])[0]
    raise typer.Exit(
        cli_commands.batch(
            submissions,
            number,
            out,
            workers=workers,
            force=force,
            hidden=hidden,
            timeout=timeout,
            device=device,
            sandbox_mode=sandbox,
            exercises=exercise,
            executor=executor,
            scheduler=scheduler,
            quiet=quiet,
        )
    )


for _number in registry.available():
    app.command(f"lecture{_number}")(_grade_command(_number))
    if _number < 10:
        app.command(f"lecture{_number:02d}", hidden=True)(_grade_command(_number))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
