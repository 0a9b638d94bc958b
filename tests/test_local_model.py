"""The bundled models, for real: Chinese questions with a JSON schema."""

from typing import Literal

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from reviewer import ask_structured, load_settings, make_chat

pytestmark = pytest.mark.model


class IndustryAnswer(BaseModel):
    reasoning: str = Field(max_length=120, description="一句话理由")
    traditional_upgrading: Literal["yes", "no", "insufficient_evidence"] = Field(
        description="规划是否把传统产业改造升级作为发展新质生产力的任务"
    )
    industries: list[str] = Field(max_length=4, description="规划点名的产业，最多4个")


PLAN = (
    "某县发展新质生产力实施方案：推动纺织、建材等传统产业开展数字化、智能化改造，"
    "实施设备更新和技术改造项目；同时培育新能源装备、新材料等战略性新兴产业。"
)


@pytest.fixture(scope="module", params=["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b"])
def local_chat(request):
    return make_chat(load_settings(backend="local", model=request.param, max_tokens=200))


def test_chinese_question_gets_a_schema_valid_answer(local_chat):
    messages = [
        SystemMessage(content="你是规划审读助手，只依据给定文本回答，输出 JSON。"),
        HumanMessage(content=f"规划文本：{PLAN}\n问题：该规划是否把传统产业改造升级作为发展新质生产力的任务？列出点名的产业。"),
    ]
    result = ask_structured(local_chat, messages, IndustryAnswer)
    assert result.ok, result.raw
    assert isinstance(result.value, IndustryAnswer)
    assert result.usage.prompt_tokens > 50 and result.usage.completion_tokens > 5


def test_15b_reads_the_obvious_answer():
    chat = make_chat(load_settings(backend="local", max_tokens=200))
    messages = [HumanMessage(content=f"规划文本：{PLAN}\n问题：该规划是否把传统产业改造升级作为发展新质生产力的任务？")]
    result = ask_structured(chat, messages, IndustryAnswer)
    assert result.ok and result.value.traditional_upgrading == "yes"


def test_token_limit_cut_is_retried_then_reported_not_crashed():
    # 12 tokens cannot hold this JSON: every attempt is cut off mid-JSON.
    chat = make_chat(load_settings(backend="local", model="qwen2.5-coder-0.5b", max_tokens=12))
    result = ask_structured(chat, [HumanMessage(content=f"规划文本：{PLAN}\n请回答。")], IndustryAnswer, max_retries=2)
    assert not result.ok
    assert result.attempts == 3
    assert result.finish_reasons == ["length"] * 3
    assert "截断" in result.error
