"""``python3 -m backproplib.course`` does what the ``backprop-course`` command does."""

import sys

from .cli import main

sys.exit(main())
