"""Collects what the runtime's tokenizers need from a Hugging Face model folder: WordPiece (vocab.txt +
tokenizer_config.json) or SentencePiece unigram (spiece.model + AlbertTokenizer flags)."""

import pathlib

from .checkpoint import read_json_if_present
from .errors import ConversionError, UnsupportedModelError
from .spm_proto import MODEL_TYPE_UNIGRAM, parse_model

# Above this, model_max_length is transformers' "no limit" sentinel (int(1e30)).
UNBOUNDED_MODEL_MAX_LENGTH = 1 << 40
SPM_FILES = ("spiece.model", "sentencepiece.model", "tokenizer.model")


def _token_text(value):
    """tokenizer_config.json writes special tokens as strings or AddedToken dicts."""
    if isinstance(value, dict):
        return value.get("content")
    return value


def _special_ids(piece_to_id, names, where):
    ids = {}
    for role, token in names.items():
        if token is None:
            ids[role] = -1
            continue
        if token not in piece_to_id:
            raise ConversionError(f"{where}: special token {role} = {token!r} is not in the vocabulary")
        ids[role] = piece_to_id[token]
    return ids


def resolve_max_length(tokenizer_config, max_position, override=None):
    model_max = tokenizer_config.get("model_max_length") if tokenizer_config else None
    limit = max_position
    if isinstance(model_max, (int, float)) and 0 < model_max < UNBOUNDED_MODEL_MAX_LENGTH:
        limit = min(limit, int(model_max))
    if override is not None:
        if override < 2 or override > max_position:
            raise ConversionError(f"--max-length {override}: must be between 2 and max_position_embeddings "
                                  f"{max_position}")
        limit = override
    return limit


def read_wordpiece(model_dir, tokenizer_config):
    path = pathlib.Path(model_dir) / "vocab.txt"
    if not path.is_file():
        raise ConversionError(f"missing file: {path} (WordPiece vocabulary)")
    # transformers' load_vocab: one token per line, only the newline stripped.
    pieces = [line.rstrip("\n") for line in path.read_text(encoding="utf-8").split("\n")]
    if pieces and pieces[-1] == "":
        pieces.pop()
    piece_to_id = {}
    for index, piece in enumerate(pieces):
        piece_to_id.setdefault(piece, index)
    config = tokenizer_config or {}
    lowercase = bool(config.get("do_lower_case", True))
    strip_accents = config.get("strip_accents")
    names = {role: _token_text(config.get(f"{role}_token", default)) for role, default in
             (("unk", "[UNK]"), ("cls", "[CLS]"), ("sep", "[SEP]"), ("pad", "[PAD]"), ("mask", "[MASK]"))}
    tokenizer = {
        "kind": "wordpiece", "pieces": pieces,
        "lowercase": lowercase,
        # BertTokenizer: strip_accents None means "follow lowercase".
        "strip_accents": lowercase if strip_accents is None else bool(strip_accents),
        "tokenize_chinese_chars": bool(config.get("tokenize_chinese_chars", True)),
        "clean_text": True,
        "max_input_chars_per_word": int(config.get("max_input_chars_per_word", 100)),
        "continuing_subword_prefix": "##",
    }
    tokenizer.update({f"{role}_id": value for role, value in _special_ids(piece_to_id, names, path).items()})
    return tokenizer


def read_sentencepiece(model_dir, tokenizer_config):
    model_dir = pathlib.Path(model_dir)
    path = next((model_dir / name for name in SPM_FILES if (model_dir / name).is_file()), None)
    if path is None:
        raise ConversionError(f"missing file: {model_dir}/spiece.model (SentencePiece model)")
    data = path.read_bytes()
    model = parse_model(data)
    if model["model_type"] != MODEL_TYPE_UNIGRAM:
        raise UnsupportedModelError(f"{path}: sentencepiece model_type {model['model_type']} is not unigram (1)")
    piece_to_id = {}
    for index, piece in enumerate(model["pieces"]):
        piece_to_id.setdefault(piece, index)
    config = tokenizer_config or {}
    names = {role: _token_text(config.get(f"{role}_token", default)) for role, default in
             (("unk", "<unk>"), ("cls", "[CLS]"), ("sep", "[SEP]"), ("pad", "<pad>"), ("mask", "[MASK]"))}
    tokenizer = {
        "kind": "sentencepiece", "pieces": model["pieces"], "scores": model["scores"],
        "piece_types": model["types"], "model_bytes": data,
        "precompiled_charsmap": model["precompiled_charsmap"],
        "add_dummy_prefix": model["add_dummy_prefix"],
        "remove_extra_whitespaces": model["remove_extra_whitespaces"],
        "escape_whitespaces": model["escape_whitespaces"],
        "treat_whitespace_as_suffix": model["treat_whitespace_as_suffix"],
        "byte_fallback": model["byte_fallback"],
        "remove_space": bool(config.get("remove_space", True)),
        "keep_accents": bool(config.get("keep_accents", False)),
        "do_lower_case": bool(config.get("do_lower_case", True)),
    }
    tokenizer.update({f"{role}_id": value for role, value in _special_ids(piece_to_id, names, path).items()})
    return tokenizer


def read_tokenizer(model_dir, kind, max_position, max_length_override=None):
    tokenizer_config = read_json_if_present(pathlib.Path(model_dir) / "tokenizer_config.json")
    if kind == "bert":
        tokenizer = read_wordpiece(model_dir, tokenizer_config)
    else:
        tokenizer = read_sentencepiece(model_dir, tokenizer_config)
    tokenizer["max_length"] = resolve_max_length(tokenizer_config, max_position, max_length_override)
    return tokenizer
