"""`python -m vizgraph`: the same as the `vizgraph` command."""

import sys

from .cli import main

sys.exit(main())
