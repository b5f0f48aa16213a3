from typing import Any

from django.core.management.base import BaseCommand

from bekal.web.devtools.demo_data import load_demo_data
from bekal.web.devtools.demo_desk import DESK_TOTP_NOTE


class Command(BaseCommand):
    help = "Create the demo accounts and data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for login in load_demo_data():
            self.stdout.write(f"  {login.role:<34} {login.email:<40} {login.password}")
        self.stdout.write(DESK_TOTP_NOTE)
