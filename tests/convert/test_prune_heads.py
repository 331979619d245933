"""--prune-heads: removing heads computes exactly what masking them does in the NumPy reference (their context
replaced by its calibration mean, folded into the output bias; zeroed without means); a shared
ALBERT set loses the same heads in every layer; the file carries the per-set head counts."""

import numpy as np

from lightweight_helpers import assert_close, embeddings, load, min_cosine
from tern_convert.convert import convert
from tern_convert.lightweight import LightweightRequest
from tern_convert.lightweight.apply import apply_options
from tern_convert.lightweight.heads import prune_heads
from tern_convert.lightweight.options import LightweightOptions
from tern_convert.reader import read_tern


def masks_for(spec, removed, means=None):
    """{schedule position: head mask} masking removed[set] at every position that runs the set; with means
    (the converter's default), a masked head's context is replaced by its calibration mean."""
    masks = {}
    for position, set_index in enumerate(spec.schedule):
        gone = removed.get(str(set_index), [])
        mask = np.ones(spec.weight_sets[set_index].num_heads, np.float32)
        mask[gone] = 0
        if means is not None:
            fill = np.zeros_like(means[set_index])
            fill[gone] = means[set_index][gone]
            mask = (mask, fill)
        masks[position] = mask
    return masks


def test_without_means_removing_heads_equals_zeroing_them(tiny_models):
    spec, calibration = load(tiny_models, "bert-tiny")
    sets, removed = prune_heads(spec, [0.5, 0.25], calibration.heads())
    pruned = type(spec)(**{**spec.__dict__, "weight_sets": sets})
    removed = {str(k): v for k, v in removed.items()}
    assert_close(embeddings(pruned, calibration), embeddings(spec, calibration, head_masks=masks_for(spec, removed)))


def test_removing_heads_equals_masking_them_bert(tiny_models):
    spec, calibration = load(tiny_models, "bert-tiny")
    pruned, details = apply_options(spec, LightweightOptions(prune_heads=[0.5, 0.25]), calibration)
    assert [ws.num_heads for ws in pruned.weight_sets] == [2, 3]
    assert {k: len(v) for k, v in details["removed_heads"].items()} == {"0": 2, "1": 1}
    assert pruned.weight_sets[0].query.weight.shape == (32, 64)
    assert pruned.weight_sets[1].attention_output.weight.shape == (64, 48)
    masks = masks_for(spec, details["removed_heads"], calibration.head_means())
    masked = embeddings(spec, calibration, head_masks=masks)
    assert_close(embeddings(pruned, calibration), masked)
    # and the masking is not a no-op: the unmasked model differs
    assert not np.allclose(embeddings(spec, calibration)[0], masked[0], atol=1e-4)


def test_removed_heads_are_the_least_important(tiny_models):
    spec, calibration = load(tiny_models, "bert-tiny")
    _, details = apply_options(spec, LightweightOptions(prune_heads=[0.5]), calibration)
    for set_index, removed in details["removed_heads"].items():
        scores = calibration.heads()[int(set_index)]
        assert max(scores[removed]) <= min(np.delete(scores, removed))


def test_albert_shared_set_prunes_the_same_heads_in_every_repetition(tiny_models):
    spec, calibration = load(tiny_models, "albert-tiny")
    assert spec.schedule == [0, 0, 0, 0]
    pruned, details = apply_options(spec, LightweightOptions(prune_heads=[0.5]), calibration)
    assert len(pruned.weight_sets) == 1 and pruned.schedule == [0, 0, 0, 0]
    assert pruned.weight_sets[0].num_heads == 2
    removed = details["removed_heads"]["0"]
    every_layer = masks_for(spec, details["removed_heads"], calibration.head_means())
    assert_close(embeddings(pruned, calibration), embeddings(spec, calibration, head_masks=every_layer))
    only_first = {0: every_layer[0]}
    assert min_cosine(embeddings(pruned, calibration), embeddings(spec, calibration, head_masks=only_first)) < 0.99999
    assert len(removed) == 2


def test_albert_groups_prune_each_set(tiny_models):
    spec, calibration = load(tiny_models, "albert-tiny-groups")
    pruned, details = apply_options(spec, LightweightOptions(prune_heads=[0.25]), calibration)
    assert [ws.num_heads for ws in pruned.weight_sets] == [3, 3, 3, 3]
    masks = masks_for(spec, details["removed_heads"], calibration.head_means())
    assert_close(embeddings(pruned, calibration), embeddings(spec, calibration, head_masks=masks))


def test_file_records_head_counts_and_cut_tensors(tiny_models, tmp_path):
    report = convert(tiny_models / "bert-tiny", tmp_path / "h.tern", progress=False,
                     lightweight=LightweightRequest(prune_heads="0.5,0.25"))
    tern = read_tern(tmp_path / "h.tern")
    sets = [tern.model.WeightSets(i) for i in range(tern.model.WeightSetsLength())]
    assert [ws.NumHeads() for ws in sets] == [2, 3]
    assert tern.tensor("layer_set.0.attention.query.weight").shape == (32, 64)
    assert tern.tensor("layer_set.1.attention.output.weight").shape == (64, 48)
    assert tern.metadata()["lightweight"] == "heads 0.5,0.25"
    part = report["lightweight"]
    assert part["converted"]["file_bytes"] == (tmp_path / "h.tern").stat().st_size
    assert part["converted"]["macs_per_token"] < part["unmodified"]["macs_per_token"]
    assert 0.9 < part["converted"]["cosine_min"] <= part["converted"]["cosine_mean"] <= 1.0
