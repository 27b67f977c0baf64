#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plateau.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from plateau.startup import refuse_unsafe_start

    refuse_unsafe_start()
    execute_from_command_line(sys.argv)
