"""`python -m walkrx` runs the command line."""

from walkrx.cli.app import main

main()
