"""Run the kpixl command line as ``python -m kpixl``."""

from kpixl.cli import main

main()
