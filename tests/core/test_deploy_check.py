"""Production settings pass Django's deployment checks with no warning."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
)


def _environment() -> dict[str, str]:
    """This process's environment less what a test run adds (browser tests allow async
    unsafe calls, which the deployment check rightly refuses)."""
    return {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}}


def production_check(**env):
    environment = {
        **_environment(),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "t" * 20 + "-test-only-secret-for-the-deploy-check-0123456789",
        "PII_KEYS": "test-only-pii-key",
        "BLIND_INDEX_KEY": "test-only-blind-index-key",
        "DATABASE_URL": "postgres://check@127.0.0.1:1/none",
        "ALLOWED_HOSTS": "bekal.example.go.id",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_warning_under_production_settings():
    result = production_check()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_turning_hsts_off_is_reported():
    result = production_check(HSTS_SECONDS="0")

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_preload_can_be_turned_off_and_the_check_then_says_so():
    result = production_check(HSTS_PRELOAD="false")

    assert "security.W021" in result.stdout + result.stderr


def test_https_redirect_secure_cookies_and_preload_are_on_in_production():
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env={
            **_environment(),
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "SECRET_KEY": "x" * 60,
            "PII_KEYS": "k",
            "BLIND_INDEX_KEY": "b",
            "DATABASE_URL": "postgres://check@127.0.0.1:1/none",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["True", "True", "True"], result.stderr
