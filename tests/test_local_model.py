"""The bundled models, for real: one-token yes/no answers with log-probabilities through llama.cpp."""

import pytest

from reviewer import load_settings, make_chat
from reviewer.candidates import Candidate
from reviewer.framework import load_framework
from reviewer.judge import SentenceJudge
from reviewer.prompts import load_prompt

pytestmark = pytest.mark.model

UPGRADING = load_framework().get("M3").indicators[0]  # M3a: upgrading traditional industries


def _candidate(text: str) -> Candidate:
    return Candidate(indicator="M3a", sentence=0, text=text, start=0, end=len(text), section="重点任务")


@pytest.fixture(scope="module", params=["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"])
def judge(request):
    return SentenceJudge(make_chat(load_settings(backend="local", model=request.param)), load_prompt("judge_sentence"))


def test_answers_come_as_log_probabilities(judge):
    scores, usage = judge.score(UPGRADING, [_candidate("推动纺织、建材等传统产业开展数字化、智能化改造，实施设备更新项目。")])
    assert scores[0].method == "logprob" and scores[0].p_yes is not None
    assert usage.calls == 1 and usage.completion_tokens == 1 and usage.prompt_tokens > 50


def test_the_default_model_tells_the_obvious_cases_apart():
    judge = SentenceJudge(make_chat(load_settings(backend="local")), load_prompt("judge_sentence"))
    yes = _candidate("推动纺织、建材等传统产业开展数字化、智能化改造，实施设备更新和技术改造项目。")
    no = _candidate("成立县发展新质生产力工作领导小组，由县政府主要负责同志任组长。")
    (p_yes, p_no), usage = judge.score(UPGRADING, [yes, no])
    assert p_yes.p_yes > p_no.p_yes
    assert usage.cached_tokens > 0  # the second sentence reused the system text and question from the cache
