"""The partner guide's bash function and curl examples work against a running Bekal,
with the demo credentials the guide prints; and its error table lists every code the
API itself answers with."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
from pathlib import Path

import pytest

from bekal.api.partners.v1 import errors
from bekal.core.errors import DomainError
from bekal.marketplace.models import Course, Provider
from tests.api.partners import make_partner

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "partners.md"
BLOCKS = re.compile(r"```bash\n(.*?)```", re.DOTALL)


def bash_blocks() -> list[str]:
    return BLOCKS.findall(GUIDE.read_text(encoding="utf-8"))


def block_starting(prefix: str) -> str:
    [block] = [b for b in bash_blocks() if b.startswith(prefix)]
    return block


def signing_function() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start, end = text.index("# bekal-sign:start"), text.index("# bekal-sign:end")
    return text[start:end]


def run_documented(example: str, base_url: str) -> str:
    script = "\n".join(
        [
            "set -euo pipefail",
            signing_function(),
            block_starting("export BEKAL_URL="),
            f"export BEKAL_URL={base_url}",
            example,
        ]
    )
    done = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_the_guides_examples_work_with_the_demo_credentials(live_server):
    # given the demo platform with the credentials the guide prints
    partner = make_partner(
        live_server.url,
        code="kelas-terampil",
        name="Kelas Terampil",
        key_id="bkl_demo_kelasterampil",
        secret="demo-kelas-terampil-secret-not-for-production",
    )
    # when a partner runs the guide's examples in bash
    me = run_documented(block_starting("bekal GET /me"), live_server.url)
    provider = run_documented(block_starting("bekal POST /providers"), live_server.url)
    course = run_documented(block_starting('day="$(date'), live_server.url)
    # then Bekal answers as the guide says
    assert json.loads(me) == {
        "code": "kelas-terampil",
        "name": "Kelas Terampil",
        "website": partner.platform.website,
    }
    assert json.loads(provider) == {
        "external_id": "lp-contoh-01",
        "name": "Lembaga Kursus Contoh",
        "regency_code": "32.73",
    }
    assert json.loads(course)["status"] == "submitted"
    assert Provider.objects.filter(platform=partner.platform, external_id="lp-contoh-01").exists()
    assert Course.objects.filter(platform=partner.platform, external_id="kursus-contoh-01").exists()
    partner.api.close()


def test_the_guide_lists_every_error_code_of_the_api():
    guide = GUIDE.read_text(encoding="utf-8")
    codes = {
        cls.code
        for _name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, DomainError) and cls.__module__ == errors.__name__
    }
    missing = sorted(code for code in codes if f"`{code}`" not in guide)
    assert missing == []
