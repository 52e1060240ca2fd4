"""The ``inductor`` command line: one click group (:mod:`inductor.cli.base`), one module per verb
group, each thin, calling :class:`inductor.App` and the stage modules.

============================  ============================================
module                        verbs
============================  ============================================
:mod:`inductor.cli.tasks`     ``tasks``
:mod:`inductor.cli.run`       ``run``, ``report``
:mod:`inductor.cli.train`     ``dream``, ``train``
:mod:`inductor.cli.library`   ``library search|show|list|stats|compress|reindex|prune|check|export``
:mod:`inductor.cli.verify`    ``verify``
:mod:`inductor.cli.plugins`   ``plugins``
:mod:`inductor.cli.bench`     ``bench sandbox|model|induction|search|soak|retrieval``
============================  ============================================
"""

from __future__ import annotations

# Importing a verb module adds its commands to the group.
from inductor.cli import bench, library, plugins, run, tasks, train, verify  # noqa: F401
from inductor.cli.base import cli, main

__all__ = ["cli", "main"]
