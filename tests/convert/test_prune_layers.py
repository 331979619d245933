"""--keep-layers / --drop-layers: the result equals the reference run with those layers skipped; BERT drops
the weight sets, ALBERT shortens the schedule of its shared set."""

from lightweight_helpers import assert_close, embeddings, load
from tern_convert.convert import convert
from tern_convert.lightweight import LightweightRequest
from tern_convert.lightweight.apply import apply_options
from tern_convert.lightweight.options import LightweightOptions
from tern_convert.reader import read_tern


def test_drop_layers_equals_skipping_them_bert(tiny_models):
    spec, calibration = load(tiny_models, "bert-tiny")
    kept, _ = apply_options(spec, LightweightOptions(keep_layers=[1]), calibration)
    assert kept.schedule == [0] and len(kept.weight_sets) == 1
    assert kept.weight_sets[0] is spec.weight_sets[1]
    assert kept.hyper.config_num_hidden_layers == 1
    assert_close(embeddings(kept, calibration), embeddings(spec, calibration, skip={0}))


def test_drop_layers_shortens_albert_schedule(tiny_models):
    spec, calibration = load(tiny_models, "albert-tiny")
    kept, _ = apply_options(spec, LightweightOptions(keep_layers=[0, 2]), calibration)
    assert kept.schedule == [0, 0] and len(kept.weight_sets) == 1
    assert_close(embeddings(kept, calibration), embeddings(spec, calibration, skip={1, 3}))


def test_albert_groups_drop_unused_sets(tiny_models):
    spec, calibration = load(tiny_models, "albert-tiny-groups")   # schedule 0,1,0,1,2,3,2,3
    kept, _ = apply_options(spec, LightweightOptions(keep_layers=[0, 1, 2, 3]), calibration)
    assert kept.schedule == [0, 1, 0, 1] and len(kept.weight_sets) == 2
    assert kept.hyper.config_num_hidden_layers == 0   # a custom schedule: not derived from the grouping
    assert_close(embeddings(kept, calibration), embeddings(spec, calibration, skip={4, 5, 6, 7}))


def test_drop_layers_file(tiny_models, tmp_path):
    convert(tiny_models / "bert-tiny", tmp_path / "d.tern", progress=False,
            lightweight=LightweightRequest(drop_layers="0"))
    model = read_tern(tmp_path / "d.tern").model
    assert model.ScheduleAsNumpy().tolist() == [0] and model.WeightSetsLength() == 1
    assert model.Hyper().NumLayers() == 1 and model.Hyper().ConfigNumHiddenLayers() == 1
