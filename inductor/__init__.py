"""inductor: program induction from examples with a growing library of reusable functions.

The public API; everything else is internal. Heavy libraries (torch, faiss,
sentence-transformers) are imported only by the parts that need them.
"""

from __future__ import annotations

__version__ = "0.1.0"

from inductor.hookspecs import hookimpl
from inductor.plugins import Plugins, get_plugins
from inductor.sandbox import Limits, Outcome, Sandbox, Status
from inductor.tasks import Example, LoadOptions, Task, TaskLoadError, load_folders, load_task_file
from inductor.verify import CheckResult, Verdict, Verifier

__all__ = [
    "CheckResult", "Example", "Limits", "LoadOptions", "Outcome", "Plugins", "Sandbox", "Status", "Task",
    "TaskLoadError", "Verdict", "Verifier", "__version__", "get_plugins", "hookimpl", "load_folders",
    "load_task_file",
]
