"""The evaluation harness end to end on a one-plan dataset, with the fake backend."""

import json

from reviewer import FakeChat, Reviewer, load_settings
from reviewer.evaluate import evaluate

PLAN = ("某县加快发展新质生产力行动方案\n一、主要目标\n到2026年，建成县级孵化器2个。\n二、重点任务\n"
        "（一）推动纺织、食品等传统产业数字化改造，建设县级工业互联网平台和科技企业孵化器，培育新能源装备产业。\n")
LABELS = {"M1": "absent", "M2": "absent", "M3": "absent", "M4": "absent",
          "E1": "missing", "E2": "partial", "E3": "missing", "E4": "partial"}


def test_repeated_runs_sample_with_new_seeds_without_changing_the_reviewer(tmp_path):
    dataset = tmp_path / "one.jsonl"
    dataset.write_text(json.dumps({"id": "p1", "text": PLAN, "labels": LABELS}, ensure_ascii=False) + "\n", encoding="utf-8")
    chat = FakeChat()
    reviewer = Reviewer(load_settings(environ={}, backend="fake", embedding="fake", home=tmp_path / "home"), chat=chat)
    result = evaluate(dataset, reviewer, tmp_path / "out", runs=2)
    assert result.runs == 2 and result.reviewer.plans == 1
    assert reviewer.chat is chat and chat.seed == 42 and reviewer.settings.seed == 42  # untouched
    assert {request["seed"] for request in chat.history} == {42, 43}  # run 1 sampled with its own seed
    assert (tmp_path / "out" / "predictions" / "p1.run1.json").is_file()
