#!/usr/bin/env python
"""manage.py of the throwaway django-helpdesk project that bench/run.py serves for comparison."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dhproject.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
