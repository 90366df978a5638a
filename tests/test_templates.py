"""The CI templates a course copies: GitHub Classroom's workflow and a GitLab CI job.

Each file must parse as YAML, every shell command in it must be valid bash, every `grade ...` command must
parse with the real CLI, and the grading commands must work: they are run here, as the CI would run them,
against a sample submission (the reference of lecture 1), with the environment variables the CI sets. The
GitHub Classroom result is then read the way the reporter reads it and must give the points `grade` gives.
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
import tarfile
from pathlib import Path

import click
import pytest
import typer
import yaml
from lxml import etree

import cli
from autograder import paths
from autograder.formats import classroom

TEMPLATES = paths.ROOT / "templates"
WORKFLOW = TEMPLATES / "github-classroom" / "classroom.yml"
GITLAB = TEMPLATES / "gitlab" / ".gitlab-ci.yml"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def workflow_steps() -> list[dict]:
    (job,) = load(WORKFLOW)["jobs"].values()
    return job["steps"]


def gitlab_commands() -> list[str]:
    job = load(GITLAB)["grade"]
    return [*job["before_script"], *job["script"]]


def all_scripts() -> list[str]:
    return [step["run"] for step in workflow_steps() if "run" in step] + gitlab_commands()


def grade_lines(script: str) -> list[str]:
    return [line.strip() for line in script.splitlines() if line.strip().startswith("grade ")]


def expand(line: str, env: dict[str, str]) -> list[str]:
    """A command line's words with ``$VAR`` / ``${VAR}`` replaced as the shell would (no other expansion)."""

    def value(match: re.Match[str]) -> str:
        return env[match.group(1) or match.group(2)]

    return [re.sub(r"\$\{(\w+)\}|\$(\w+)", value, word) for word in shlex.split(line)]


@pytest.fixture
def shim(tmp_path) -> Path:
    """A ``grade`` command on PATH that runs this checkout's CLI (what ``pip install -e`` gives the CI)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "grade"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{paths.ROOT / "cli.py"}" "$@"\n')
    script.chmod(0o755)
    return folder


@pytest.fixture
def sample(tmp_path) -> Path:
    """A student repository's assignments/ folder holding the reference of lecture 1 as the submission."""
    folder = tmp_path / "repo" / "assignments"
    folder.mkdir(parents=True)
    (folder / "lecture01.py").write_text(paths.reference_path(1).read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def run_bash(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """Run a `run:` block the way GitHub Actions' default shell does (bash -e, pipefail for `set -o`)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "CI_"))}
    environ.update({"NO_COLOR": "1", **env})
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-c", script],
        env=environ,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def expected_points(submission: Path) -> tuple[float, float]:
    """What `grade --hidden` gives this submission, from the kit's own JSON results."""
    done = subprocess.run(
        [sys.executable, str(paths.ROOT / "cli.py"), "lecture1", "--hidden", "-s", str(submission), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    return data["score"], data["max_score"]


# --- every template -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [WORKFLOW, GITLAB], ids=["github-classroom", "gitlab"])
def test_templates_parse_and_every_shell_command_is_valid_bash(path):
    load(path)
    scripts = [step["run"] for step in workflow_steps() if "run" in step] if path == WORKFLOW else gitlab_commands()
    assert scripts
    for script in scripts:
        done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
        assert done.returncode == 0, f"{script}\n{done.stderr}"


def test_every_grade_command_parses_with_the_real_cli():
    group = typer.main.get_command(cli.app)
    env = {"LECTURE": "1", "GITHUB_WORKSPACE": "/w", "RUNNER_TEMP": "/t", "CI_PROJECT_DIR": "/p"}
    lines = [line for script in all_scripts() for line in grade_lines(script)]
    assert len(lines) == 2  # one per template
    for line in lines:
        name, *args = expand(line, env)[1:]
        root = click.Context(group, info_name="grade")
        command = group.get_command(root, name)
        assert name == "lecture1" and command is not None
        parsed = command.make_context(name, args, parent=root).params  # a bad option raises a UsageError here
        assert parsed["hidden"] is True and parsed["fmt"] in ("classroom", "junit")
        assert parsed["submission"] is not None and parsed["out"] is not None


def test_both_templates_install_the_cpu_torch_before_the_grader():
    install = next(step["run"] for step in workflow_steps() if "torch==2.13.0" in step.get("run", ""))
    for commands in (install.splitlines(), gitlab_commands()):
        torch = next(i for i, c in enumerate(commands) if "pip install" in c and "torch==2.13.0" in c)
        kit = next(i for i, c in enumerate(commands) if "pip install" in c and "-e " in c and "grader" in c)
        assert torch < kit and "download.pytorch.org/whl/cpu" in commands[torch]


# --- GitHub Classroom -----------------------------------------------------------------------------------


def test_the_workflow_follows_github_classroom_conventions():
    workflow = load(WORKFLOW)
    assert workflow["name"] == "Autograding Tests" and "push" in workflow["on"]
    assert workflow["permissions"]["checks"] == "write"
    steps = workflow_steps()
    uses = [step.get("uses", "") for step in steps]
    assert uses[0].startswith("actions/checkout@") and any(u.startswith("actions/setup-python@") for u in uses)
    (reporter,) = [step for step in steps if step.get("uses") == REPORTER]
    assert reporter is steps[-1] and reporter["if"] == "always()"
    runners = [r.strip() for r in reporter["with"]["runners"].split(",")]
    ids = {step.get("id") for step in steps}
    for runner in runners:  # the reporter reads <ID>_RESULTS, which must hold that step's `result` output
        assert runner in ids
        assert EXPRESSION.fullmatch(reporter["env"][f"{runner.upper()}_RESULTS"]).group(1) == (
            f"steps.{runner}.outputs.result"
        )
    secrets = {m for step in steps for value in step.get("env", {}).values() for m in EXPRESSION.findall(value)}
    assert {"secrets.GRADER_URL", "secrets.GRADER_TOKEN", "vars.GRADER_REPO"} <= secrets


def test_the_fetch_step_unpacks_a_grader_archive_and_says_when_nothing_is_configured(tmp_path):
    (fetch,) = [step for step in workflow_steps() if "GRADER_URL" in step.get("env", {})]
    archive = tmp_path / "grader.tar.gz"
    with tarfile.open(archive, "w:gz") as bundle:
        for name, text in (("kit-main/cli.py", "print('kit')\n"), ("kit-main/autograder/__init__.py", "")):
            info = tarfile.TarInfo(name)
            info.size = len(text)
            bundle.addfile(info, io.BytesIO(text.encode()))
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    done = run_bash(fetch["run"], {"RUNNER_TEMP": str(runner_temp), "GRADER_URL": archive.as_uri()}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (runner_temp / "grader" / "cli.py").read_text() == "print('kit')\n"
    done = run_bash(fetch["run"], {"RUNNER_TEMP": str(runner_temp), "GRADER_URL": ""}, tmp_path)
    assert done.returncode == 1 and "::error title=Grader not configured::" in done.stdout


def test_the_grade_step_reports_the_points_grade_gives(tmp_path, shim, sample):
    workflow = load(WORKFLOW)
    (step,) = [s for s in workflow_steps() if s.get("id") == "grade"]
    runner_temp, output, summary = tmp_path / "runner", tmp_path / "github_output", tmp_path / "summary.md"
    runner_temp.mkdir()
    env = {
        **workflow["env"],
        "PATH": f"{shim}:{os.environ['PATH']}",
        "GITHUB_WORKSPACE": str(sample.parent.parent),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    (sample.parent.parent / "submission").symlink_to(sample.parent)  # actions/checkout's `path: submission`
    done = run_bash(step["run"], env, sample.parent.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    (reporter,) = [s for s in workflow_steps() if s.get("uses") == REPORTER]
    results = []
    for runner in reporter["with"]["runners"].split(","):  # ${{ steps.grade.outputs.result }}, filled in
        template = reporter["env"][f"{runner.upper()}_RESULTS"]
        results.append(classroom.decode(EXPRESSION.sub(lambda m: outputs[m.group(1).split(".")[-1]], template)))
    score, max_score = expected_points(sample / "lecture01.py")
    total, maximum = classroom.points(results)  # the reporter's "Points X/Y" annotation
    assert (total, maximum) == (pytest.approx(score), pytest.approx(max_score)) and max_score > 0
    text = summary.read_text()
    assert text.startswith("### Lecture 1") and "| fit\\_linear | " in text
    assert "Total: " in done.stdout  # the report, for the job's log (--out takes the result)


# --- GitLab ---------------------------------------------------------------------------------------------


def test_the_gitlab_job_writes_the_junit_report_it_declares(tmp_path, shim, sample):
    config = load(GITLAB)
    job = config["grade"]
    project = sample.parent
    env = {**config["variables"], "PATH": f"{shim}:{os.environ['PATH']}", "CI_PROJECT_DIR": str(project)}
    for command in job["script"]:
        done = run_bash(command, env, project)
        assert done.returncode == 0, done.stdout + done.stderr
    report = project / job["artifacts"]["reports"]["junit"]
    document = etree.parse(str(report))
    assert etree.XMLSchema(etree.parse(str(paths.ROOT / "tests" / "data" / "junit.xsd"))).validate(document)
    assert job["artifacts"]["when"] == "always"
    assert all((project / name).is_file() for name in job["artifacts"]["paths"])
    data = json.loads((project / "results.json").read_text())
    assert int(document.getroot().get("tests")) == sum(len(e["tests"]) for e in data["exercises"])
    assert data["hidden_included"] is True
