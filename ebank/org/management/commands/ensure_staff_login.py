"""Create the department-staff login `staff` on a development machine, once, and print it."""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ebank.org import services
from ebank.org.models import User
from ebank.org.roles import Role


class Command(BaseCommand):
    help = "Create the login `staff` (department staff) once, with a generated password, and print it."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="use this password instead of a generated one")

    def handle(self, *args, password=None, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: this command is for a development machine (DEBUG on).")
        if User.objects.filter(username="staff").exists():
            self.stdout.write(
                "Login `staff` already exists (its password was printed when it was created; "
                "reset it with `python manage.py changepassword staff`)."
            )
            return
        password = password or secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User(username="staff", first_name="电子银行部")
            user.set_password(password)
            user.save()
            services.user_assign_role(user=user, role=Role.STAFF, branch=None, by=None)
        self.stdout.write(self.style.SUCCESS(f"Department staff login: staff / {password}"))
