#!/usr/bin/env python3
"""make_broken_models.py OUT_DIR — writes a valid small .tern file and one deliberately broken file per class
of hostile input (../shared/SECURITY-CHECKLIST.md), plus OUT_DIR/manifest.txt: "<file> <TERN_ERR_...>" per line,
the status the loader must return. test_broken_files.c loads each and checks the status; it also truncates and
bit-flips valid.tern itself.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tern_test_model as ttm  # noqa: E402

NAN, INF = float("nan"), float("inf")


def tensor_index(model, name):
    return next(i for i, t in enumerate(model["tensors"]) if t["name"] == name)


def tensor(model, name):
    return model["tensors"][tensor_index(model, name)]


def set_path(path, value):
    def mutate(model):
        node = model
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def shape(name, dims):
    return lambda m: tensor(m, name).__setitem__("shape", dims)


def scale(name, index, value):
    return lambda m: tensor(m, name)["scales"].__setitem__(index, value)


def sentencepiece(types=None, scores=None):
    def mutate(model):
        tok = model["tokenizer"]
        n = len(tok["pieces"])
        tok["kind"] = 1
        tok["scores"] = scores if scores is not None else [-1.0] * n
        tok["piece_types"] = types if types is not None else [1] * n
    return mutate


def amplification(model):
    # 500 heads sharing one record whose 500 labels share one string: 2 kB of offsets, 250k visits.
    head = model["heads"][0]
    head["labels"] = ["x"] * 500
    model["heads"] = [head] * 500


Q = "layer_set.0.attention.query.weight"
WORD = "embeddings.word"

# name: (expected status, mutation before layout, mutation after tensor layout, mutation after final layout)
CASES = {
    "bad_version": ("TERN_ERR_UNSUPPORTED_VERSION", set_path(["format_version"], 2), None, None),
    "version_zero": ("TERN_ERR_UNSUPPORTED_VERSION", set_path(["format_version"], 0), None, None),
    "model_kind_out_of_range": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["kind"], 7), None, None),
    "activation_out_of_range": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["hyper", "activation"], 9), None, None),
    "heads_do_not_divide_hidden": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["hyper", "num_heads"], 5), None, None),
    "zero_heads": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["hyper", "num_heads"], 0), None, None),
    "zero_hidden": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["hyper", "hidden_size"], 0), None, None),
    "layer_norm_eps_nan": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["hyper", "layer_norm_eps"], NAN), None, None),
    "embedding_size_mismatch": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["hyper", "embedding_size"], 16), None, None),
    "max_length_above_positions": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["tokenizer", "max_length"], 17), None, None),
    "matryoshka_above_hidden": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["pooling", "matryoshka_dim"], 33), None, None),
    "schedule_index_out_of_range": ("TERN_ERR_BAD_INDEX", set_path(["schedule"], [0, 1]), None, None),
    "schedule_index_huge": ("TERN_ERR_BAD_INDEX", set_path(["schedule"], [0, 0xFFFFFFFF]), None, None),
    "schedule_length_mismatch": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["schedule"], [0]), None, None),
    "empty_schedule": ("TERN_ERR_BAD_HYPERPARAMETER", set_path(["schedule"], []), None, None),
    "tensor_index_out_of_range": ("TERN_ERR_BAD_INDEX", set_path(["embeddings", "word"], 99), None, None),
    "tensor_index_negative": ("TERN_ERR_BAD_INDEX", set_path(["weight_sets", 0, "query", "weight"], -5), None, None),
    "missing_query_weight": ("TERN_ERR_BAD_INDEX", set_path(["weight_sets", 0, "query", "weight"], -1), None, None),
    "query_weight_wrong_shape": ("TERN_ERR_BAD_TENSOR", lambda m: m["weight_sets"][0]["query"].__setitem__(
        "weight", m["weight_sets"][0]["ffn_in"]["weight"]), None, None),
    "bias_not_f32": ("TERN_ERR_BAD_TENSOR", lambda m: m["weight_sets"][0]["query"].__setitem__(
        "bias", tensor_index(m, WORD)), None, None),
    "outlier_channels_unsorted": ("TERN_ERR_BAD_INDEX", set_path(["weight_sets", 0, "query", "outlier_channels"],
                                                              [5, 3]), None, None),
    "outlier_channels_repeated": ("TERN_ERR_BAD_INDEX", set_path(["weight_sets", 0, "ffn_out", "outlier_channels"],
                                                               [7, 7]), None, None),
    "outlier_channel_out_of_range": ("TERN_ERR_BAD_INDEX", set_path(["weight_sets", 0, "query", "outlier_channels"],
                                                                  [1, 32]), None, None),
    "outlier_channel_huge": ("TERN_ERR_BAD_INDEX", set_path(["weight_sets", 0, "ffn_out", "outlier_channels"],
                                                          [0xFFFFFFFF]), None, None),
    # An f32 [2, 32] classifier (token_type has that shape) is valid; outlier channels on it are not.
    "outlier_channels_on_f32_weight": ("TERN_ERR_BAD_TENSOR", lambda m: m["heads"][0]["classifier"].update(
        weight=tensor_index(m, "embeddings.token_type"), outlier_channels=[0]), None, None),
    # Low-rank pairs (Linear.input_factor): F [rank, in] then weight [out, rank].
    "input_factor_out_of_range": ("TERN_ERR_BAD_INDEX", set_path(["weight_sets", 0, "query", "input_factor"], 99),
                                  None, None),
    "input_factor_negative": ("TERN_ERR_BAD_INDEX", set_path(["weight_sets", 0, "ffn_in", "input_factor"], -7),
                              None, None),
    # F = ffn_in's weight [64, 32]: rank 64, but query's weight is [32, 32], not [32, 64].
    "input_factor_rank_mismatch": ("TERN_ERR_BAD_TENSOR", lambda m: m["weight_sets"][0]["query"].__setitem__(
        "input_factor", m["weight_sets"][0]["ffn_in"]["weight"]), None, None),
    # F = ffn_out's weight [32, 64]: 64 inputs where query reads 32.
    "input_factor_inputs_mismatch": ("TERN_ERR_BAD_TENSOR", lambda m: m["weight_sets"][0]["query"].__setitem__(
        "input_factor", m["weight_sets"][0]["ffn_out"]["weight"]), None, None),
    # F = the int8 RowMajor word table [12, 32]: int8 factors must be Packed16x4 like any int8 weight.
    "input_factor_int8_row_major": ("TERN_ERR_BAD_TENSOR", lambda m: m["weight_sets"][0]["query"].__setitem__(
        "input_factor", tensor_index(m, WORD)), None, None),
    "input_factor_is_a_bias": ("TERN_ERR_BAD_TENSOR", lambda m: m["weight_sets"][0]["query"].__setitem__(
        "input_factor", m["weight_sets"][0]["query"]["bias"]), None, None),
    "labels_do_not_match_classifier": ("TERN_ERR_BAD_TENSOR", set_path(["heads", 0, "labels"], ["a", "b", "c"]),
                                       None, None),
    "dtype_out_of_range": ("TERN_ERR_BAD_TENSOR", lambda m: tensor(m, Q).__setitem__("dtype", 3), None, None),
    "layout_out_of_range": ("TERN_ERR_BAD_TENSOR", lambda m: tensor(m, Q).__setitem__("layout", 2), None, None),
    "packed_f32": ("TERN_ERR_BAD_TENSOR", lambda m: tensor(m, "embeddings.position").__setitem__("layout", 1),
                   None, None),
    "zero_dimension": ("TERN_ERR_BAD_TENSOR", shape(WORD, [12, 0]), None, None),
    "rank_5": ("TERN_ERR_BAD_TENSOR", shape(WORD, [1, 1, 1, 12, 32]), None, None),
    "rank_0": ("TERN_ERR_BAD_TENSOR", shape(WORD, []), None, None),
    "shape_overflow": ("TERN_ERR_BAD_TENSOR", shape("embeddings.position", [0xFFFFFFFF] * 4), None, None),
    # 2^31 x 2^31 x 4 x 4 bytes = 2^68: wraps to 0 in 64-bit arithmetic; the length claims 0.
    "shape_wraps_to_zero": ("TERN_ERR_BAD_TENSOR", shape("embeddings.position", [1 << 31, 1 << 31, 4]),
                            lambda m: tensor(m, "embeddings.position").__setitem__("length", 0), None),
    "length_mismatch": ("TERN_ERR_BAD_TENSOR", None, lambda m: tensor(m, Q).__setitem__("length", 1088), None),
    "misaligned_offset": ("TERN_ERR_BAD_TENSOR", None,
                          lambda m: tensor(m, Q).__setitem__("offset", tensor(m, Q)["offset"] + 4), None),
    "offset_past_end": ("TERN_ERR_TRUNCATED", None,
                        lambda m: tensor(m, Q).__setitem__("offset", m["weights_length"]), None),
    "offset_plus_length_overflows": ("TERN_ERR_TRUNCATED", None,
                                     lambda m: tensor(m, Q).__setitem__("offset", 2**64 - 64), None),
    "overlapping_tensors": ("TERN_ERR_BAD_TENSOR", None, lambda m: m["tensors"][2].__setitem__(
        "offset", m["tensors"][1]["offset"]), None),
    "shared_tensor_record": ("TERN_ERR_BAD_TENSOR", lambda m: m["tensors"].__setitem__(1, m["tensors"][0]), None, None),
    "duplicate_tensor_name": ("TERN_ERR_BAD_TENSOR", lambda m: m["tensors"][1].__setitem__(
        "name", m["tensors"][0]["name"]), None, None),
    "empty_tensor_name": ("TERN_ERR_BAD_TENSOR", lambda m: m["tensors"][1].__setitem__("name", ""), None, None),
    "scale_count_wrong": ("TERN_ERR_BAD_SCALE", lambda m: tensor(m, Q)["scales"].pop(), None, None),
    "scales_missing": ("TERN_ERR_BAD_SCALE", lambda m: tensor(m, Q).pop("scales"), None, None),
    "scale_zero": ("TERN_ERR_BAD_SCALE", scale(Q, 3, 0.0), None, None),
    "scale_negative": ("TERN_ERR_BAD_SCALE", scale(Q, 3, -0.5), None, None),
    "scale_nan": ("TERN_ERR_BAD_SCALE", scale(WORD, 5, NAN), None, None),
    "scale_inf": ("TERN_ERR_BAD_SCALE", scale(WORD, 0, INF), None, None),
    "scales_on_f32": ("TERN_ERR_BAD_SCALE", lambda m: tensor(m, "embeddings.position").__setitem__(
        "scales", [1.0] * 16), None, None),
    "channel_sums_wrong_length": ("TERN_ERR_BAD_TENSOR", lambda m: tensor(m, Q).__setitem__(
        "channel_sums", [0] * 5), None, None),
    # Regression (fuzz_model_fields): a forged sum overflowed the int32 zero-point correction in the kernel.
    "channel_sum_beyond_bound": ("TERN_ERR_BAD_TENSOR", lambda m: tensor(m, Q).__setitem__(
        "channel_sums", [0] * 31 + [127 * 32 + 1]), None, None),
    "channel_sum_int_min": ("TERN_ERR_BAD_TENSOR", lambda m: tensor(m, Q).__setitem__(
        "channel_sums", [-2**31] + [0] * 31), None, None),
    "duplicate_vocab_piece": ("TERN_ERR_BAD_TOKENIZER", set_path(["tokenizer", "pieces", 6], "hello"), None, None),
    "empty_vocab_piece": ("TERN_ERR_BAD_TOKENIZER", set_path(["tokenizer", "pieces", 6], ""), None, None),
    "invalid_utf8_piece": ("TERN_ERR_BAD_TOKENIZER", set_path(["tokenizer", "pieces", 6], b"w\xffrld"), None, None),
    "overlong_utf8_piece": ("TERN_ERR_BAD_TOKENIZER", set_path(["tokenizer", "pieces", 6], b"\xc0\xaf"), None, None),
    "surrogate_utf8_piece": ("TERN_ERR_BAD_TOKENIZER", set_path(["tokenizer", "pieces", 6], b"\xed\xa0\x80"),
                             None, None),
    "vocab_count_mismatch": ("TERN_ERR_BAD_TOKENIZER", lambda m: m["tokenizer"]["pieces"].pop(), None, None),
    "tokenizer_kind_out_of_range": ("TERN_ERR_BAD_TOKENIZER", set_path(["tokenizer", "kind"], 4), None, None),
    "piece_type_out_of_range": ("TERN_ERR_BAD_TOKENIZER", sentencepiece(types=[1] * 11 + [7]), None, None),
    "piece_type_zero": ("TERN_ERR_BAD_TOKENIZER", sentencepiece(types=[0] + [1] * 11), None, None),
    "scores_length_wrong": ("TERN_ERR_BAD_TOKENIZER", sentencepiece(scores=[-1.0] * 11), None, None),
    "score_nan": ("TERN_ERR_BAD_TOKENIZER", sentencepiece(scores=[-1.0] * 11 + [NAN]), None, None),
    "special_id_out_of_range": ("TERN_ERR_BAD_INDEX", set_path(["tokenizer", "cls_id"], 12), None, None),
    "special_id_negative": ("TERN_ERR_BAD_INDEX", set_path(["tokenizer", "unk_id"], -2), None, None),
    "pooling_mode_out_of_range": ("TERN_ERR_MALFORMED", set_path(["pooling", "mode"], 3), None, None),
    "head_kind_out_of_range": ("TERN_ERR_MALFORMED", set_path(["heads", 0, "kind"], 2), None, None),
    "selftest_dim_wrong": ("TERN_ERR_MALFORMED", set_path(["self_test", "dim"], 31), None, None),
    "selftest_expected_nan": ("TERN_ERR_MALFORMED", set_path(["self_test", "expected", 0], NAN), None, None),
    "metadata_empty_key": ("TERN_ERR_MALFORMED", set_path(["metadata", 0, "key"], ""), None, None),
    "metadata_invalid_utf8": ("TERN_ERR_MALFORMED", set_path(["metadata", 0, "value"], b"\xfe"), None, None),
    "shared_offset_amplification": ("TERN_ERR_MALFORMED", amplification, None, None),
    "weights_offset_misaligned": ("TERN_ERR_MALFORMED", None, None,
                                  lambda m: m.__setitem__("weights_offset", m["weights_offset"] + 4)),
    "weights_offset_inside_header": ("TERN_ERR_MALFORMED", None, None, lambda m: m.__setitem__("weights_offset", 0)),
    "weights_length_past_end": ("TERN_ERR_TRUNCATED", None, None,
                                lambda m: m.__setitem__("weights_length", m["weights_length"] + 64)),
    "weights_length_huge": ("TERN_ERR_TRUNCATED", None, None, lambda m: m.__setitem__("weights_length", 2**64 - 1)),
    "file_longer_than_segment": ("TERN_ERR_MALFORMED", None, None,
                                 lambda m: m.__setitem__("weights_length", m["weights_length"] - 64)),
}


def patch(blob, at, data):
    out = bytearray(blob)
    out[at:at + len(data)] = data
    return bytes(out)


def raw_cases(valid):
    """Byte-level damage that the dict model cannot express."""
    name_at = valid.index(b"sentiment\x00")
    root = int.from_bytes(valid[4:8], "little") + 4
    return {
        "bad_identifier": ("TERN_ERR_BAD_IDENTIFIER", patch(valid, 8, b"TERX")),
        "not_a_tern_file": ("TERN_ERR_BAD_IDENTIFIER", b"GGUF" + bytes(60)),
        "size_prefix_past_end": ("TERN_ERR_TRUNCATED", patch(valid, 0, (len(valid)).to_bytes(4, "little"))),
        "root_offset_past_end": ("TERN_ERR_MALFORMED", patch(valid, 4, (0xFFFFFF00).to_bytes(4, "little"))),
        "root_offset_misaligned": ("TERN_ERR_MALFORMED", patch(valid, 4, (root - 4 + 2).to_bytes(4, "little"))),
        "vtable_offset_past_end": ("TERN_ERR_MALFORMED", patch(valid, root, (-0x7FFFFFF0).to_bytes(4, "little",
                                                                                                  signed=True))),
        "string_not_terminated": ("TERN_ERR_MALFORMED", patch(valid, name_at + 9, b"X")),
        "string_length_past_end": ("TERN_ERR_MALFORMED", patch(valid, name_at - 4, (0xFFFFFFF0).to_bytes(4, "little"))),
    }


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    valid = ttm.write(ttm.tiny_bert(), os.path.join(out_dir, "valid.tern"))
    lines = []
    for name, (status, before, post_layout, final) in CASES.items():
        model = ttm.tiny_bert()
        if before:
            before(model)
        ttm.write(model, os.path.join(out_dir, name + ".tern"), post_layout=post_layout, final=final)
        lines.append("%s.tern %s" % (name, status))
    for name, (status, blob) in raw_cases(valid).items():
        with open(os.path.join(out_dir, name + ".tern"), "wb") as f:
            f.write(blob)
        lines.append("%s.tern %s" % (name, status))
    with open(os.path.join(out_dir, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d broken files and valid.tern to %s" % (len(lines), out_dir))


if __name__ == "__main__":
    main()
