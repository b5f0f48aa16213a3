"""python manage.py verify_selection WAVE: recompute a published selection and hold the
database against its proof; or, with the downloaded files and no database at all,

    python manage.py verify_selection --inputs FILE --digest HEX --seed HEX \\
        --selected FILE [--log FILE]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bekal.selection.verification import add_file_arguments, run_files


class Command(BaseCommand):
    help = (
        "Recompute the published selection of a wave (an independent implementation) and "
        "check every outcome, eligibility decision, application flag, quota and the proof "
        "log against the published proof; or, with --inputs, --digest, --seed and "
        "--selected, recompute from the downloaded files alone, without the database. "
        "Exits 1 on any difference."
    )
    # The file mode must run where there is no database: no checks that might touch one.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("wave", type=int, nargs="?", help="the wave number")
        parser.add_argument(
            "--head",
            help="with WAVE: a head of the proof log kept outside Bekal (printed, mailed, "
            "posted), which the stored log must still hold",
        )
        add_file_arguments(parser, required=False)

    def handle(self, *args: Any, **options: Any) -> None:
        files = [options[name] for name in ("inputs", "digest", "seed", "selected")]
        if options["wave"] is None:
            if options["head"]:
                raise CommandError("--head goes with a wave number (the files carry --log)")
            if not all(files):
                raise CommandError(
                    "give a wave number, or --inputs, --digest, --seed and --selected"
                )
            self._verify_files(options)
        elif any(files) or options["log"]:
            raise CommandError("give a wave number or the files, not both")
        else:
            self._verify_wave(options["wave"], options["head"])

    def _verify_files(self, options: dict[str, Any]) -> None:
        try:
            matched = run_files(
                inputs=options["inputs"],
                digest=options["digest"],
                seed=options["seed"],
                selected=options["selected"],
                log=options["log"],
                out=self.stdout,
            )
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        if not matched:
            raise CommandError("the selection does not match the published files")

    def _verify_wave(self, number: int, head: str | None) -> None:
        # Imported here: the file mode never loads the database's models.
        from bekal.core.errors import DomainError
        from bekal.programmes.selectors import get_wave
        from bekal.selection.selectors import verify_published_run

        try:
            result = verify_published_run(wave=get_wave(number=number), known_head=head)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc}") from exc
        if not result.matches:
            for problem in result.problems:
                self.stdout.write(f"MISMATCH: {problem}")
            raise CommandError("the published selection does not match its proof")
        self.stdout.write(
            f"MATCH: {result.selected} selected, recomputed from the inputs; every outcome, "
            "decision, application and quota agrees with the proof, and the log holds"
        )
