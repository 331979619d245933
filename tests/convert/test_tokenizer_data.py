"""Tokenizer data read from model folders: the protobuf reader agrees with the sentencepiece library."""

import pathlib

import pytest
import sentencepiece

from tern_convert.spm_proto import parse_model
from tern_convert.tokenizer_data import read_wordpiece, resolve_max_length

SPM_DIR = pathlib.Path(__file__).resolve().parents[2] / "models" / "sentencepiece"


@pytest.mark.parametrize("name", ["albert-tiny.model", "alt-bytefallback.model"])
def test_pieces_scores_and_types_match_the_sentencepiece_library(name):
    data = (SPM_DIR / name).read_bytes()
    model = parse_model(data)
    processor = sentencepiece.SentencePieceProcessor(model_proto=data)
    assert len(model["pieces"]) == processor.get_piece_size()
    for i, (piece, score, kind) in enumerate(zip(model["pieces"], model["scores"], model["types"])):
        assert piece == processor.id_to_piece(i)
        assert score == pytest.approx(processor.get_score(i), abs=0)
        assert (kind == 2) == processor.is_unknown(i)
        assert (kind == 3) == processor.is_control(i)
        assert (kind == 5) == processor.is_unused(i)
        assert (kind == 6) == processor.is_byte(i)
    assert model["unk_id"] == processor.unk_id()


def test_normalizer_and_trainer_flags():
    tiny = parse_model((SPM_DIR / "albert-tiny.model").read_bytes())
    assert (tiny["add_dummy_prefix"], tiny["remove_extra_whitespaces"], tiny["byte_fallback"]) == (True, True, False)
    assert tiny["normalizer_name"] == "nmt_nfkc" and len(tiny["precompiled_charsmap"]) > 1000
    alt = parse_model((SPM_DIR / "alt-bytefallback.model").read_bytes())
    assert (alt["add_dummy_prefix"], alt["remove_extra_whitespaces"], alt["byte_fallback"]) == (False, False, True)
    assert alt["normalizer_name"] == "nfkc_cf"


def test_wordpiece_strip_accents_follows_lowercase_when_null(tmp_path):
    (tmp_path / "vocab.txt").write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n")
    assert read_wordpiece(tmp_path, {"do_lower_case": True, "strip_accents": None})["strip_accents"] is True
    assert read_wordpiece(tmp_path, {"do_lower_case": False, "strip_accents": None})["strip_accents"] is False
    assert read_wordpiece(tmp_path, {"do_lower_case": True, "strip_accents": False})["strip_accents"] is False
    data = read_wordpiece(tmp_path, {"unk_token": {"content": "[UNK]"}})
    assert (data["unk_id"], data["cls_id"], data["sep_id"], data["pad_id"], data["mask_id"]) == (1, 2, 3, 0, 4)


def test_max_length_is_the_smaller_of_tokenizer_and_positions():
    assert resolve_max_length({"model_max_length": 512}, 128) == 128
    assert resolve_max_length({"model_max_length": 256}, 512) == 256
    assert resolve_max_length({"model_max_length": int(1e30)}, 512) == 512
    assert resolve_max_length(None, 512, override=64) == 64
