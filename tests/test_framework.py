"""The framework file against the framework's fixed facts (ids, kinds, verdicts)."""

import pytest
import yaml

from reviewer.framework import CHECK_IDS, KIND_VERDICTS, PROBLEM_VERDICTS, Check, kind_of, load_framework
from reviewer.resources import data_dir


def test_the_file_defines_the_eight_checks_with_their_kinds():
    framework = load_framework()
    assert tuple(c.id for c in framework.checks) == CHECK_IDS
    assert all(c.kind == kind_of(c.id) for c in framework.checks)
    assert all(c.positive in KIND_VERDICTS[c.kind] and c.positive in PROBLEM_VERDICTS for c in framework.checks)


def test_a_check_of_the_wrong_kind_is_refused():
    raw = yaml.safe_load((data_dir("corpus") / "framework" / "framework.yaml").read_text(encoding="utf-8"))
    m1 = dict(raw["checks"][0], kind="embedding")
    with pytest.raises(ValueError, match="M1: is a misconception"):
        Check.model_validate(m1)


def test_an_unknown_check_id_has_no_kind():
    with pytest.raises(KeyError, match="unknown check 'X9'"):
        kind_of("X9")


def test_a_settling_pattern_that_is_no_regular_expression_is_refused():
    raw = yaml.safe_load((data_dir("corpus") / "framework" / "framework.yaml").read_text(encoding="utf-8"))
    e3 = raw["checks"][6]
    broken = dict(e3, indicators=[dict(e3["indicators"][1], settled_by=["(争创国家"]), e3["indicators"][0]])
    with pytest.raises(ValueError, match="E3b: settled_by pattern"):
        Check.model_validate(broken)


def test_the_settled_e3b_sentences_are_national_pilots_sought_not_provincial_ones_or_firm_titles():
    e3b = load_framework().get("E3").indicators[1]
    assert e3b.id == "E3b"
    assert e3b.settles("争创东湖综合性国家科学中心。") and e3b.settles("创建全国中小企业数字化转型试点城市")
    assert not e3b.settles("积极争创省级未来产业先导区")
    assert not e3b.settles("支持企业争创国家级智能制造示范工厂，给予一次性奖励")
    assert not e3b.settles("建设国家重要能源基地")
