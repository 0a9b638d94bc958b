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
