"""A typed λ-DSL: expression trees, their s-expression and Python forms, and a value-level
enumerator that runs inside a sandbox worker (docs/design.md, "One task through the loop").

``core`` holds types, terms and primitives; ``bottomup`` the bottom-up engine. Both use the
standard library only, so the sandbox can load them as preludes (sent as source).
"""

from __future__ import annotations
