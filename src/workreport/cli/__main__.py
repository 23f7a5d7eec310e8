"""``python -m workreport.cli``: the same as the ``workreport`` command."""

from workreport.cli import run

run()
