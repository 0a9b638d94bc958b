"""Load stage against hostile and faulty inputs (issue 10): each test reproduces one probe finding.

Every bad input is generated here or by ``tests/fixtures/make_fixtures.py``; none is committed.
"""

import importlib.util
from pathlib import Path

import pytest

from reviewer import LoadError, load

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "plan.pdf"
    make_fixtures.plan_pdf(path)
    return path


# --- encrypted PDFs (item 12) ---------------------------------------------------


def test_aes_pdf_with_an_empty_user_password_is_opened(plan_pdf, tmp_path):
    make_fixtures.encrypted_pdf(tmp_path / "aes.pdf", plan_pdf, user_password="", algorithm="AES-256")
    doc = load(tmp_path / "aes.pdf")
    assert "一、总体要求" in doc.text
    assert any("owner password" in w for w in doc.quality.warnings)


def test_aes_pdf_with_a_user_password_is_called_encrypted(plan_pdf, tmp_path):
    make_fixtures.encrypted_pdf(tmp_path / "aes.pdf", plan_pdf, user_password="secret", algorithm="AES-128")
    with pytest.raises(LoadError) as err:
        load(tmp_path / "aes.pdf")
    assert err.value.code == "encrypted" and "password" in str(err.value) and "damaged" not in str(err.value)


def test_without_cryptography_an_aes_pdf_is_encrypted_not_damaged(plan_pdf, tmp_path, monkeypatch):
    """pypdf raises DependencyError while opening an AES file when ``cryptography`` is missing."""
    from pypdf.errors import DependencyError

    import reviewer.formats

    def no_aes(*args, **kwargs):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(reviewer.formats, "PdfReader", no_aes)
    with pytest.raises(LoadError) as err:
        load(plan_pdf)
    assert err.value.code == "encrypted" and "cryptography" in str(err.value)
    assert "damaged" not in str(err.value)


# --- hidden text (item 2) ---------------------------------------------------------


def _assert_hidden_left_out(doc, visible):
    for sentence in make_fixtures.HIDDEN.values():
        assert sentence not in doc.text
    for sentence in visible:
        assert sentence in doc.text
    warning = next(w for w in doc.quality.warnings if "hidden text" in w)
    assert "not treated as plan text" in warning


def test_hidden_runs_in_a_docx_are_not_plan_text(tmp_path):
    make_fixtures.hidden_docx(tmp_path / "hidden.docx")
    doc = load(tmp_path / "hidden.docx")
    _assert_hidden_left_out(doc, make_fixtures.VISIBLE.values())
    assert "推动传统产业转型升级。" in doc.text and "一、总体要求" in doc.text


def test_hidden_html_is_not_plan_text(tmp_path):
    make_fixtures.hidden_html(tmp_path / "hidden.html")
    doc = load(tmp_path / "hidden.html")
    _assert_hidden_left_out(doc, [make_fixtures.VISIBLE["white_on_shade"]])
    assert "到2026年，全县高新技术企业数量达到60家。" in doc.text


def test_a_plain_docx_has_no_hidden_text_warning(tmp_path):
    make_fixtures.plan_docx(tmp_path / "plan.docx")
    assert not any("hidden" in w for w in load(tmp_path / "plan.docx").quality.warnings)
