"""Running untrusted candidate programs: zygote workers, hardening layers, outcomes.

See the README ("The sandbox") and docs/design.md. The main process never forks and never
compiles candidate text: small pre-warmed workers started with ``python -I`` and an empty
environment fork hardened children that compile and run batches of candidates (one per
candidate with ``isolate=True``), enforce deadlines from outside and relay size-capped JSON results; the parent alone compares
them with expected outputs.
"""

from __future__ import annotations

from inductor.sandbox.pool import (
    Limits,
    Outcome,
    Prelude,
    Sandbox,
    SandboxError,
    Status,
    bwrap_path,
)

__all__ = ["Limits", "Outcome", "Prelude", "Sandbox", "SandboxError", "Status", "bwrap_path"]
