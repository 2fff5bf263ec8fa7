"""python manage.py load_demo [--password PW] — docs/cli.md."""

import secrets

from django.core.management.base import BaseCommand, CommandError

from tools.demo.loader import DemoRefused, demo_load


class Command(BaseCommand):
    help = (
        "Build the demo county of PRODUCT.md (its 2011 reference figures, targets, assessments and "
        "logbooks) with one login per role; for a development machine (DEBUG on)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", help="the logins' password (generated and printed when not given)")

    def handle(self, *args, password=None, **options):
        generated = not password
        password = password or secrets.token_urlsafe(12)
        try:
            loaded = demo_load(password=password)
        except DemoRefused as error:
            raise CommandError(str(error)) from None
        if loaded.already_loaded:
            self.stdout.write(
                f"The demo county {loaded.union} is already loaded; nothing changed (logins unchanged)."
            )
            return
        self.stdout.write(f"Loaded the demo county {loaded.union} in {loaded.seconds:.1f} s:")
        for label, n in loaded.counts.items():
            self.stdout.write(f"  {label}: {n:,}")
        shown = password if generated else "the one given with --password"
        self.stdout.write(
            self.style.SUCCESS(f"Logins: staff, leader, mgr-<code> (one per branch) — password: {shown}")
        )
        if loaded.kept_logins:
            self.stdout.write(
                f"{loaded.kept_logins} of these logins existed already and keep their own password."
            )
