#!/usr/bin/env python
"""Django's command-line utility for Sasaeai (the `sasaeai` console script does the same)."""

import sys

from sasaeai.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
