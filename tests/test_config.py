import pytest

from reviewer import load_settings
from reviewer.config import SettingsError


def test_defaults_select_the_bundled_15b_model():
    s = load_settings(environ={})
    assert s.backend == "local"
    assert s.model == "qwen2.5-coder-1.5b"
    assert s.threads() >= 1


def test_precedence_arguments_over_env_over_file(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('backend = "openai"\nbase_url = "http://file/v1/"\nmax_tokens = 100\nmodel = "from-file"\n')
    env = {"REVIEWER_CONFIG": str(cfg), "REVIEWER_MAX_TOKENS": "200", "REVIEWER_MODEL": "from-env"}
    s = load_settings(environ=env, model="from-flag", seed=None)
    assert s.backend == "openai"  # file beats default
    assert s.base_url == "http://file/v1"  # trailing slash trimmed
    assert s.max_tokens == 200  # env beats file
    assert s.model == "from-flag"  # argument beats env
    assert s.seed == 42  # None means "not given"


def test_config_file_in_reviewer_home_is_read(tmp_path):
    (tmp_path / "config.toml").write_text('[reviewer]\nbackend = "fake"\n')
    assert load_settings(environ={"REVIEWER_HOME": str(tmp_path)}).backend == "fake"


@pytest.mark.parametrize(
    "env, overrides, fragment",
    [
        ({}, {"colour": "red"}, "unknown setting"),
        ({"REVIEWER_BACKEND": "gpt"}, {}, "invalid settings"),
        ({"REVIEWER_MAX_TOKENS": "-3"}, {}, "invalid settings"),
    ],
    ids=["unknown_flag", "bad_backend", "negative_tokens"],
)
def test_bad_settings_are_errors(env, overrides, fragment):
    with pytest.raises(SettingsError, match=fragment):
        load_settings(environ=env, **overrides)


def test_broken_toml_names_the_file(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("backend = \n")
    with pytest.raises(SettingsError, match="config.toml"):
        load_settings(environ={"REVIEWER_CONFIG": str(cfg)})


def test_api_key_never_shown():
    s = load_settings(environ={"REVIEWER_API_KEY": "sk-secret-123"})
    assert "sk-secret-123" not in repr(s)
    assert "sk-secret-123" not in str(s.public_dict())
    assert s.public_dict()["api_key"] == "set"


def test_an_unknown_key_in_the_config_file_is_an_error_naming_the_file(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[reviewer]\nbackend = "fake"\ncolour = "red"\n')
    with pytest.raises(SettingsError, match=r"unknown setting.*colour.*config\.toml"):
        load_settings(environ={"REVIEWER_CONFIG": str(cfg)})


def test_reviewer_config_beats_the_file_in_reviewer_home(tmp_path):
    (tmp_path / "config.toml").write_text('backend = "fake"\n')
    chosen = tmp_path / "chosen.toml"
    chosen.write_text('backend = "openai"\n')
    env = {"REVIEWER_HOME": str(tmp_path), "REVIEWER_CONFIG": str(chosen)}
    assert load_settings(environ=env).backend == "openai"


def test_injected_environ_is_the_only_environment_read(monkeypatch):
    monkeypatch.setenv("REVIEWER_BACKEND", "fake")
    assert load_settings(environ={}).backend == "local"
    assert load_settings().backend == "fake"


def test_the_api_key_comes_from_environment_or_file_never_a_flag(tmp_path):
    from click.testing import CliRunner

    from reviewer.cli import main

    for command in ("review", "eval", "serve"):
        assert "--api-key" not in CliRunner().invoke(main, [command, "--help"]).output
    cfg = tmp_path / "config.toml"
    cfg.write_text('api_key = "sk-from-file"\n')
    assert load_settings(environ={"REVIEWER_CONFIG": str(cfg)}).api_key.get_secret_value() == "sk-from-file"


def test_ingest_options_come_from_the_settings_with_one_default():
    from reviewer.ingest import LoadLimits

    assert load_settings(environ={}).load_limits().min_ocr_confidence == LoadLimits().min_ocr_confidence == 0.975
    st = load_settings(environ={}, ocr_min_confidence=0.9, ocr=False, ocr_max_pages=3, n_threads=1)
    assert st.load_limits().min_ocr_confidence == 0.9
    ocr = st.ocr_options()
    assert (ocr.enabled, ocr.max_pages, ocr.threads) == (False, 3, 1)
