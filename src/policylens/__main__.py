"""``python -m policylens`` runs the command line."""

import sys

from policylens.cli import main

sys.exit(main())
