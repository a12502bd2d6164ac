"""`python -m archkb` runs the CLI."""

from archkb.cli import main

main()
