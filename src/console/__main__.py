"""`python -m console` is `incident-console`."""

import sys

from console.cli import main

sys.exit(main())
