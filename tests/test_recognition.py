"""The recognition model: dreams by relabeling the library's grammar, the encoders per domain,
a short training run that moves the weights and loads back, and the search taking the
per-task weights (``inductor train --recognition``, ``--no-recognition``)."""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import replace

import pytest
from click.testing import CliRunner

from inductor import recognition as R
from inductor.cli import cli
from inductor.config import RecognitionSettings
from inductor.dsl.core import evaluate, parse
from inductor.store import Function, Library, Solution
from inductor.tasks import Example, Task
from inductor_plugins.lists import dsl as lists

PRIMS = {p.name: p for p in lists.PRIMITIVES}
INPUTS = [[[3, 1, 2]], [[5, 0, 7, 4]], [[9, 8]], [[6, 2, 2, 1, 0]]]
SMALL = RecognitionSettings(steps=40, batch=16, lr=5e-3, hidden=32, dream_sets=2, seconds_per_set=0.2,
                            terms_per_set=30)


def _lists_task(task_id: str, program: str, inputs=INPUTS) -> Task:
    term = parse(program, PRIMS)
    return Task(task_id, [Example(tuple(a), evaluate(term, PRIMS, ["x"], a)) for a in inputs], domain="lists",
                types={"x": "list[int]"})


def _library_with_an_abstraction(tmp_path) -> Library:
    """A library holding one abstraction (as the sleep stores it) and two solutions using it."""
    lib = Library(tmp_path / "lib")
    source = "def sorted_prefix(n: int, xs: list[int]) -> list[int]:\n" \
             '    """The first n numbers of xs once sorted."""\n    return sorted(xs)[:n]\n'
    fn = lib.add(Function(name="sorted_prefix", domain="lists", signature="(n: int, xs: list[int]) -> list[int]",
                          source=source, docstring="The first n numbers of xs once sorted.",
                          examples=[([2, [3, 1, 2]], [1, 2])]), task_id="a")
    lib.record_abstraction(fn.id, "(lam (take #0 (sort $0)))", 1, ["a", "b"])
    for task_id, k in (("a", 2), ("b", 1)):
        text = f"(take {k} (sort x))"
        term = parse(text, PRIMS)
        examples = tuple(([a[0]], evaluate(term, PRIMS, ["x"], a)) for a in INPUTS)
        lib.record_solution(Solution("lists", task_id, ("x",), text, "def f(x):\n    return sorted(x)[:1]\n", "r",
                                     examples))
    return lib


def _relabel_here(inputs, seconds=0.3, count=40, types=("list[int]",)):
    """The relabel job run in this process (the DSL alone: trusted code)."""
    from inductor.dsl.bottomup import relabel_job

    job = {"dsl": lists.__name__, "params": ["x"], "inputs": inputs, "param_types": None, "seconds": seconds,
           "count": count, "seed": 1, "types": list(types)}
    return relabel_job(job)["samples"]


def test_relabeling_turns_every_kept_term_into_a_correct_program_for_its_outputs():
    from inductor.dsl.core import app, var

    samples = _relabel_here(INPUTS)
    assert len(samples) >= 20
    for outputs, names in samples[:25]:
        assert names and all(n in PRIMS for n in names)
        assert all(type(o) is list for o in outputs)  # only the type asked for
        assert outputs != [a[0] for a in INPUTS]  # not an input itself
    assert len({len(names) for _, names in samples}) >= 2  # spread over cost levels, not only one-call programs
    # a sample's names are its program's: a one-call sample is that primitive on the input
    one = next((o, n) for o, n in samples if n == ["reverse"] or n == ["sort"])
    term = app(PRIMS[one[1][0]], var("x", lists.list_of(lists.INT)))
    assert one[0] == [evaluate(term, PRIMS, ["x"], a) for a in INPUTS]


def test_dreams_come_from_the_current_library_and_run_in_the_sandbox(tmp_path):
    from inductor.value_search import ValueSearcher

    lib = _library_with_an_abstraction(tmp_path)
    searcher = ValueSearcher(seconds=2.0, memory_mb=300, bank_mb=32)
    try:
        relabel = R.sandboxed_relabel(searcher, lib, "lists", replace(SMALL, seconds_per_set=0.5, terms_per_set=400))
        (found, other) = relabel([INPUTS, INPUTS[:2]], ["list[int]"])
    finally:
        searcher.close()
    assert found and other
    assert any("sorted_prefix" in names for _, names in found)  # the library's abstraction is in the grammar
    replayed = R.replay(lib, "lists", lists)
    assert sorted(s.names for s in replayed) == [["take", "sort"]] * 2 and replayed[0].origin == "replay"
    assert "sorted_prefix" in R.vocabulary(lists, lib, "lists")
    assert R.value_types([[1, 2], [3]], lists) == ["list[int]"]


@pytest.mark.parametrize("domain, inputs, outputs", [
    ("lists", [[[1, 2, 3]], [[4]]], [[3, 2, 1], [4]]),
    ("strings", [["Ann Lee"], ["Bo"]], ["A.L.", "B."]),
    ("grids", [[[[0, 1], [1, 0]]], [[[2]]]], [[[1, 0], [0, 1]], [[2, 2]]]),
])
def test_each_domain_s_encoder_reads_its_examples_into_one_logit_per_name(plugins, domain, inputs, outputs):
    dsl = plugins.dsl(domain)
    kind = R.encoder_kind(domain, dsl)
    assert kind == ("grid" if domain == "grids" else "sequence")
    vocab = R.vocabulary(dsl, None, domain)
    net = R._network(kind, len(vocab), 16)
    sample = R.Sample(inputs, outputs, [])
    a, b, owners = R._batch(kind, [sample, sample])
    assert owners.tolist() == [0, 1, 0, 1][: len(owners)] or owners.tolist() == [0, 0, 1, 1]
    logits = net(a, b, owners, 2)
    assert tuple(logits.shape) == (2, len(vocab))
    assert logits[0].tolist() == pytest.approx(logits[1].tolist(), abs=1e-5)  # the same task, the same logits


def test_the_sequence_encoding_cuts_long_values_and_keeps_the_output_side():
    codes = R.encode_sequence([[list(range(200))]], [[7, 7]])[0]
    assert len(codes) <= R.MAX_CHARS and all(1 <= c <= 96 for c in codes)
    text = "".join(chr(c + 31) for c in codes)
    assert text.endswith("\x7f[7,7]")


def test_a_short_training_run_moves_the_weights_toward_what_programs_use_and_loads_back(tmp_path):
    # Every program of this corpus sorts: the model learns to put "sort" first.
    rng = random.Random(0)
    samples = []
    for _ in range(60):
        xs = [[rng.randint(0, 9) for _ in range(rng.randint(2, 6))] for _ in range(3)]
        k = rng.randint(1, 2)
        samples.append(R.Sample([[x] for x in xs], [sorted(x)[:k] for x in xs], ["take", "sort"]))
    vocab = R.vocabulary(lists, None, "lists")
    model, info = R.train(samples, vocab, "sequence", SMALL, domain="lists")
    assert info.losses[-1] < info.losses[0] and info.validation_loss < info.uniform_loss
    R.save(tmp_path, model, info)
    card = (tmp_path / R.RECOGNITION_DIR / "README.md").read_text()
    assert "## lists" in card and "held-out" in card
    loaded = R.Recognizer.load(tmp_path, "lists", mix=1.0)
    task = _lists_task("t", "(take 2 (sort x))")
    weights = loaded.weights(task)
    top = sorted(weights, key=weights.get, reverse=True)[:2]
    assert set(top) == {"sort", "take"} and weights["sort"] > 2 > weights["reverse"]
    assert sum(weights.values()) / len(weights) == pytest.approx(1.0, rel=0.01)
    again = R.Recognizer.load(tmp_path, "lists", mix=1.0).weights(task)
    assert again == pytest.approx(weights)
    half = R.Recognizer.load(tmp_path, "lists", mix=0.5).weights(task, {"sort": 1.0})
    assert half["sort"] == pytest.approx(weights["sort"] ** 0.5, rel=1e-6)  # mixed in log space
    assert R.Recognizer.load(tmp_path, "strings") is None


def test_a_broken_model_file_is_one_clear_error(tmp_path):
    folder = tmp_path / R.RECOGNITION_DIR
    folder.mkdir()
    (folder / "lists.json").write_text(json.dumps({"kind": "sequence", "vocabulary": ["a"],
                                                   "settings": {"hidden": 8}}))
    (folder / "lists.pt").write_bytes(b"not a model")
    with pytest.raises(R.RecognitionError, match="lists.pt: cannot load the recognition model"):
        R.Recognizer.load(tmp_path, "lists")


def test_the_search_gets_the_predicted_weights_and_the_order_changes(tmp_path):
    from inductor.dsl.bottomup import Engine
    from inductor.loop import LibraryUse

    lib = _library_with_an_abstraction(tmp_path)
    lib.set_weights("lists", {"reverse": 3.0}, {"reverse": 1})
    rng = random.Random(0)
    samples = [R.Sample([[[rng.randint(0, 9) for _ in range(4)]] for _ in range(3)], [[0]] * 3, ["drop_last"])
               for _ in range(40)]
    model, info = R.train(samples, R.vocabulary(lists, lib, "lists"), "sequence", SMALL, domain="lists")
    R.save(lib.folder, model, info)
    task = _lists_task("t", "(drop_last 1 x)")
    use = LibraryUse(lib, recognition=True, recognition_mix=1.0)
    guided = use.search_weights(task, "lists")
    assert guided["drop_last"] > 5 and guided != lib.weights("lists")
    use.recognition = False
    assert use.search_weights(task, "lists") == lib.weights("lists") == {"reverse": 3.0}
    # The engine enumerates in the predicted order: drop_last's terms come before reverse's.
    order = {}
    for weights in (lib.weights("lists"), guided):
        # A clock that ticks once per check: the same enumeration on any machine.
        engine = Engine(lists.PRIMITIVES, ["x"], INPUTS, ["unreachable"] * 4, weights=weights, constants=[1],
                        clock=itertools.count().__next__, deadline=100)
        engine.run()
        first = {}
        for t in engine.terms():
            if t.kind == "prim":
                first[t.head] = min(first.get(t.head, t.cost), t.cost)
        order[len(order)] = first["drop_last"] < first["reverse"]
    assert order == {0: False, 1: True}


class _ScriptedSearcher:
    """Returns each task's known s-expression solution, and records the weights it is given."""

    def __init__(self, solutions):
        self.solutions, self.weights = solutions, []

    def search(self, task, components, preludes=(), same=None, deadline=None, weights=None):
        from inductor.dsl.core import program
        from inductor.value_search import ValueResult

        self.weights.append(dict(weights or {}))
        text = self.solutions[task.id]
        return ValueResult(program=program(parse(text, PRIMS), PRIMS, "f", ["x"]), sexpr=text, stopped="solved")


def test_the_loop_searches_with_the_recognition_model_s_weights(tmp_path, plugins, sandbox):
    from inductor.config import ModelSettings
    from inductor.loop import Budget, Induction, LibraryUse
    from inductor.prompts import Prompts
    from inductor.verify import Verifier

    lib = _library_with_an_abstraction(tmp_path)
    samples = [R.Sample(INPUTS, outs, names) for outs, names in _relabel_here(INPUTS, seconds=0.2)]
    model, info = R.train(samples, R.vocabulary(lists, lib, "lists"), "sequence", SMALL, domain="lists")
    R.save(lib.folder, model, info)
    task = _lists_task("c", "(reverse x)")
    searcher = _ScriptedSearcher({"c": "(reverse x)"})
    use = LibraryUse(lib, learn=False, recognition=True)
    loop = Induction(None, Verifier(sandbox, plugins), plugins, prompts=Prompts(), budget=Budget(seconds=5.0),
                     model_settings=ModelSettings(), library=use, search=searcher)
    run = loop.run([task])
    assert run.results[0].train_solved and run.results[0].guided
    assert searcher.weights[-1] == pytest.approx(use.search_weights(task, "lists"))
    use.recognition = False
    run = loop.run([task])
    assert not run.results[0].guided and searcher.weights[-1] == {}


def test_inductor_train_recognition_stores_a_model_the_run_then_uses(tmp_path):
    lib = _library_with_an_abstraction(tmp_path)
    config = tmp_path / "inductor.toml"
    config.write_text("[recognition]\nsteps = 5\nhidden = 16\ndream_sets = 1\nseconds_per_set = 0.1\n"
                      "terms_per_set = 10\n")
    result = CliRunner().invoke(cli, ["--config", str(config), "train", "--recognition", "--from-library",
                                      str(lib.folder), "--domains", "lists"])
    assert result.exit_code == 0, result.output
    assert "lists: recognition model trained" in result.output
    info = json.loads((lib.folder / R.RECOGNITION_DIR / "lists.json").read_text())
    assert info["samples"]["replay"] == 2 and len(info["losses"]) == 5 and "sorted_prefix" in info["vocabulary"]
    bad = CliRunner().invoke(cli, ["train", "--recognition", "--from-library", str(lib.folder),
                                   "--domains", "nosuch"])
    assert bad.exit_code != 0 and "'nosuch' has no λ-DSL" in bad.output
    out = CliRunner().invoke(cli, ["train", "--recognition", "--from-library", str(lib.folder), "--out", "x"])
    assert out.exit_code != 0 and "--out" in out.output


def test_settings_for_training_come_from_the_recognition_section():
    assert replace(RecognitionSettings(), steps=3).steps == 3
    assert RecognitionSettings().mix == 0.5


def test_a_domain_names_its_encoder_in_its_dsl_module():
    import types

    plain = types.SimpleNamespace(__name__="mine.dsl")
    assert R.encoder_kind("mine", plain) == "sequence"
    assert R.encoder_kind("mine", types.SimpleNamespace(__name__="mine.dsl", ENCODER="grid")) == "grid"
    with pytest.raises(R.RecognitionError, match="ENCODER 'cnn' in mine.dsl is not one of sequence, grid"):
        R.encoder_kind("mine", types.SimpleNamespace(__name__="mine.dsl", ENCODER="cnn"))


def test_a_plugin_supplies_its_own_encoder_as_a_feature_function(tmp_path, monkeypatch):
    import sys
    import types

    mine = types.ModuleType("my_domain_dsl")  # a plugin's DSL module, importable by its name

    def features(args, output):  # the input's and output's lengths, and whether the output is sorted
        (xs,) = args
        return [len(xs) / 10, len(output) / 10, float(list(output) == sorted(output))]

    mine.ENCODER, mine.PRIMITIVES = features, lists.PRIMITIVES
    monkeypatch.setitem(sys.modules, "my_domain_dsl", mine)
    kind = R.encoder_kind("mine", mine)
    assert kind == "features:my_domain_dsl:ENCODER"
    rng = random.Random(0)
    samples = []
    for _ in range(60):  # sorting programs and reversing ones: the features tell them apart
        xs = [[rng.randint(0, 9) for _ in range(rng.randint(3, 6))] for _ in range(3)]
        if rng.random() < 0.5:
            samples.append(R.Sample([[x] for x in xs], [sorted(x) for x in xs], ["sort"]))
        else:
            samples.append(R.Sample([[x] for x in xs], [x[::-1] for x in xs], ["reverse"]))
    model, info = R.train(samples, R.vocabulary(lists, None, "mine"), kind, SMALL, domain="mine")
    assert info.kind == "features:my_domain_dsl:ENCODER:3" and info.validation_loss < info.uniform_loss
    R.save(tmp_path, model, info)
    loaded = R.Recognizer.load(tmp_path, "mine", mix=1.0)
    sorting = Task("s", [Example(([3, 1, 2],), [1, 2, 3]), Example(([5, 4, 9, 0],), [0, 4, 5, 9])], domain="mine")
    weights = loaded.weights(sorting)
    assert weights["sort"] > weights["reverse"]
    monkeypatch.delitem(sys.modules, "my_domain_dsl")
    with pytest.raises(R.RecognitionError, match="my_domain_dsl.ENCODER cannot be found"):
        R.Recognizer.load(tmp_path, "mine")


def test_the_search_components_carry_an_abstraction_s_body(tmp_path):
    from inductor.loop import LibraryUse

    lib = _library_with_an_abstraction(tmp_path)
    lib.add(Function(name="plain_double", domain="lists", signature="(xs: list[int]) -> list[int]",
                     source="def plain_double(xs: list[int]) -> list[int]:\n    return [2 * v for v in xs]\n",
                     examples=[([[1]], [2])]), task_id="m")
    got = {c.name: c for c in LibraryUse(lib, search_functions="all").components("lists")}
    assert got["sorted_prefix"].body == "(take arg0_ (sort arg1_))" and got["sorted_prefix"].library
    assert got["plain_double"].body == ""  # model- or user-written: opaque
