"""--prune-ffn: removed intermediate neurons compute what zeroed neurons compute in the NumPy reference, or,
with their calibration means folded into ffn_out's bias (the converter's default), what neurons held at
their means compute."""

import numpy as np

from lightweight_helpers import assert_close, embeddings, load
from tern_convert.lightweight.apply import apply_options
from tern_convert.lightweight.ffn import neurons_to_keep, prune_ffn
from tern_convert.lightweight.options import LightweightOptions, per_set
from tern_convert.reference import ReferenceEncoder


def kept_rows(original, pruned):
    """Indices of the original ffn_in rows the pruned ffn_in holds (they are exact copies)."""
    return [int(np.flatnonzero((original == row).all(axis=1))[0]) for row in pruned]


def replaced_embeddings(spec, calibration, kept, means=None):
    """Reference with every removed neuron's activation set to 0, or to its mean."""
    encoder = ReferenceEncoder(spec, "f32")
    for set_index, layer in enumerate(encoder.sets):
        width = spec.weight_sets[set_index].intermediate_size
        mask = np.zeros(width, np.float32)
        mask[kept[set_index]] = 1
        fill = np.zeros(width, np.float32) if means is None else (means[set_index] * (1 - mask)).astype(np.float32)
        inner = layer["ffn_out"]
        layer["ffn_out"] = lambda x, inner=inner, mask=mask, fill=fill: inner(x * mask + fill)
    return [encoder.pool(encoder.hidden_states(ids)) for ids in calibration.ids]


def check(tiny_models, name, fractions, widths):
    spec, calibration = load(tiny_models, name)
    pruned, details = apply_options(spec, LightweightOptions(prune_ffn=fractions), calibration)
    assert [ws.intermediate_size for ws in pruned.weight_sets] == widths
    kept = [kept_rows(a.ffn_in.weight, b.ffn_in.weight) for a, b in zip(spec.weight_sets, pruned.weight_sets)]
    for a, b, rows in zip(spec.weight_sets, pruned.weight_sets, kept):
        np.testing.assert_array_equal(b.ffn_out.weight, a.ffn_out.weight[:, rows])
        np.testing.assert_array_equal(b.ffn_in.bias, a.ffn_in.bias[rows])
    assert_close(embeddings(pruned, calibration), replaced_embeddings(spec, calibration, kept, calibration.ffn_means()))
    zeroed, _ = prune_ffn(spec, per_set("--prune-ffn", fractions, len(spec.weight_sets)), calibration.ffn())
    assert_close(embeddings(type(spec)(**{**spec.__dict__, "weight_sets": zeroed}), calibration),
                 replaced_embeddings(spec, calibration, kept))
    return spec, calibration, kept


def test_removed_neurons_equal_zeroed_neurons_bert(tiny_models):
    check(tiny_models, "bert-tiny", [0.5, 0.25], [64, 96])


def test_removed_neurons_equal_zeroed_neurons_albert_shared(tiny_models):
    check(tiny_models, "albert-tiny", [0.5], [64])


def test_kept_neurons_are_the_most_important(tiny_models):
    spec, calibration, kept = check(tiny_models, "bert-tiny", [0.5], [64, 64])
    for scores, rows in zip(calibration.ffn(), kept):
        assert min(scores[rows]) >= max(np.delete(scores, rows))


def test_widths_round_to_blocks_of_sixteen():
    assert neurons_to_keep(0.3, 1536, 0) == 1072          # 1536 - 461 = 1075 -> 1072
    assert neurons_to_keep(0.5, 128, 0) == 64
    assert neurons_to_keep(0.9, 10, 0) == 1              # narrower than a block: exact
