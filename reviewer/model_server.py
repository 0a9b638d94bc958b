"""``reviewer serve-model``: a bundled model as an OpenAI-compatible HTTP endpoint.

This is llama.cpp's own server, run through xllamacpp, the package the ``local`` backend already
uses in-process, so nothing more is installed. Other processes and machines then review with
``--backend openai --base-url http://HOST:PORT/v1 --model <the same name>``; the name picks the
model's calibrated thresholds. The server answers one request at a time with the same parameters as
the in-process backend (:func:`reviewer.llm.llama_params`), so its verdicts are the same. On a CPU,
one process per machine is the useful number.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .config import Settings
from .llm import LLMError, llama_params
from .models import ensure_model, get_spec


class ServedModel(NamedTuple):
    """A running model server: its OpenAI base URL, and the xllamacpp server, which lives as long as this."""

    url: str
    server: Any


def start_model_server(settings: Settings, host: str, port: int) -> ServedModel:
    """Load ``settings.model`` (a bundled model) and serve it on ``host:port`` (0: a free port).

    ``settings.api_key``, if set, is required of every request.
    """
    import xllamacpp as xlc

    spec = get_spec(settings.model)
    path = ensure_model(spec, settings.model_cache)
    keys = [settings.api_key.get_secret_value()] if settings.api_key else []
    params = llama_params(path, n_ctx=settings.n_ctx, n_threads=settings.threads(), seed=settings.seed, api_keys=keys)
    params.hostnames = [host]
    params.port = port
    try:
        server = xlc.Server(params)
    except Exception as exc:  # noqa: BLE001 - native errors have no common type
        raise LLMError(f"could not serve {spec.name} on {host}:{port}: {exc}") from exc
    return ServedModel(url=f"{str(server.listening_address).rstrip('/')}/v1", server=server)
