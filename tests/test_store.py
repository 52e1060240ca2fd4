"""The library store: schema migrations, transactions, provenance, modules, pruning."""

from __future__ import annotations

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
