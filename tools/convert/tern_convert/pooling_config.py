"""Pooling from sentence-transformers files (modules.json, <Pooling>/config.json, a Normalize module).
Without them: mean pooling, no normalization."""

import pathlib

from .checkpoint import read_json, read_json_if_present
from .errors import ConversionError, UnsupportedModelError
from .spec import PoolingSpec

POOLING_MODULE = "sentence_transformers.models.Pooling"
NORMALIZE_MODULE = "sentence_transformers.models.Normalize"
IGNORED_MODULES = {"sentence_transformers.models.Transformer"}


def read_pooling(model_dir):
    model_dir = pathlib.Path(model_dir)
    modules = read_json_if_present(model_dir / "modules.json")
    if modules is None:
        return PoolingSpec()
    if not isinstance(modules, list):
        raise ConversionError(f"{model_dir}/modules.json: expected a list of modules")
    pooling = PoolingSpec(from_files=True)
    for module in modules:
        kind = module.get("type")
        if kind == POOLING_MODULE:
            config = read_json(model_dir / module.get("path", "") / "config.json")
            modes = [mode for mode, key in (("cls", "pooling_mode_cls_token"), ("mean", "pooling_mode_mean_tokens"),
                                            ("max", "pooling_mode_max_tokens")) if config.get(key)]
            for key in ("pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens",
                        "pooling_mode_lasttoken"):
                if config.get(key):
                    raise UnsupportedModelError(f"sentence-transformers pooling {key} is not supported")
            if len(modes) != 1:
                raise UnsupportedModelError(f"sentence-transformers pooling must use exactly one of cls/mean/max, "
                                            f"got {modes or 'none'}")
            pooling.mode = modes[0]
        elif kind == NORMALIZE_MODULE:
            pooling.normalize = True
        elif kind not in IGNORED_MODULES:
            raise UnsupportedModelError(f"sentence-transformers module {kind!r} is not supported")
    st_config = read_json_if_present(model_dir / "config_sentence_transformers.json") or {}
    if st_config.get("truncate_dim"):
        pooling.matryoshka_dim = int(st_config["truncate_dim"])
    return pooling
