"""``python -m reviewer``: the command line, as the ``reviewer`` script."""

from .cli import main

main()
