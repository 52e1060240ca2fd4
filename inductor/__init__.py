"""inductor: program induction from examples with a growing library of reusable functions."""

from __future__ import annotations

__version__ = "0.1.0"
