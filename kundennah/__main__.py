"""The ``kundennah`` command: Django's management commands with the settings preset."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundennah.settings")
    from django.core.management import execute_from_command_line

    arguments = sys.argv[1:]
    # ``kundennah seed-concerns`` is ``seed_concerns``: commands read better with hyphens.
    if arguments and not arguments[0].startswith("-"):
        arguments[0] = arguments[0].replace("-", "_")
    execute_from_command_line(["kundennah", *arguments])


if __name__ == "__main__":
    main()
