"""Tables for people of what the evaluations measured (`--json` gives the same for machines), printed
on the console the caller passes (the CLI's stdout console)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from .answers import AnswerReport

_FIGURES = [
    ("answer_accuracy", "answers right"),
    ("citation_accuracy", "citations right"),
    ("false_abstentions", "false abstentions"),
    ("abstention_recall", "abstention recall"),
    ("abstention_recall_off_corpus", "  off corpus"),
    ("abstention_recall_near_topic", "  near topic"),
]


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def print_answers(report: AnswerReport, splits: Sequence[str], title: str, out: Console) -> None:
    body = report.to_json(splits)
    table = Table(title=title)
    table.add_column("figure")
    for split in splits:
        table.add_column(split, justify="right")
    for key, label in _FIGURES:
        table.add_row(label, *(_share(body["splits"][s][key]) for s in splits))
    table.add_row("questions", *(str(body["splits"][s]["questions"]) for s in splits))
    table.add_row("latency p50 ms", *(str(body["splits"][s]["latency_ms"]["p50"]) for s in splits))
    table.add_row("latency p95 ms", *(str(body["splits"][s]["latency_ms"]["p95"]) for s in splits))
    out.print(table)
    kinds = Table(title="by kind: answers right (answerable) or abstained (unanswerable)")
    kinds.add_column("kind")
    for split in splits:
        kinds.add_column(split, justify="right")
    names = sorted({kind for s in splits for kind in body["splits"][s]["by_kind"]})
    for name in names:
        kinds.add_row(name, *(_kind_cell(body["splits"][s]["by_kind"].get(name)) for s in splits))
    out.print(kinds)
    masking = body["over_masking"]
    out.print(
        f"personal data found outside the originals: {len(body['personal_data_found'])}; "
        f"named things shown masked: {masking['masked']} of {masking['listed']} ({_share(masking['share'])})"
    )
    for leak in body["personal_data_found"]:
        out.print(f"  [red]raw personal data[/red] (sha256 {leak['value_sha']}) in {leak['where']}")
    for entity in masking["entities"]:
        out.print(f"  masked: {entity['entity']!r} in {entity['where']}")
    for name, reason in body["failed_documents"].items():
        out.print(f"  [red]failed[/red] {name}: {reason}")
    out.print("  ".join(f"{phase} {seconds:.1f} s" for phase, seconds in body["phases"].items()))


def _kind_cell(figures: dict[str, Any] | None) -> str:
    if figures is None:
        return "-"
    if figures["answerable"]:
        return f"{_share(figures['answer_accuracy'])} of {figures['answerable']}"
    return f"{_share(figures['abstention_recall'])} of {figures['unanswerable']}"


def print_pii(body: dict[str, Any], title: str, out: Console) -> None:
    """Recall and precision per type, and look-alikes masked, per split."""
    for split, labels in body.items():
        table = Table(title=f"{title}: {split}")
        for column in ("type", "mentions", "recall", "tags", "precision", "masked look-alikes"):
            table.add_column(column, justify="left" if column == "type" else "right")
        for label, figures in labels.items():
            if "over_masking" in figures:
                row = [str(figures["mentions"]), "", "", "", _share(figures["over_masking"])]
            else:
                row = [
                    str(figures["mentions"]),
                    _share(figures["recall"]),
                    str(figures["tags"]),
                    _share(figures["precision"]),
                    "",
                ]
            table.add_row(label, *row)
        out.print(table)
