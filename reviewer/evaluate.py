"""Evaluation runs: review every labelled plan, checkpoint each prediction, then score.

Judging and scoring are separate: predictions go to ``<out>/predictions/<system>/<id>.json``
first (a rerun skips plans already done with the same settings), metrics are computed from
those files afterwards. Two baselines are scored beside the reviewer: the framework's
keyword cues fed through the same rules, and the majority label.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from .aggregate import decide
from .contracts import Report
from .framework import Framework, load_framework
from .pipeline import Reviewer
from .scoring import (
    LABELS,
    GoldExample,
    Prediction,
    SystemMetrics,
    flip_rate,
    prediction_from_report,
    read_dataset,
    system_metrics,
)
from .sentences import split_sentences
from .verify import has_cue


class EvalResult(BaseModel):
    """Metrics of the reviewer and the baselines on one dataset."""

    dataset: str
    plans: int
    reviewer: SystemMetrics
    baselines: list[SystemMetrics]
    flip_rate: dict[str, float] = Field(default_factory=dict)
    runs: int = 1
    config_key: str = ""
    settings: dict[str, object] = Field(default_factory=dict)


def _relative(path: Path) -> str:
    """The path relative to the working directory when it lies below it (reports name no machine paths)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path.name


def keyword_prediction(example: GoldExample, framework: Framework) -> Prediction:
    """Baseline: an indicator is yes when any plan sentence holds one of its cues and none of its exclusions.

    The framework's rules then apply as if every document were a comprehensive plan.
    """
    texts = [example.text[s:e] for s, e in split_sentences(example.text)]
    verdicts: dict[str, str | None] = {}
    for check in framework.checks:
        yes = {ind.id: any(has_cue(t, ind.keywords) and not (ind.exclude and has_cue(t, ind.exclude)) for t in texts)
               for ind in check.indicators}
        verdicts[check.id] = decide(check, yes).verdict
    return Prediction(id=example.id, system="keyword-baseline", verdicts=verdicts)


def document_name(example: GoldExample) -> str:
    """The file name a user would upload the example under: its title (or id) as a .txt file."""
    stem = (example.title or example.id).replace("/", "／").replace("\\", "＼")[:80]
    return f"{stem}.txt"


def recorded_reports(pair: str) -> list[tuple[GoldExample, Report]]:
    """``DATASET.jsonl=RUN_FOLDER`` → each example with the report ``reviewer eval`` checkpointed for it (first run)."""
    dataset, run = (Path(p) for p in pair.split("=", 1))
    out = []
    for example in read_dataset(dataset):
        path = run / "predictions" / f"{example.id}.run0.json"
        record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if "report" in record:
            out.append((example, Report.model_validate(record["report"])))
    return out


def majority_predictions(examples: list[GoldExample], reference: list[GoldExample]) -> list[Prediction]:
    """Baseline: every plan gets each label's most frequent gold value in ``reference``."""
    majority = {label: Counter(e.labels[label] for e in reference).most_common(1)[0][0] for label in LABELS}
    return [Prediction(id=e.id, system="majority-baseline", verdicts=dict(majority)) for e in examples]


def _cached(path: Path, key: str) -> Prediction | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Prediction.model_validate(data["prediction"]) if data.get("config_key") == key else None
    except (OSError, ValueError, KeyError, ValidationError):
        return None


def reseeded(reviewer: Reviewer, run: int) -> Reviewer:
    """The reviewer for repeat ``run``: ``reviewer`` itself for run 0, else a copy sampling with seed + ``run``.

    ``reviewer`` is never changed. The copy shares its chat model's weights, its embedder and its
    framework; its settings carry the new seed, so its checkpoints and cached answers are its own
    (the seed matters only when temperature > 0).
    """
    if run == 0:
        return reviewer
    seed = reviewer.settings.seed + run
    chat = reviewer.chat
    if "seed" in type(chat).model_fields:
        chat = chat.model_copy(update={"seed": seed})
    return Reviewer(reviewer.settings.model_copy(update={"seed": seed}), chat=chat, embeddings=reviewer.embeddings,
                    framework=reviewer.framework)


def predict_all(
    examples: list[GoldExample], reviewer: Reviewer, folder: Path, *, run: int = 0,
    on_item: Callable[[int, int, str], None] | None = None,
) -> list[Prediction]:
    """Review each example (or reuse its checkpoint); a failing plan is recorded, not fatal."""
    folder.mkdir(parents=True, exist_ok=True)
    key = reviewer.config_key()
    system = f"reviewer:{reviewer.settings.backend}/{getattr(reviewer.chat, 'model_name', reviewer.settings.model)}"
    preds = []
    for i, example in enumerate(examples, 1):
        if on_item:
            on_item(i, len(examples), example.id)
        path = folder / f"{example.id}.run{run}.json"
        if (done := _cached(path, key)) is not None:
            preds.append(done)
            continue
        started = time.perf_counter()
        try:
            report = reviewer.review(example.text.encode("utf-8"), name=document_name(example))
            pred = prediction_from_report(example.id, system, report, round(time.perf_counter() - started, 2))
            record = {"config_key": key, "prediction": pred.model_dump(), "report": report.model_dump(mode="json")}
        except Exception as exc:  # noqa: BLE001 - one failed plan is counted, not fatal
            pred = Prediction(id=example.id, system=system, verdicts={label: None for label in LABELS},
                              error=f"{type(exc).__name__}: {exc}", seconds=round(time.perf_counter() - started, 2))
            record = {"config_key": key, "prediction": pred.model_dump()}
        path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
        preds.append(pred)
    return preds


def evaluate(
    dataset: Path, reviewer: Reviewer, out: Path, *, limit: int | None = None, runs: int = 1,
    reference: Path | None = None, on_item: Callable[[int, int, str], None] | None = None,
) -> EvalResult:
    """Run the reviewer (``runs`` times, seeds differing) and both baselines; write metrics and reports."""
    examples = read_dataset(dataset)[:limit] if limit else read_dataset(dataset)
    framework = load_framework()
    all_runs = [predict_all(examples, reseeded(reviewer, run), out / "predictions", run=run, on_item=on_item)
                for run in range(runs)]
    ref = read_dataset(reference) if reference else examples
    result = EvalResult(
        dataset=_relative(dataset),
        plans=len(examples),
        reviewer=system_metrics(all_runs[0][0].system if all_runs[0] else "reviewer", all_runs[0], examples),
        baselines=[
            system_metrics("keyword-baseline", [keyword_prediction(e, framework) for e in examples], examples),
            system_metrics("majority-baseline", majority_predictions(examples, ref), examples),
        ],
        flip_rate=flip_rate(all_runs),
        runs=runs,
        config_key=reviewer.config_key(),
        settings={k: v for k, v in reviewer.settings.public_dict().items() if k not in ("home", "model_cache", "corpus_dir")},
    )
    write_outputs(result, out)
    return result


def write_outputs(result: EvalResult, out: Path) -> None:
    """``metrics.json``, ``report.md`` and ``f1.png`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(result.model_dump_json(indent=2), encoding="utf-8")
    (out / "report.md").write_text(markdown_report(result), encoding="utf-8")
    plot_f1(result, out / "f1.png")


def markdown_report(result: EvalResult) -> str:
    """The evaluation as Markdown: headline table, per-label table, margins over baselines."""
    systems = [result.reviewer, *result.baselines]
    lines = [f"# Evaluation on {Path(result.dataset).name} ({result.plans} plans)", "",
             "| system | macro-F1 M | macro-F1 E | macro-F1 | E accuracy | verbatim | parse failures | unscored | s/plan |",
             "|---|---|---|---|---|---|---|---|---|"]
    for m in systems:
        verbatim = f"{m.verbatim_rate:.2f}" if m.verbatim_rate is not None else "—"
        lines.append(f"| {m.system} | {m.macro_f1_m:.3f} | {m.macro_f1_e:.3f} | {m.macro_f1:.3f} | {m.accuracy_e:.3f} | "
                     f"{verbatim} | {m.parse_failure_rate:.3f} | {m.unscored_rate:.3f} | {m.seconds_per_plan:.1f} |")
    lines += ["", "Per label (positive class: present for M, missing for E): P / R / F1 / accuracy", "",
              "| label | " + " | ".join(m.system for m in systems) + " |", "|---|" + "---|" * len(systems)]
    for label in LABELS:
        cells = [f"{m.labels[label].precision:.2f} / {m.labels[label].recall:.2f} / {m.labels[label].f1:.2f} / "
                 f"{m.labels[label].accuracy:.2f}" for m in systems]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [""]
    for base in result.baselines:
        delta = result.reviewer.macro_f1 - base.macro_f1
        verb = "beats" if delta > 0 else "does not beat"
        lines.append(f"- The reviewer {verb} the {base.system} by {delta:+.3f} macro-F1 "
                     f"(M {result.reviewer.macro_f1_m - base.macro_f1_m:+.3f}, E {result.reviewer.macro_f1_e - base.macro_f1_e:+.3f}).")
    if (agreement := result.reviewer.scope_agreement) is not None:
        mismatches = ", ".join(f"{k} {n}" for k, n in result.reviewer.scope_confusion.items()) or "none"
        lines.append(f"- Document kind: the reviewer's agrees with the labelled kind on {agreement[0]} of {agreement[1]} "
                     f"plans (labelled→decided where they differ: {mismatches}).")
    if result.flip_rate:
        lines += ["", f"Flip rate over {result.runs} runs: " + ", ".join(f"{k} {v:.2f}" for k, v in result.flip_rate.items())]
    lines += ["", "Confusion matrices of the reviewer (rows gold, columns predicted):", ""]
    for label in LABELS:
        conf = result.reviewer.labels[label].confusion
        classes = list(conf)
        lines += [f"{label}: " + "; ".join(f"{g}→" + ",".join(f"{p}:{conf[g][p]}" for p in classes) for g in classes)]
    return "\n".join(lines) + "\n"


def plot_f1(result: EvalResult, path: Path) -> None:
    """Grouped bar chart of per-label F1 for the reviewer and the baselines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = [result.reviewer, *result.baselines]
    width = 0.8 / len(systems)
    fig, ax = plt.subplots(figsize=(9, 4))
    for i, m in enumerate(systems):
        xs = [x + i * width for x in range(len(LABELS))]
        ax.bar(xs, [m.labels[label].f1 for label in LABELS], width, label=m.system)
    ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(LABELS))], LABELS)
    ax.set_ylim(0, 1)
    ax.set_ylabel("F1 (positive: present / missing)")
    ax.set_title(f"Per-label F1 on {Path(result.dataset).name} ({result.plans} plans)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
