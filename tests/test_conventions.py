"""Rules of the codebase, checked on every run."""

import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def test_dependencies_point_from_interfaces_to_domain_to_core():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    out = StringIO()

    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail("models changed without a migration:\n" + out.getvalue())


def test_no_grab_bag_modules():
    names = {"utils.py", "helpers.py", "common.py", "misc.py"}

    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "bekal").rglob("*.py") if p.name in names
    ]

    assert offenders == []


def test_make_test_type_checks_every_package():
    makefile = (ROOT / "Makefile").read_text()
    [line] = [line for line in makefile.splitlines() if "/mypy " in line]
    checked = {Path(arg) for arg in line.split("/mypy ", 1)[1].split()}
    packages = {p.parent.relative_to(ROOT) for p in (ROOT / "bekal").glob("*/__init__.py")}
    packages.add(Path("config"))

    unchecked = [
        str(package)
        for package in sorted(packages)
        if not any(package == arg or arg in package.parents for arg in checked)
    ]

    assert unchecked == []


def test_templates_hold_no_inline_style_or_script():
    """CSS and JS live in static files: the Content-Security-Policy forbids inline code."""
    inline = re.compile(
        r"<style\b|\sstyle\s*=|<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")"
        r"|\son[a-z]+\s*=\s*[\"']|javascript:",
        re.IGNORECASE,
    )

    offenders = [
        f"{template.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for template in (ROOT / "bekal").rglob("templates/**/*.html")
        for number, line in enumerate(template.read_text("utf-8").splitlines(), start=1)
        if inline.search(line)
    ]

    assert offenders == []
