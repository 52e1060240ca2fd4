"""``inductor library ...``: search, show, list, stats, compress, reindex, prune, check and export
the function library."""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Any

import click

from inductor.app import App
from inductor.cli.base import (
    cli,
    library_option,
    pass_app,
)
from inductor.compress import (
    CompressionError,
    close_over,
    compress,
    compression_figures,
    renames_a_primitive,
    sleep,
    typed,
)
from inductor.index import LibraryIndex, index_problems
from inductor.prompts import helpers_from_module
from inductor.retrieve import search_library
from inductor.store import StoreError
from inductor.verify import Verifier, failing_functions, unverifiable_functions


@cli.group()
def library() -> None:
    """Search and maintain the function library (SQLite store, domain modules, FAISS index).

    \b
    Examples:
      inductor library list --domain lists
      inductor library search "sum of the odd numbers"
      inductor library check --repair
    """


@library.command("search")
@click.argument("query")
@click.option("-k", default=5, show_default=True, type=click.IntRange(min=1), help="How many functions.")
@click.option("--domain", help="Only functions of this domain.")
@click.option("--primitives/--no-primitives", default=True, show_default=True,
              help="Also rank the domains' primitives (the functions every program may call).")
@library_option
@pass_app
def library_search(app: App, query: str, k: int, domain: str | None, primitives: bool, library_dir: Path | None,
                   as_json: bool) -> None:
    """Functions nearest in meaning to QUERY: learned ones, and the domains' primitives.

    \b
    Examples:
      inductor library search "reverse a list"
      inductor library search "first word" --domain strings -k 10
    """
    lib = app.open_library(library_dir, readonly=True)
    if domain is not None:
        known = _known_domains(app, lib)
        if domain not in known:
            raise click.BadParameter(f"{domain!r}: unknown domain (known: {', '.join(known) or 'none'})",
                                     param_hint="--domain")

    index = app.library_index(lib)
    helpers = []
    if primitives:

        # the library's domains; an empty library still ranks every plugin domain's primitives
        domains = [domain] if domain else (lib.domains() or _known_domains(app, lib))
        helpers = [(d, h) for d in domains for m in app.plugins.primitives(d) for h in helpers_from_module(m)]
    found = search_library(lib, index, query, k, domain=domain, helpers=helpers,
                           cache_dir=app.embeddings_cache(lib))
    if as_json:
        click.echo(json.dumps([{**f, "score": round(s, 4)} for s, f in found], indent=2))
        return
    if not found:
        click.echo(f"no functions in {lib.folder}" if not len(lib) else "no match")
        return
    for score, f in found:
        where = f"id {f['id']}" if f["kind"] == "learned" else "primitive"
        click.echo(f"{score:.3f}  {f['name']}{f['signature']}  [{f['domain']}, {where}]")
        summary = (f.get("docstring") or "").strip().splitlines()
        if summary:
            click.echo(f"       {summary[0]}")


def _known_domains(app: App, lib: Any) -> list[str]:
    """Domains with functions in the library or served by a plugin."""
    return sorted(set(lib.domains()) | {d for ds in app.plugins.domains().values() for d in ds})


@library.command("show")
@click.argument("key")
@library_option
@pass_app
def libraryshow_figures(app: App, key: str, library_dir: Path | None, as_json: bool) -> None:
    """One function by NAME or ID: source, provenance, examples, uses.

    \b
    Examples:
      inductor library show drop_odd
      inductor library show 12 --json
    """
    lib = app.open_library(library_dir, readonly=True)
    fn = lib.get(key)
    if fn is None:
        primitive = None if key.isdigit() else _primitive(app, lib, key)
        if primitive is None:
            raise click.ClickException(f"{lib.folder}: no function {key!r} (learned or primitive)")
        if as_json:
            click.echo(json.dumps(primitive, indent=2))
            return
        click.echo(f"# primitive of the {primitive['domain']} domain (from {primitive['module']}), not learned")
        click.echo(primitive["source"].rstrip())
        return
    abstraction = lib.abstraction(fn.id)
    weight = lib.weights(fn.domain).get(fn.name)
    if as_json:
        click.echo(json.dumps(fn.to_json() | {"kind": "abstraction" if abstraction else "learned",
                                              "abstraction": abstraction, "weight": weight}, indent=2))
        return
    click.echo(f"# id {fn.id}, domain {fn.domain}, from task(s) {', '.join(fn.tasks) or '-'}, used by {fn.uses}")
    if abstraction is not None:
        click.echo(f"# abstraction {abstraction['body']} (arity {abstraction['arity']}), in the rewritten "
                   f"solutions of {', '.join(abstraction['tasks'])}")
    if weight is not None:
        click.echo(f"# grammar weight {weight:.3f} (1: a primitive's before fitting)")
    click.echo(fn.source.rstrip())
    for args, out in fn.examples[:5]:
        click.echo(f"# {fn.name}({', '.join(map(repr, args))}) == {out!r}")


def _primitive(app: App, lib: Any, name: str) -> dict[str, Any] | None:
    """The primitive called ``name`` of a known domain, as ``library show`` prints it (None: none)."""
    for domain in _known_domains(app, lib):
        for module in app.plugins.primitives(domain):
            fn = getattr(module, name, None)
            helper = next((h for h in helpers_from_module(module) if h.name == name), None)
            if helper is None or fn is None:
                continue
            try:
                source = inspect.getsource(fn)
            except (OSError, TypeError):
                source = f"def {helper.signature}: ..."
            return {"name": name, "domain": domain, "signature": helper.signature[len(name):],
                    "docstring": inspect.getdoc(fn) or "", "source": source, "module": module.__name__,
                    "kind": "primitive"}
    return None


@library.command("list")
@click.option("--domain", help="Only functions of this domain.")
@library_option
@pass_app
def library_list(app: App, domain: str | None, library_dir: Path | None, as_json: bool) -> None:
    """Every function, one a line: id, name, domain, uses.

    \b
    Examples:
      inductor library list
      inductor library list --domain strings --library mylib
    """
    fns = app.open_library(library_dir, readonly=True).functions(domain)
    if as_json:
        click.echo(json.dumps([f.to_json() for f in fns], indent=2))
        return
    for f in fns:
        click.echo(f"{f.id:>5}  {f.name:<32} {f.domain:<8} uses {f.uses:>3}  {f.summary[:60]}")


@library.command("stats")
@library_option
@pass_app
def library_stats(app: App, library_dir: Path | None, as_json: bool) -> None:
    """Counts: functions per domain, used and unused, tasks, runs, solutions, abstractions,
    weights; per domain, the corpus' description length before and after compression and the
    abstractions' depth.

    \b
    Examples:
      inductor library stats
      inductor library stats --json
    """
    lib = app.open_library(library_dir, readonly=True)
    stats = lib.stats()
    stats["compression"] = {d: compression_figures(lib, d) for d in sorted({s.domain for s in lib.solutions()})}
    if as_json:
        click.echo(json.dumps(stats, indent=2))
        return
    for key, value in stats.items():
        if key != "compression":
            click.echo(f"{key}: {value}")
    for domain, c in stats["compression"].items():
        click.echo(f"compression[{domain}]: {c['solutions']} solutions ({c['rewritten']} rewritten), "
                   f"{c['symbols_before']} -> {c['symbols_after']} symbols ({c['ratio']:.2f}x, abstraction "
                   f"bodies included), {c['abstractions']} abstractions, depth {c['depth']}")


@library.command("compress")
@library_option
@click.option("--domain", help="Only this domain's solutions [every domain].")
@click.option("--write", is_flag=True, help="Store the abstractions whose rewritten solutions pass as library functions.")
@pass_app
def library_compress(app: App, library_dir: Path | None, as_json: bool, domain: str | None, write: bool) -> None:
    """Find the abstractions the stored solutions share (stitch-core) and print them.

    Reads the s-expressions of the solutions the value search found, per domain; shows each
    abstraction with its arity, body, the tasks that use it and the typed Python function it
    becomes, and the corpus' cost before and after. With --write, each abstraction whose
    rewritten solutions pass their tasks' examples in the sandbox is stored as a library
    function (and indexed); without it nothing is written.

    \b
    Examples:
      inductor library compress
      inductor library compress --domain lists --json
      inductor library compress --write --library mylib
    """
    settings = app.settings.library
    if write:
        _compress_write(app, library_dir, domain, as_json)
        return
    lib = app.open_library(library_dir, readonly=True)
    solutions = lib.solutions(domain)
    out: dict[str, Any] = {}
    for name in sorted({s.domain for s in solutions}):
        corpus = {s.task_id: close_over(s.sexpr, s.params) for s in solutions if s.domain == name}
        try:
            found = compress(corpus, iterations=settings.compress_iterations, max_arity=settings.max_arity,
                             min_tasks=settings.min_tasks)
        except CompressionError as exc:
            raise click.ClickException(f"{lib.folder}: {exc}") from None
        dsl = app.plugins.dsl(name)
        functions = {t.abstraction.name: t for t in (typed(found.abstractions, dsl, lib.names(name)) if dsl else [])}
        out[name] = {"solutions": len(corpus), "cost_before": found.cost_before, "cost_after": found.cost_after,
                     "abstractions": [{"name": a.name, "arity": a.arity, "body": a.body, "tasks": list(a.tasks),
                                       "renames": renames_a_primitive(a),
                                       **({"function": f.name, "signature": f.signature, "docstring": f.docstring,
                                           "python": f.python} if (f := functions.get(a.name)) else {})}
                                      for a in found.abstractions]}
    if as_json:
        click.echo(json.dumps(out, indent=2))
        return
    if not out:
        click.echo(f"{lib.folder}: no stored s-expression solutions" + (f" in the domain {domain!r}" if domain else "")
                   + " (runs that learn store the value search's solutions)")
        return
    for name, info in out.items():
        ratio = info["cost_before"] / info["cost_after"] if info["cost_after"] else 1.0
        click.echo(f"{name}: {info['solutions']} solutions, cost {info['cost_before']} -> {info['cost_after']} "
                   f"({ratio:.2f}x), {len(info['abstractions'])} abstraction(s)")
        for a in info["abstractions"]:
            click.echo(f"  {a['name']} (arity {a['arity']}, {len(a['tasks'])} tasks: {', '.join(a['tasks'][:5])}"
                       f"{' ...' if len(a['tasks']) > 5 else ''}) := {a['body']}")
            if "function" in a:
                click.echo(f"    {a['function']}{a['signature']}: {a['docstring']}")
            elif a.get("renames"):
                click.echo("    (only renames a primitive: not a function of its own)")
            else:
                click.echo("    (not a first-order function of the DSL's types)")


def _compress_write(app: App, library_dir: Path | None, domain: str | None, as_json: bool) -> None:
    settings = app.settings.library
    lib = app.open_library(library_dir)
    index = app.library_index(lib)
    out: dict[str, Any] = {}
    with app.sandbox() as sandbox:
        verifier = Verifier(sandbox, app.plugins)
        for name in sorted({s.domain for s in lib.solutions(domain)}):
            dsl = app.plugins.dsl(name)
            if dsl is None:
                continue
            slept = sleep(lib, name, dsl, verifier, index=index, iterations=settings.compress_iterations,
                          max_arity=settings.max_arity, min_tasks=settings.min_tasks,
                          pseudocount=settings.weight_pseudocount)
            if slept.error:
                raise click.ClickException(f"{lib.folder}: {slept.error}")
            out[name] = slept.to_json()
    if as_json:
        click.echo(json.dumps(out, indent=2))
        return
    for name, info in out.items():
        click.echo(f"{name}: cost {info['cost_before']} -> {info['cost_after']}, "
                   f"{len(info['added'])} abstraction(s) stored, {info['rewritten']} solution(s) rewritten")
        for a in info["added"]:
            click.echo(f"  + {a['name']}{a['signature']}: {a['docstring']} (used by {len(a['tasks'])} tasks)")
        for stitch_name, why in info["skipped"].items():
            click.echo(f"  - {stitch_name}: {why}")
        top = ", ".join(f"{n} {w:.2f}" for n, w in info["top_weights"])
        click.echo(f"  grammar weights fitted to {info['programs']} solution(s); heaviest: {top}")
    if not out:
        click.echo(f"{lib.folder}: no stored s-expression solutions to compress")


@library.command("reindex")
@library_option
@pass_app
def library_reindex(app: App, library_dir: Path | None, as_json: bool) -> None:
    """Rebuild the FAISS index from the store.

    \b
    Examples:
      inductor library reindex --library mylib
    """
    lib = app.open_library(library_dir)
    n = app.library_index(lib).rebuild()
    click.echo(json.dumps({"indexed": n}) if as_json else f"indexed {n} functions")


@library.command("prune")
@click.option("--runs", "unused_runs", default=3, show_default=True,
              help="Drop functions unused by any solution that are older than this many runs.")
@library_option
@pass_app
def library_prune(app: App, unused_runs: int, library_dir: Path | None, as_json: bool) -> None:
    """Drop functions no solution uses that were added more than N runs ago.

    \b
    Examples:
      inductor library prune --runs 5
    """
    lib = app.open_library(library_dir)
    dropped = lib.prune(unused_runs)
    app.library_index(lib).remove([f.id for f in dropped if f.id is not None])
    if as_json:
        click.echo(json.dumps([f.name for f in dropped]))
        return
    click.echo(f"dropped {len(dropped)} function(s)" + (": " + ", ".join(f.name for f in dropped) if dropped else ""))


@library.command("check")
@click.option("--repair", is_flag=True, help="Fix what is found: rewrite modules, rebuild the index, drop "
                                            "functions that fail their examples (and those calling them); one "
                                            "whose check cannot run (its domain's plugin is not loaded) is kept.")
@library_option
@pass_app
def library_check(app: App, repair: bool, library_dir: Path | None, as_json: bool) -> None:
    """Check the store, the modules, the index and every function against its examples.

    Exits 1 when something is wrong and --repair was not given.

    \b
    Examples:
      inductor library check
      inductor library check --repair --library mylib
    """
    lib = app.open_library(library_dir, readonly=not repair)
    problems = lib.integrity()
    if problems:  # a damaged file: nothing else can be trusted, and repairing needs a backup
        for p in problems:
            click.echo(p)
        raise click.ClickException(f"{lib.folder}: the store is damaged; restore library.sqlite from a copy")
    embedder = app.embedder()
    # A function whose check cannot run (its domain's plugin is not loaded) is kept, never dropped.
    found: dict[str, Any] = {"modules": lib.stale_modules(), "index": index_problems(lib, embedder), "failing": {},
                             "dropped": [], "unverifiable": unverifiable_functions(lib, app.plugins)}
    with app.sandbox() as sandbox:
        verifier = Verifier(sandbox, app.plugins)
        found["failing"] = failing_functions(lib, verifier)
        if repair:
            # Dropping a function can break one that calls it: check again until none fails.
            failing = found["failing"]
            while failing:
                ids = [f.id for f in (lib.get(n) for n in failing) if f is not None and f.id is not None]
                found["dropped"] += list(failing)
                lib.remove(ids)
                failing = failing_functions(lib, verifier)
    if repair:
        lib.export_modules()
        LibraryIndex(lib, embedder)  # rebuilds a stale index
    size = len(lib)
    lib.close()
    ok = not (found["modules"] or found["failing"] or found["index"])
    if as_json:
        click.echo(json.dumps({"ok": ok, "repaired": repair and not ok, **found}, indent=2))
    else:
        for name in found["modules"]:
            click.echo(f"{name}: out of step with the store" + (" (rewritten)" if repair else ""))
        for name, why in found["failing"].items():
            click.echo(f"{name}: fails its examples: {why}" + (" (dropped)" if repair else ""))
        for name in found["dropped"][len(found["failing"]):]:
            click.echo(f"{name}: dropped, it called a dropped function")
        for name, why in found["unverifiable"].items():
            click.echo(f"{name}: unverifiable, kept unchecked: {why}")
        if found["index"]:
            click.echo(f"index: {found['index']}" + (" (rebuilt)" if repair else ""))
        unchecked = f" ({len(found['unverifiable'])} unverifiable)" if found["unverifiable"] else ""
        click.echo(f"{lib.folder}: {size} functions{unchecked}, " + (
            "all checks pass" if ok else "repaired" if repair else "problems found (--repair)"))
    if not ok and not repair:
        sys.exit(1)


@library.command("export")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@library_option
@pass_app
def library_export(app: App, folder: Path, library_dir: Path | None, as_json: bool) -> None:
    """Write the library as readable Python modules (one per domain) into FOLDER.

    \b
    Examples:
      inductor library export exported/
    """
    lib = app.open_library(library_dir, readonly=True)
    primitives = {d: app.plugins.primitives(d) for d in lib.domains()}
    try:
        paths = lib.export_modules(folder, primitives=primitives)
    except (OSError, StoreError) as exc:
        raise click.ClickException(f"{folder}: cannot export: {exc}") from None
    if as_json:
        click.echo(json.dumps([str(p) for p in paths]))
        return
    click.echo("\n".join(str(p) for p in paths))
    written = {p.name for p in paths}
    for domain in lib.domains():
        if lib.primitives_file(domain) not in written:
            click.echo(f"{domain}: primitives not written (no loaded plugin defines all that its functions call); "
                       f"importing {lib.module_path(domain).name} says what it needs", err=True)
