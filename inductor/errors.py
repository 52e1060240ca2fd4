"""The one base class of the errors a user can cause.

Every module's own error (``ConfigError``, ``StoreError``, ``ModelError``, ...) derives from
:class:`InductorError`; its message is one line naming the file, option or id. The command line
prints it as ``Error: MESSAGE`` and exits 1; a Python caller catches ``InductorError``.
"""

from __future__ import annotations


class InductorError(Exception):
    """An error a user can cause (a bad file, option, id or setting): one line that names it."""
