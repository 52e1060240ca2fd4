"""The function library's store: SQLite as the source of truth, readable modules beside it.

A library folder holds ``library.sqlite`` (functions with provenance, the examples they were
verified on, usage), one Python module per domain (``lists.py``, ...) written from the store
after every change, and the FAISS index (see :mod:`inductor.index`), always rebuildable.
The schema carries its version in ``PRAGMA user_version``; :data:`MIGRATIONS` brings an
older file up to date. Every write is one transaction.

One module, past 500 lines, on purpose: the schema, its migrations and every query on it
are the store's invariants (one writer, the modules in step with the rows), kept where one
reading checks them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from inductor.errors import InductorError

DB_FILE = "library.sqlite"
LOCK_FILE = ".lock"
#: The import names under which the sandbox loads library modules (they then skip importing
#: their primitives, which the sandbox has put in their globals already).
SANDBOX_PREFIX = "inductor_library_"

#: Schema steps; step i takes a database from user_version i to i + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE functions (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        domain TEXT NOT NULL,
        signature TEXT NOT NULL,
        docstring TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL,
        fingerprint TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        updated REAL NOT NULL,
        UNIQUE (domain, name)
    );
    CREATE TABLE provenance (
        function_id INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        run TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL
    );
    CREATE TABLE examples (
        function_id INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
        args TEXT NOT NULL,
        output TEXT NOT NULL
    );
    CREATE INDEX provenance_function ON provenance(function_id);
    CREATE INDEX examples_function ON examples(function_id);
    """,
    """
    CREATE TABLE uses (
        function_id INTEGER NOT NULL REFERENCES functions(id) ON DELETE CASCADE,
        task_id TEXT NOT NULL,
        run TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL
    );
    CREATE INDEX uses_function ON uses(function_id);
    CREATE TABLE runs (id TEXT PRIMARY KEY, started REAL NOT NULL);
    """,
    """
    CREATE TABLE solutions (
        domain TEXT NOT NULL,
        task_id TEXT NOT NULL,
        params TEXT NOT NULL,
        sexpr TEXT NOT NULL,
        python TEXT NOT NULL,
        examples TEXT NOT NULL DEFAULT '[]',
        run TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        PRIMARY KEY (domain, task_id)
    );
    CREATE TABLE abstractions (
        function_id INTEGER PRIMARY KEY REFERENCES functions(id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        arity INTEGER NOT NULL,
        tasks TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE solutions ADD COLUMN rewritten TEXT NOT NULL DEFAULT '';
    CREATE TABLE weights (
        domain TEXT NOT NULL,
        name TEXT NOT NULL,
        weight REAL NOT NULL,
        uses INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (domain, name)
    );
    """,
)


@dataclass(frozen=True)
class Solution:
    """A task's solution as the value search found it: its s-expression (what compression
    reads) and its Python rendering (what was verified)."""

    domain: str
    task_id: str
    params: tuple[str, ...]
    sexpr: str
    python: str
    run: str = ""
    #: The task's train examples, ``(args, output)``: what a rewritten solution is verified on.
    examples: tuple[tuple[list[Any], Any], ...] = ()
    #: The s-expression rewritten with the library's abstractions (by their function names), if any.
    rewritten: str = ""


class StoreError(InductorError):
    """The library cannot be opened or changed; the message names the file or function."""


@dataclass
class Function:
    """A library function: its source and what is known about it."""

    name: str
    domain: str
    signature: str
    source: str
    docstring: str = ""
    fingerprint: str = ""
    id: int | None = None
    #: Task ids it came from (provenance).
    tasks: list[str] = field(default_factory=list)
    #: How many accepted solutions called it.
    uses: int = 0
    #: (args, output) pairs it was verified on.
    examples: list[tuple[list[Any], Any]] = field(default_factory=list)
    created: float = 0.0

    @property
    def summary(self) -> str:
        return self.docstring.strip().splitlines()[0] if self.docstring.strip() else ""

    def text(self) -> str:
        """What the embedder sees: name, signature, docstring and source."""
        return f"{self.name}{self.signature}\n{self.docstring}\n{self.source}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "domain": self.domain, "signature": self.signature,
                "docstring": self.docstring, "source": self.source, "tasks": self.tasks, "uses": self.uses,
                "fingerprint": self.fingerprint, "examples": [list(e) for e in self.examples]}


class Library:
    """A library folder: the SQLite store, the domain modules and (see index.py) the index."""

    def __init__(self, folder: Path | str, *, create: bool = True, readonly: bool = False) -> None:
        """Open the library in ``folder``; ``create``: make one when there is none.

        ``readonly``: open the store for reading only (nothing in the folder is written; a
        folder that cannot be written is opened as immutable), and refuse every write.
        """
        self.folder = Path(folder).resolve()
        self.readonly = readonly
        #: Where :meth:`module_part` writes its modules (made on first use).
        self._parts: Path | None = None
        path = self.folder / DB_FILE
        if not path.is_file() and (readonly or not create):
            raise StoreError(f"{self.folder}: no library here (no {DB_FILE}); only a run that learns creates one")
        if not readonly and self.folder.is_dir() and not writable(self.folder):
            raise StoreError(f"{self.folder}: the library is read-only (the folder or {DB_FILE} cannot be written)")
        try:
            if readonly:
                self.db = sqlite3.connect(_readonly_uri(path), uri=True, timeout=30, isolation_level=None)
            else:
                self.folder.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.folder}: cannot open the library: {exc}") from None
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA foreign_keys = ON")
            if readonly:
                self._check_schema()
            else:
                # Two processes creating one library at once: switching a new file to WAL is not
                # covered by the busy timeout ("database is locked"), so the folder's lock orders them.
                with self.lock():
                    self.db.execute("PRAGMA journal_mode = WAL")
                    self.migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(f"{path}: not a usable library store ({exc})") from None
        except StoreError:
            self.db.close()
            raise

    # --- schema ------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _check_schema(self) -> None:
        """A read-only store must be at this inductor's schema: upgrading it is a write."""
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(f"{self.folder / DB_FILE}: written by a newer inductor (schema {current})")
        if current < len(MIGRATIONS):
            raise StoreError(f"{self.folder / DB_FILE}: schema {current} needs upgrading to {len(MIGRATIONS)}, "
                             "and the library is read-only: open it once where it can be written")

    def _refuse_write(self) -> None:
        if self.readonly:
            raise StoreError(f"{self.folder / DB_FILE}: cannot write: the library is opened read-only")

    def migrate(self) -> None:
        """Apply the migrations this file has not seen, each in its own transaction."""
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(f"{self.folder / DB_FILE}: written by a newer inductor (schema {current})")
        for step in range(current, len(MIGRATIONS)):
            with self.transaction() as db:
                if self.version > step:
                    continue  # another process opening the same library got there first
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {step + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside commits together or not at all."""
        self._refuse_write()
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # read-only folder, locked too long, full disk
            raise StoreError(f"{self.folder / DB_FILE}: cannot write: {_why(exc)}") from None
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.folder / DB_FILE}: cannot write: {_why(exc)}") from None

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the library folder's file lock: one process at a time writes modules and index.

        Each writer writes after its own commit and reads the store inside the lock, so the
        last one to write leaves files in step with every commit before it.
        """
        import fcntl

        self._refuse_write()
        with open(self.folder / LOCK_FILE, "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def close(self) -> None:
        self.db.close()
        if self._parts is not None:
            shutil.rmtree(self._parts, ignore_errors=True)
            self._parts = None

    def copy_to(self, folder: Path, *, skip: Sequence[str] = ()) -> Path:
        """A consistent copy of the library in ``folder`` (made, empty): the store through SQLite's
        backup (what is committed, the write-ahead log folded in), then the files beside it, but
        for the lock and the top-level names in ``skip``."""
        folder.mkdir(parents=True)
        skipped = {DB_FILE, f"{DB_FILE}-wal", f"{DB_FILE}-shm", LOCK_FILE, *skip}
        target = sqlite3.connect(folder / DB_FILE)
        try:
            self.db.backup(target)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.folder / DB_FILE}: cannot copy the library: {_why(exc)}") from None
        finally:
            target.close()
        for path in sorted(self.folder.iterdir()):
            if path.name in skipped or path.name.startswith("."):
                continue
            if path.is_dir():
                shutil.copytree(path, folder / path.name)
            else:
                shutil.copy2(path, folder / path.name)
        return folder

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -----------------------------------------------------------------------

    def _function(self, row: sqlite3.Row) -> Function:
        fid = row["id"]
        tasks = [r[0] for r in self.db.execute(
            "SELECT DISTINCT task_id FROM provenance WHERE function_id = ? ORDER BY created", (fid,))]
        uses = self.db.execute("SELECT COUNT(*) FROM uses WHERE function_id = ?", (fid,)).fetchone()[0]
        examples = [(json.loads(a), json.loads(o)) for a, o in self.db.execute(
            "SELECT args, output FROM examples WHERE function_id = ? ORDER BY rowid", (fid,))]
        return Function(name=row["name"], domain=row["domain"], signature=row["signature"], source=row["source"],
                        docstring=row["docstring"], fingerprint=row["fingerprint"], id=fid, tasks=tasks,
                        uses=uses, examples=examples, created=row["created"])

    def get(self, key: int | str) -> Function | None:
        """A function by id, or by name (the first of that name in any domain)."""
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            row = self.db.execute("SELECT * FROM functions WHERE id = ?", (int(key),)).fetchone()
        else:
            row = self.db.execute("SELECT * FROM functions WHERE name = ? ORDER BY id", (key,)).fetchone()
        return self._function(row) if row else None

    def functions(self, domain: str | None = None, limit: int | None = None) -> list[Function]:
        """Every function (of ``domain``), oldest first; ``limit``: only that many, the most used
        (then the newest), still oldest first."""
        where, args = ("WHERE domain = ?", (domain,)) if domain is not None else ("", ())
        if limit is not None:
            return self._most_used(f"SELECT id FROM functions {where}", args, limit)
        rows = self.db.execute(f"SELECT * FROM functions {where} ORDER BY id", args).fetchall()
        return [self._function(r) for r in rows]

    def _most_used(self, ids_query: str, args: Sequence[Any], limit: int) -> list[Function]:
        """The functions ``ids_query`` selects, at most ``limit`` of them (the most used, then the
        newest), oldest first."""
        rows = self.db.execute(
            f"""SELECT f.* FROM functions f WHERE f.id IN (
                    SELECT id FROM ({ids_query}) q
                    ORDER BY (SELECT COUNT(*) FROM uses u WHERE u.function_id = q.id) DESC, q.id DESC LIMIT ?)
                ORDER BY f.id""", (*args, max(0, limit))).fetchall()
        return [self._function(r) for r in rows]

    def revision(self) -> tuple[int, ...]:
        """Changes whenever a function, a use, a provenance, a solution, a rewrite, an abstraction
        or a grammar weight is added, changed or removed (cheap: counts, sums and the largest
        ids), to key what is read from the store."""
        return tuple(self.db.execute(
            """SELECT (SELECT COUNT(*) FROM functions), (SELECT COALESCE(MAX(id), 0) FROM functions),
                      (SELECT COUNT(*) FROM uses), (SELECT COUNT(*) FROM provenance),
                      (SELECT COUNT(*) FROM solutions), (SELECT TOTAL(LENGTH(rewritten)) FROM solutions),
                      (SELECT COUNT(*) FROM abstractions), (SELECT COALESCE(MAX(updated), 0) FROM functions),
                      (SELECT COUNT(*) FROM weights), (SELECT TOTAL(weight) FROM weights)""").fetchone())

    def ids(self, domain: str | None = None) -> set[int]:
        """The ids of every function (of ``domain``), without reading the functions."""
        if domain is None:
            return {r[0] for r in self.db.execute("SELECT id FROM functions")}
        return {r[0] for r in self.db.execute("SELECT id FROM functions WHERE domain = ?", (domain,))}

    def outlines(self, domain: str, ids: Sequence[int] = ()) -> list[tuple[int, str, str, int]]:
        """(id, name, signature, uses) of ``domain``'s functions, the ``ids`` first (in their
        order), then the rest most used and newest first: a light pass over a large library."""
        rows = self.db.execute(
            """SELECT f.id, f.name, f.signature, (SELECT COUNT(*) FROM uses u WHERE u.function_id = f.id) AS n
               FROM functions f WHERE f.domain = ? ORDER BY n DESC, f.id DESC""", (domain,)).fetchall()
        by_id = {r[0]: (r[0], r[1], r[2], r[3]) for r in rows}
        first = [by_id[i] for i in dict.fromkeys(ids) if i in by_id]
        taken = {r[0] for r in first}
        return first + [by_id[r[0]] for r in rows if r[0] not in taken]

    def add_many(self, functions: Sequence[Function], *, task_id: str = "", run: str = "",
                 model: str = "") -> int:
        """Store many new functions in one transaction and write the modules once (an import, a
        synthetic library); names are made unique in their domain. Returns how many."""
        now = time.time()
        with self.transaction() as db:
            taken: dict[str, set[str]] = {}
            for fn in functions:
                if fn.domain not in taken:
                    taken[fn.domain] = {r[0] for r in db.execute("SELECT name FROM functions WHERE domain = ?",
                                                                 (fn.domain,))}
                names = taken[fn.domain]
                names.add(self._insert(db, fn, names, fn.tasks[0] if fn.tasks else task_id, run, model, now)[1])
        self.export_modules()
        return len(functions)

    def shared_functions(self, domain: str, min_tasks: int = 2, limit: int | None = None) -> list[Function]:
        """``domain``'s functions worth a place in the search's grammar: the abstractions, the
        functions that ``min_tasks`` or more tasks learned or called, and those with no stored
        s-expression solution behind them (model- or user-written, or found by a searcher without
        a λ-DSL: the DSL may not reach them). A snippet one λ-DSL solution taught renames what
        the DSL already reaches, and only widens the search."""
        query = """SELECT f.id FROM functions f WHERE f.domain = ? AND (
                   EXISTS (SELECT 1 FROM abstractions a WHERE a.function_id = f.id)
                   OR (SELECT COUNT(*) FROM (SELECT task_id FROM provenance WHERE function_id = f.id
                                             UNION SELECT task_id FROM uses WHERE function_id = f.id)) >= ?
                   OR NOT EXISTS (SELECT 1 FROM provenance p JOIN solutions s
                                  ON s.domain = f.domain AND s.task_id = p.task_id WHERE p.function_id = f.id))"""
        args = (domain, max(1, min_tasks))
        if limit is not None:
            return self._most_used(query, args, limit)
        rows = self.db.execute(f"SELECT * FROM functions WHERE id IN ({query}) ORDER BY id", args).fetchall()
        return [self._function(r) for r in rows]

    def by_fingerprint(self, domain: str, fingerprint: str) -> Function | None:
        row = self.db.execute("SELECT * FROM functions WHERE domain = ? AND fingerprint = ? ORDER BY id",
                              (domain, fingerprint)).fetchone()
        return self._function(row) if row else None

    def names(self, domain: str | None = None) -> set[str]:
        if domain is None:
            return {r[0] for r in self.db.execute("SELECT name FROM functions")}
        return {r[0] for r in self.db.execute("SELECT name FROM functions WHERE domain = ?", (domain,))}

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM functions").fetchone()[0])

    def domains(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT domain FROM functions ORDER BY domain")]

    def stats(self) -> dict[str, Any]:
        per_domain = {d: n for d, n in self.db.execute("SELECT domain, COUNT(*) FROM functions GROUP BY domain")}
        used = self.db.execute("SELECT COUNT(DISTINCT function_id) FROM uses").fetchone()[0]
        return {"folder": str(self.folder), "functions": len(self), "by_domain": per_domain,
                "used_by_solutions": used, "unused": len(self) - used,
                "tasks": self.db.execute("SELECT COUNT(DISTINCT task_id) FROM provenance").fetchone()[0],
                "runs": self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0],
                "solutions": self.db.execute("SELECT COUNT(*) FROM solutions").fetchone()[0],
                "rewritten_solutions": self.db.execute("SELECT COUNT(*) FROM solutions WHERE rewritten != ''")
                .fetchone()[0],
                "abstractions": self.db.execute("SELECT COUNT(*) FROM abstractions").fetchone()[0],
                "weights_by_domain": {d: n for d, n in self.db.execute(
                    "SELECT domain, COUNT(*) FROM weights GROUP BY domain")},
                "schema": self.version}

    # --- writing -----------------------------------------------------------------------

    def add(self, fn: Function, *, task_id: str = "", run: str = "", model: str = "") -> Function:
        """Store a new function (its name made unique in its domain) with its provenance."""
        now = time.time()
        with self.transaction() as db:
            taken = {r[0] for r in db.execute("SELECT name FROM functions WHERE domain = ?", (fn.domain,))}
            fid, _name = self._insert(db, fn, taken, task_id, run, model, now)
        self.export_modules()
        stored = self.get(fid)
        assert stored is not None
        return stored

    def _insert(self, db: sqlite3.Connection, fn: Function, taken: set[str], task_id: str, run: str, model: str,
                now: float) -> tuple[int, str]:
        """One function's rows (its name made unique among ``taken``): its id and stored name."""
        name = _unique(fn.name, taken)
        source = fn.source if name == fn.name else rename_def(fn.source, fn.name, name)
        cur = db.execute(
            "INSERT INTO functions (name, domain, signature, docstring, source, fingerprint, created, updated)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, fn.domain, fn.signature, fn.docstring, source, fn.fingerprint, now, now))
        fid = int(cur.lastrowid)
        self._add_provenance(db, fid, task_id, run, model, now)
        db.executemany("INSERT INTO examples (function_id, args, output) VALUES (?, ?, ?)",
                       [(fid, json.dumps(list(a)), json.dumps(o)) for a, o in fn.examples])
        return fid, name

    def add_provenance(self, fid: int, task_id: str, run: str = "", model: str = "") -> None:
        with self.transaction() as db:
            self._add_provenance(db, fid, task_id, run, model, time.time())
        self.export_modules()  # the modules name each function's tasks

    @staticmethod
    def _add_provenance(db: sqlite3.Connection, fid: int, task_id: str, run: str, model: str, now: float) -> None:
        if task_id:
            db.execute("INSERT INTO provenance (function_id, task_id, run, model, created) VALUES (?, ?, ?, ?, ?)",
                       (fid, task_id, run, model, now))

    def replace_source(self, fid: int, source: str, docstring: str | None = None) -> None:
        """Keep the shorter or better documented version of a merged duplicate."""
        with self.transaction() as db:
            if docstring is None:
                db.execute("UPDATE functions SET source = ?, updated = ? WHERE id = ?", (source, time.time(), fid))
            else:
                db.execute("UPDATE functions SET source = ?, docstring = ?, updated = ? WHERE id = ?",
                           (source, docstring, time.time(), fid))
        self.export_modules()

    def record_uses(self, function_ids: Iterable[int], task_id: str, run: str = "") -> None:
        now = time.time()
        with self.transaction() as db:
            db.executemany("INSERT INTO uses (function_id, task_id, run, created) VALUES (?, ?, ?, ?)",
                           [(fid, task_id, run, now) for fid in function_ids])
        self.export_modules()  # the modules say how many solutions use each function

    def record_solution(self, solution: Solution) -> None:
        """Keep a task's s-expression solution (a later one for the same task replaces it)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO solutions (domain, task_id, params, sexpr, python, examples, run,"
                       " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (solution.domain, solution.task_id, json.dumps(list(solution.params)), solution.sexpr,
                        solution.python, json.dumps([[list(a), o] for a, o in solution.examples]), solution.run,
                        time.time()))

    def solutions(self, domain: str | None = None) -> list[Solution]:
        """The stored s-expression solutions (of ``domain``), by domain and task id."""
        where, args = ("WHERE domain = ?", (domain,)) if domain else ("", ())
        rows = self.db.execute(f"SELECT * FROM solutions {where} ORDER BY domain, task_id", args).fetchall()
        return [Solution(r["domain"], r["task_id"], tuple(json.loads(r["params"])), r["sexpr"], r["python"], r["run"],
                         tuple((list(a), o) for a, o in json.loads(r["examples"])), r["rewritten"]) for r in rows]

    def record_rewrites(self, domain: str, rewrites: Mapping[str, str]) -> None:
        """Keep each task's solution rewritten with the stored abstractions (task id -> the
        s-expression calling them by their function names; '' forgets a rewrite)."""
        with self.transaction() as db:
            db.executemany("UPDATE solutions SET rewritten = ? WHERE domain = ? AND task_id = ?",
                           [(text, domain, task) for task, text in rewrites.items()])

    def set_weights(self, domain: str, weights: Mapping[str, float], uses: Mapping[str, int] | None = None) -> None:
        """Replace ``domain``'s grammar weights (name -> weight, with how often the corpus uses each)."""
        uses = uses or {}
        with self.transaction() as db:
            db.execute("DELETE FROM weights WHERE domain = ?", (domain,))
            db.executemany("INSERT INTO weights (domain, name, weight, uses) VALUES (?, ?, ?, ?)",
                           [(domain, n, float(w), int(uses.get(n, 0))) for n, w in sorted(weights.items())])

    def weights(self, domain: str) -> dict[str, float]:
        """``domain``'s grammar weights (empty until the library has fitted them: uniform)."""
        return {r[0]: float(r[1]) for r in self.db.execute(
            "SELECT name, weight FROM weights WHERE domain = ? ORDER BY name", (domain,))}

    def weight_uses(self, domain: str) -> dict[str, int]:
        """How often the corpus the weights were fitted to uses each name."""
        return {r[0]: int(r[1]) for r in self.db.execute(
            "SELECT name, uses FROM weights WHERE domain = ? ORDER BY name", (domain,))}

    def record_abstraction(self, function_id: int | None, body: str, arity: int, tasks: Sequence[str]) -> None:
        """Mark a stored function as a learned abstraction: its s-expression body (``#0``... its
        arguments), arity and the tasks whose rewritten solutions use it."""
        if function_id is None:
            raise StoreError(f"{self.folder / DB_FILE}: an abstraction needs a stored function")
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO abstractions (function_id, body, arity, tasks) VALUES (?, ?, ?, ?)",
                       (function_id, body, arity, json.dumps(list(tasks))))

    def abstraction(self, function_id: int | None) -> dict[str, Any] | None:
        """The abstraction row of a stored function (body, arity, tasks), None when it is not one."""
        row = self.db.execute("SELECT body, arity, tasks FROM abstractions WHERE function_id = ?",
                              (function_id,)).fetchone()
        return None if row is None else {"body": row[0], "arity": int(row[1]), "tasks": json.loads(row[2])}

    def abstraction_bodies(self, domain: str) -> list[str]:
        """The bodies of ``domain``'s stored abstractions."""
        return [r[0] for r in self.db.execute(
            "SELECT a.body FROM abstractions a JOIN functions f ON f.id = a.function_id WHERE f.domain = ?",
            (domain,))]

    def record_run(self, run: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO runs (id, started) VALUES (?, ?)", (run, time.time()))

    def prune(self, unused_runs: int) -> list[Function]:
        """Drop functions used by no solution and created more than ``unused_runs`` runs ago."""
        runs = [r[0] for r in self.db.execute("SELECT started FROM runs ORDER BY started DESC")]
        if len(runs) < unused_runs or unused_runs < 0:
            return []
        cutoff = runs[unused_runs - 1] if unused_runs > 0 else float("inf")
        rows = self.db.execute(
            "SELECT * FROM functions WHERE created < ? AND id NOT IN (SELECT function_id FROM uses)",
            (cutoff,)).fetchall()
        dropped = [self._function(r) for r in rows]
        # A function another one calls stays.
        kept_sources = [f.source for f in self.functions() if f.id not in {d.id for d in dropped}]
        dropped = [d for d in dropped if not any(_calls(s, d.name) for s in kept_sources)]
        with self.transaction() as db:
            db.executemany("DELETE FROM functions WHERE id = ?", [(d.id,) for d in dropped])
        self.export_modules()
        return dropped

    def remove(self, ids: Sequence[int]) -> None:
        with self.transaction() as db:
            db.executemany("DELETE FROM functions WHERE id = ?", [(i,) for i in ids])
        self.export_modules()

    def integrity(self) -> list[str]:
        """What SQLite finds wrong with the store file (empty when it is sound)."""
        rows = [r[0] for r in self.db.execute("PRAGMA integrity_check")]
        problems = [f"{DB_FILE}: {r}" for r in rows if r != "ok"]
        problems += [f"{DB_FILE}: a row of {r[0]} points at a missing row of {r[2]}"
                     for r in self.db.execute("PRAGMA foreign_key_check")]
        return problems

    def stale_modules(self) -> list[str]:
        """Domain modules whose file differs from what the store would write now."""
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            fresh = {p.name: p.read_text(encoding="utf-8") for p in self.export_modules(Path(tmp))}
        out = []
        for name, text in fresh.items():
            path = self.folder / name
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                out.append(name)
        return out

    # --- the readable modules ----------------------------------------------------------

    def module_path(self, domain: str) -> Path:
        return self.folder / f"{_module_name(domain)}.py"

    def primitives_file(self, domain: str) -> str:
        """The file name an export writes the domain's primitives to, beside its module."""
        return f"{_domain_stem(domain)}_primitives.py"

    def module_name(self, domain: str) -> str:
        """An import name for the sandbox that changes whenever the module's content does."""
        path = self.module_path(domain)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.is_file() else "empty"
        return f"{SANDBOX_PREFIX}{_module_name(domain)}_{digest}"

    def module_part(self, domain: str, names: Iterable[str]) -> tuple[str, Path]:
        """A module of ``domain``'s functions ``names`` and the library functions they call (so
        it runs alone), for the sandbox when the whole module is large: (import name, path).
        Written once per content under a folder of this process, removed on :meth:`close`."""
        known = self.names(domain)
        found: dict[str, tuple[int, str]] = {}
        todo = [n for n in dict.fromkeys(names) if n in known]
        while todo:
            name = todo.pop()
            if name in found:
                continue
            row = self.db.execute("SELECT id, source FROM functions WHERE domain = ? AND name = ?",
                                  (domain, name)).fetchone()
            if row is None:
                continue
            found[name] = (row[0], row[1])
            todo += [n for n in _free_names(row[1]) if n in known and n not in found]
        chosen = sorted(found.items(), key=lambda item: item[1][0])
        lines = _module_header(domain, [n for n, _ in chosen])
        for _name, (fid, source) in chosen:
            lines += ["", "", f"# id {fid}", source.rstrip()]
        text = "\n".join(lines) + "\n"
        digest = hashlib.sha256(text.encode()).hexdigest()[:10]
        if self._parts is None:
            import tempfile

            self._parts = Path(tempfile.mkdtemp(prefix="inductor-library-parts-"))
        path = self._parts / f"{_module_name(domain)}_{digest}.py"
        if not path.is_file():
            path.write_text(text, encoding="utf-8")
        return f"{SANDBOX_PREFIX}{_module_name(domain)}_part_{digest}", path

    def export_modules(self, folder: Path | None = None,
                       primitives: Mapping[str, Sequence[ModuleType]] | None = None) -> list[Path]:
        """Write one module per domain (all of its functions, oldest first); returns the paths.

        ``primitives`` (a domain's primitives modules, for an export elsewhere): each domain's
        are written beside its module as ``<domain>_primitives.py``, so that the folder runs
        under plain Python. A domain left out, or whose functions call names its primitives
        lack, gets none: its module then says which file or package it needs when imported.
        """
        if folder is None or Path(folder).resolve() == self.folder:
            self._refuse_write()
            with self.lock():
                return self._export_modules(self.folder)
        written = self._export_modules(Path(folder))
        for domain, modules in (primitives or {}).items():
            if domain in self.domains():
                written += self._export_primitives(Path(folder), domain, modules)
        return written

    def missing_names(self, domain: str, available: Iterable[str]) -> dict[str, set[str]]:
        """Functions of ``domain`` that call names defined neither by Python, by the domain's
        module nor in ``available`` (its primitives), directly or through each other: name -> names."""
        import builtins

        fns = {f.name: f.source for f in self.functions(domain)}
        known = set(dir(builtins)) | set(available) | set(fns)
        free = {name: _free_names(source) for name, source in fns.items()}
        missing = {name: names - known for name, names in free.items()}
        changed = True
        while changed:  # a function lacks what the library functions it calls lack
            changed = False
            for name, names in free.items():
                for callee in names & fns.keys() - {name}:
                    if not missing[callee] <= missing[name]:
                        missing[name] |= missing[callee]
                        changed = True
        return {name: names for name, names in missing.items() if names}

    def _export_primitives(self, folder: Path, domain: str, modules: Sequence[ModuleType]) -> list[Path]:
        files = [Path(m.__file__) for m in modules if getattr(m, "__file__", None)]
        if len(files) < len(modules) or self.missing_names(domain, {n for m in modules for n in public_names(m)}):
            return []  # not runnable here: the module's import says what it needs
        stem = self.primitives_file(domain)[:-3]
        if len(files) == 1:
            texts = {stem: files[0].read_text(encoding="utf-8")}
        else:
            parts = {f"{stem}_{i}": f.read_text(encoding="utf-8") for i, f in enumerate(files, 1)}
            lines = [f'"""The {domain} primitives, from {len(files) or "no"} plugin module(s) (written by '
                     'inductor library export)."""', ""]
            lines += [f"from {name} import *  # noqa: F403" for name in parts]
            texts = {**parts, stem: "\n".join(lines) + "\n"}
        written = []
        for name, text in texts.items():
            path = folder / f"{name}.py"
            path.write_text(text, encoding="utf-8")
            written.append(path)
        return written

    def _export_modules(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        domains = set(self.domains())
        for domain in sorted(domains):
            fns = self.functions(domain)
            module = _module_name(domain)
            lines = _module_header(domain, [f.name for f in fns])
            for fn in fns:
                origin = f"# id {fn.id}; from task(s) {', '.join(fn.tasks) or '-'}; used by {fn.uses} solution(s)"
                lines += ["", "", origin, fn.source.rstrip()]
            path = folder / f"{module}.py"
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
            tmp.replace(path)
            written.append(path)
        if folder == self.folder:
            for stale in self.folder.glob("*.py"):  # a domain's old module (none but generated ones)
                if stale.stem not in {_module_name(d) for d in domains} and _generated(stale):
                    stale.unlink()
        return written


def _module_header(domain: str, names: Sequence[str]) -> list[str]:
    """The first lines of a domain's module: where its primitives come from, and ``__all__``."""
    module, stem = _module_name(domain), _domain_stem(domain)
    return [
        f'"""Library functions of the {domain} domain, learned by inductor (generated from',
        f'{DB_FILE}; edit the store, not this file)."""',
        "",
        f'if not __name__.startswith("{SANDBOX_PREFIX}"):  # in inductor\'s sandbox the primitives are here',
        f"    try:  # the {domain} primitives these functions may call: beside this file (library export)",
        f"        from {stem}_primitives import *  # noqa: F403",
        "    except ModuleNotFoundError:",
        "        try:  # or from the plugins that serve the domain, where inductor is installed",
        "            from inductor.domain import primitives_namespace",
        "        except ModuleNotFoundError:",
        f'            raise ImportError("{module}.py needs the {domain} primitives: {stem}_primitives.py '
        f'beside it (inductor library export writes it) or inductor installed") from None',
        f"        globals().update(primitives_namespace({domain!r}))",
        "",
        f"__all__ = {list(names)!r}",
    ]


def writable(folder: Path) -> bool:
    """Whether the library in ``folder`` can be written (the folder, and its store when there is one)."""
    path = folder / DB_FILE
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _readonly_uri(path: Path) -> str:
    """A read-only SQLite URI: ``immutable`` where the folder cannot be written, since a reader
    of a write-ahead-logged store would have to create its shared-memory file there."""
    from urllib.parse import quote

    uri = f"file:{quote(str(path))}?mode=ro"
    aux = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    if not os.access(path.parent, os.W_OK) and not all(a.exists() for a in aux):
        uri += "&immutable=1"
    return uri


def _why(exc: sqlite3.Error) -> str:
    text = str(exc)
    return f"the library is read-only ({text})" if "readonly" in text or "read-only" in text else text


def public_names(module: ModuleType) -> list[str]:
    """The names a module gives the sandbox's programs (its ``__all__``, else its public names)."""
    return list(getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")])


def _free_names(source: str) -> set[str]:
    """Names a function's source reads but never binds (nothing when it does not parse)."""
    import ast

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loaded - bound


def _generated(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8") as f:
            return f.readline().startswith('"""Library functions of the ')
    except (OSError, UnicodeDecodeError):
        return False


def _domain_stem(domain: str) -> str:
    clean = "".join(c if c.isalnum() else "_" for c in domain.lower()) or "generic"
    return clean if not clean[0].isdigit() else f"d_{clean}"


def _module_name(domain: str) -> str:
    """The domain module's name: never one that would shadow a standard or inductor module."""
    import keyword
    import sys

    stem = _domain_stem(domain)
    taken = stem in sys.stdlib_module_names or keyword.iskeyword(stem) or stem.startswith("inductor")
    return f"{stem}_functions" if taken else stem


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}_{n}" in taken:
        n += 1
    return f"{name}_{n}"


def rename_def(source: str, old: str, new: str) -> str:
    """``source`` with every whole-word ``old`` (a function's name) replaced by ``new``."""
    import re

    return re.sub(rf"\b{re.escape(old)}\b", new, source)


def _calls(source: str, name: str) -> bool:
    import re

    return re.search(rf"\b{re.escape(name)}\s*\(", source) is not None
