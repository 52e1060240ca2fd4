"""The library store: schema migrations, transactions, provenance, modules, pruning."""

from __future__ import annotations

import os
import sqlite3

import pytest

from inductor.store import DB_FILE, MIGRATIONS, Function, Library, StoreError


def fn(name="reverse_list", source=None, **kw):
    source = source or f"def {name}(x: list[int]) -> list[int]:\n    return x[::-1]\n"
    return Function(name=name, domain=kw.pop("domain", "lists"), signature="(x: list[int]) -> list[int]",
                    source=source, docstring="Reverse the list.", **kw)


def test_a_new_library_is_at_the_latest_schema(tmp_path):
    lib = Library(tmp_path / "lib")
    assert lib.version == len(MIGRATIONS) and len(lib) == 0


def test_an_old_file_is_migrated_in_place(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    db = sqlite3.connect(folder / DB_FILE)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO functions (name, domain, signature, source, created, updated) "
               "VALUES ('old', 'lists', '(x)', 'def old(x):\n    return x\n', 0, 0)")
    db.commit()
    db.close()
    lib = Library(folder)
    assert lib.version == len(MIGRATIONS) and lib.get("old").uses == 0  # the uses table now exists
    lib.record_uses([1], "t1")
    assert lib.get("old").uses == 1


def test_a_migration_another_process_applied_meanwhile_is_skipped(tmp_path, monkeypatch):
    folder = tmp_path / "lib"
    Library(folder).db.close()  # the other process created the schema ...
    real = Library.version.fget
    stale = [0]  # ... after this one read the version
    monkeypatch.setattr(Library, "version", property(lambda self: stale.pop() if stale else real(self)))
    lib = Library(folder)
    assert real(lib) == len(MIGRATIONS) and len(lib) == 0


def test_a_newer_schema_is_refused_with_the_file_named(tmp_path):
    folder = tmp_path / "lib"
    Library(folder).db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    with pytest.raises(StoreError, match=DB_FILE):
        Library(folder)


def test_add_keeps_provenance_examples_and_unique_names(tmp_path):
    lib = Library(tmp_path / "lib")
    a = lib.add(fn(examples=[([[1, 2]], [2, 1])]), task_id="c001", run="r1", model="m")
    b = lib.add(fn(), task_id="c002")
    assert (a.name, b.name) == ("reverse_list", "reverse_list_2") and "def reverse_list_2(" in b.source
    assert a.tasks == ["c001"] and a.examples == [([[1, 2]], [2, 1])]
    lib.add_provenance(a.id, "c009")
    assert lib.get(a.id).tasks == ["c001", "c009"] and lib.get("reverse_list").id == a.id
    assert lib.stats()["functions"] == 2 and lib.stats()["by_domain"] == {"lists": 2}


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    lib = Library(tmp_path / "lib")
    with pytest.raises(RuntimeError), lib.transaction() as db:
        db.execute("INSERT INTO functions (name, domain, signature, source, created, updated) "
                   "VALUES ('x', 'lists', '()', 'def x(): pass', 0, 0)")
        raise RuntimeError("boom")
    assert len(lib) == 0


def test_domain_modules_are_readable_python_with_every_function(tmp_path):
    lib = Library(tmp_path / "lib")
    lib.add(fn(), task_id="t")
    lib.add(fn("shout", "def shout(s: str) -> str:\n    return s.upper()\n", domain="strings"), task_id="u")
    lists = (tmp_path / "lib" / "lists.py").read_text()
    namespace: dict = {}
    exec(compile(lists, "lists.py", "exec"), namespace)
    assert namespace["reverse_list"]([1, 2]) == [2, 1] and namespace["__all__"] == ["reverse_list"]
    assert "# id 1; from task(s) t" in lists and (tmp_path / "lib" / "strings.py").is_file()
    before = lib.module_name("lists")
    lib.add(fn("again"), task_id="v")
    assert lib.module_name("lists") != before  # the sandbox loads a changed module afresh


def test_prune_drops_old_unused_functions_but_keeps_used_and_called_ones(tmp_path):
    lib = Library(tmp_path / "lib")
    used = lib.add(fn("used_one"))
    helper = lib.add(fn("helper_one"))
    caller = lib.add(fn("caller", "def caller(x: list[int]) -> list[int]:\n    return helper_one(x)\n"))
    lone = lib.add(fn("lonely"))
    lib.record_uses([used.id, caller.id], "t")
    for run in ("r1", "r2", "r3"):
        lib.record_run(run)
    assert lib.prune(unused_runs=5) == []  # not that many runs yet
    assert [f.name for f in lib.prune(unused_runs=2)] == ["lonely"]
    assert lib.get(lone.id) is None and all(lib.get(f.id) for f in (used, helper, caller))
    assert "lonely" not in (tmp_path / "lib" / "lists.py").read_text()


def test_recording_a_use_or_a_task_keeps_the_modules_in_step(tmp_path):
    lib = Library(tmp_path / "lib")
    stored = lib.add(fn())
    lib.record_uses([stored.id], "t1")
    assert lib.stale_modules() == []
    assert "used by 1 solution(s)" in lib.module_path("lists").read_text()
    lib.add_provenance(stored.id, "t2")  # a merged duplicate: the same function solved another task
    assert lib.stale_modules() == [] and "t2" in lib.module_path("lists").read_text()


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _stored(tmp_path):
    folder = tmp_path / "lib"
    lib = Library(folder)
    lib.add(fn(examples=[([[1, 2]], [2, 1])]), task_id="t")
    lib.close()  # the last connection folds the write-ahead log into the store
    return folder


def test_a_folder_without_a_library_is_refused_unless_creating(tmp_path):
    for kw in ({"create": False}, {"readonly": True}):
        with pytest.raises(StoreError, match="no library here"):
            Library(tmp_path / "typo", **kw)
        assert not (tmp_path / "typo").exists()
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "t.json").write_text("{}")
    with pytest.raises(StoreError, match="no library here"):
        Library(tasks, readonly=True)
    assert sorted(p.name for p in tasks.iterdir()) == ["t.json"]


def test_a_read_only_store_reads_refuses_writes_and_changes_no_file(tmp_path):
    folder = _stored(tmp_path)
    before = _snapshot(folder)
    lib = Library(folder, readonly=True)
    assert lib.get("reverse_list").examples == [([[1, 2]], [2, 1])] and lib.stats()["functions"] == 1
    assert lib.stale_modules() == []
    for write in (lambda: lib.add(fn("other")), lambda: lib.record_run("r"), lambda: lib.remove([1]),
                  lib.export_modules, lambda: lib.export_modules(folder)):
        with pytest.raises(StoreError, match="read-only"):
            write()
    lib.close()
    after = _snapshot(folder)
    assert {name: after[name] for name in before} == before
    assert set(after) - set(before) <= {"library.sqlite-wal", "library.sqlite-shm"}  # SQLite's reader files


def test_an_unwritable_folder_opens_immutable_for_reading_and_says_read_only_for_writing(tmp_path, monkeypatch):
    folder = _stored(tmp_path)
    before = _snapshot(folder)
    monkeypatch.setattr("inductor.store.os.access", lambda path, mode: mode != os.W_OK)
    with pytest.raises(StoreError, match="read-only"):
        Library(folder)
    lib = Library(folder, readonly=True)
    assert [f.name for f in lib.functions()] == ["reverse_list"]
    lib.close()
    assert _snapshot(folder) == before  # not even SQLite's reader files


def test_a_read_only_store_of_an_older_schema_says_read_only(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    db = sqlite3.connect(folder / DB_FILE)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="read-only"):
        Library(folder, readonly=True)


def test_a_domain_module_never_shadows_a_standard_module(tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "numbers.py").write_text('"""Library functions of the numbers domain, learned by inductor."""\n')
    (folder / "plugins.py").write_text("# the user's own file\n")
    lib = Library(folder)
    lib.add(fn("twice", "def twice(n: int) -> int:\n    return 2 * n\n", domain="numbers"))
    lib.add(fn("kw", "def kw(n: int) -> int:\n    return n\n", domain="class"))
    assert lib.module_path("numbers").name == "numbers_functions.py" and lib.module_path("lists").name == "lists.py"
    assert lib.module_path("class").name == "class_functions.py"
    names = {p.name for p in folder.glob("*.py")}
    assert names == {"numbers_functions.py", "class_functions.py", "plugins.py"}  # the old generated module went


def test_missing_names_follow_calls_between_library_functions(tmp_path):
    lib = Library(tmp_path / "lib")
    lib.add(fn("quad", "def quad(n: int) -> int:\n    return double(double(n))\n", domain="numbers"))
    lib.add(fn("octo", "def octo(n: int) -> int:\n    return quad(n) * 2\n", domain="numbers"))
    lib.add(fn("own", "def own(n: int) -> int:\n    m = [abs(v) for v in range(n)]\n    return sum(m)\n",
               domain="numbers"))
    assert lib.missing_names("numbers", set()) == {"quad": {"double"}, "octo": {"double"}}
    assert lib.missing_names("numbers", {"double"}) == {}


def test_the_search_gets_the_shared_functions_not_one_search_solutions_snippet(tmp_path):
    from inductor.store import Solution

    lib = Library(tmp_path / "lib")
    for task in ("t1", "t2", "t3"):  # three tasks the search solved
        lib.record_solution(Solution("lists", task, ("x",), "(reverse x)", "def f(x):\n    return x[::-1]\n"))
    snippet = lib.add(fn("snippet"), task_id="t1")  # refactored from t1's search solution
    merged = lib.add(fn("merged"), task_id="t2")
    lib.add_provenance(merged.id, "t3")  # t3's solution gave the same function
    called = lib.add(fn("called"), task_id="t2")
    lib.record_uses([called.id], "t3")
    abstraction = lib.add(fn("abstraction"), task_id="t1")
    lib.record_abstraction(abstraction.id, "(reverse #0)", 1, ["t1", "t2"])
    lib.add(fn("written"), task_id="m1", model="a-model")  # a model's solution: no s-expression
    lib.add(fn("mine"))  # added by hand
    lib.add(fn("elsewhere", domain="strings"))
    assert [f.name for f in lib.shared_functions("lists")] == ["merged", "called", "abstraction", "written", "mine"]
    assert [f.name for f in lib.shared_functions("lists", min_tasks=3)] == ["abstraction", "written", "mine"]
    lib.record_uses([snippet.id], "t2")  # a second task called it: now shared
    assert "snippet" in [f.name for f in lib.shared_functions("lists")]
