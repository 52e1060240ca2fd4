"""``python -m inductor.cli``: the ``inductor`` command."""

from inductor.cli import main

main()
