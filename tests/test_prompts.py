import pytest

from reviewer.prompts import PromptError, PromptTemplate, load_prompt
from reviewer.resources import data_dir


def test_every_prompt_file_loads():
    names = [p.stem for p in data_dir("prompts").glob("*.yaml")]
    assert names == ["judge_sentence"]
    for name in names:
        assert load_prompt(name).id == name


def test_missing_variable_is_an_error_not_a_hole():
    with pytest.raises(PromptError, match="question"):
        load_prompt("judge_sentence").render()


def test_render_fences_plan_and_hash_tracks_content():
    t = PromptTemplate(id="t", version="1", user="<plan>{{ plan }}</plan>")
    assert t.render(plan="文本").user == "<plan>文本</plan>"
    assert t.sha256 != PromptTemplate(id="t", version="2", user="<plan>{{ plan }}</plan>").sha256


def test_template_cannot_reach_python_internals():
    t = PromptTemplate(id="t", version="1", user="{{ plan.__class__.__mro__ }}")
    with pytest.raises(PromptError):
        t.render(plan="x")


def test_unknown_keys_in_prompt_files_are_rejected(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: bad\nversion: '1'\nuser: hi\nexec: true\n")
    with pytest.raises(PromptError, match="invalid"):
        load_prompt("bad", folder=tmp_path)
