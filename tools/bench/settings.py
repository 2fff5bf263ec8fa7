"""Settings of the server the bench starts to measure the API: the one-machine settings (DEBUG off
through the environment) with the plain view's URL beside the site's."""

from ebank.settings.local import *  # noqa: F403

ROOT_URLCONF = "tools.bench.urls"
