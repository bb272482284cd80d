"""``python -m drills.cli``: the ``drillbit`` command."""

from drills.cli.app import main

main()
