"""inductor: program induction from examples with a growing library of reusable functions.

The public API; everything else is internal. Heavy libraries (torch, faiss,
sentence-transformers) are imported only by the parts that need them.
"""

from __future__ import annotations

__version__ = "0.1.0"

from inductor.domain import Domain
from inductor.errors import InductorError
from inductor.hookspecs import hookimpl
from inductor.plugins import Plugins, get_plugins
from inductor.sandbox import Limits, Outcome, Sandbox, Status
from inductor.tasks import Example, LoadOptions, Task, TaskLoadError, load_folders, load_task_file
from inductor.verify import CheckResult, Verdict, Verifier

#: Parts of the API imported on first use (they pull in more of the engine).
_LAZY = {
    "App": "inductor.app", "FinishedRun": "inductor.runs", "RunResult": "inductor.results",
    "Events": "inductor.events",
    "Budget": "inductor.loop", "Induction": "inductor.loop", "LibraryUse": "inductor.loop",
    "TaskResult": "inductor.results", "Model": "inductor.models", "SampleParams": "inductor.models",
    "FakeModel": "inductor.models", "Prompts": "inductor.prompts", "extract_code": "inductor.extract",
    "Library": "inductor.store", "Function": "inductor.store", "LibraryIndex": "inductor.index",
    "Enumerator": "inductor.search",
}

__all__ = [
    "CheckResult", "Domain", "Example", "InductorError", "Limits", "LoadOptions", "Outcome", "Plugins", "Sandbox", "Status", "Task",
    "TaskLoadError", "Verdict", "Verifier", "__version__", "get_plugins", "hookimpl", "load_folders",
    "load_task_file", *_LAZY,
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'inductor' has no attribute {name!r}")
