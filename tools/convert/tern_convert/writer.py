"""Serializes a ModelSpec into the .tern layout of runtime/schema/tern.fbs: a uint32 size prefix, the
FlatBuffer (identifier "TERN"), then the 64-byte aligned weight segment. Written to a temporary file in
the destination folder and renamed at the end, so an error never leaves a half-written model."""

import os
import pathlib
import tempfile

import flatbuffers
import numpy as np

from . import FORMAT_VERSION
from .fb import (Embeddings, Head, Hyper, KeyValue, LayerNorm, Linear, Model, Pooling, SelfTest, Tensor,
                 Tokenizer, WeightSet)
from .packing import round_up
from .tensor_store import TensorStore

ALIGNMENT = 64
MODEL_KINDS = {"bert": 0, "albert": 1}
ACTIVATIONS = {"gelu": 0, "gelu_tanh": 1, "relu": 2, "tanh": 3, "identity": 4}
POOLING_MODES = {"mean": 0, "cls": 1, "max": 2}
HEAD_KINDS = {"sequence": 0, "token": 1}
SELF_TEST_OUTPUTS = {"embedding": 0, "logits": 1}


def store_tensors(spec, weight_dtype):
    """Adds every tensor of the spec to a TensorStore; returns (store, index tree used by the tables)."""
    store = TensorStore(weight_dtype)
    emb = spec.embeddings

    def linear(prefix, lin, part):
        if lin is None:
            return None
        factor = None
        if lin.input_factor is not None:  # a low-rank pair: F [rank, in] then weight [out, rank]
            factor = store.add_linear_weight(prefix + ".input_factor", lin.input_factor, part)
        weight = store.add_linear_weight(prefix + ".weight", lin.weight, part)
        bias = store.add_f32(prefix + ".bias", lin.bias, part) if lin.bias is not None else -1
        outliers = lin.outlier_channels if weight_dtype == "int8" else None
        if outliers is not None and len(outliers) == 0:
            outliers = None
        if factor is not None:
            return (weight, bias, None if outliers is None else np.asarray(outliers, "<u4"), factor)
        if outliers is None:
            return (weight, bias)
        # Indices only: the runtime reads those columns from the int8 weight itself (tern.fbs, Linear).
        return (weight, bias, np.asarray(outliers, "<u4"))

    def norm(prefix, ln, part):
        return (store.add_f32(prefix + ".gamma", ln.gamma, part), store.add_f32(prefix + ".beta", ln.beta, part),
                ln.eps)

    index = {"embeddings": {
        "word": store.add_embedding_table("embeddings.word", emb.word, "embeddings"),
        "word_factor": linear("embeddings.word_factor", emb.word_factor, "embeddings"),
        "position": store.add_f32("embeddings.position", emb.position, "embeddings"),
        "token_type": store.add_f32("embeddings.token_type", emb.token_type, "embeddings")
        if emb.token_type is not None else -1,
        "norm": norm("embeddings.norm", emb.norm, "embeddings"),
        "projection": linear("embeddings.projection", emb.projection, "embeddings"),
    }}
    index["weight_sets"] = []
    for i, ws in enumerate(spec.weight_sets):
        p = f"layer_set.{i}."
        index["weight_sets"].append({
            "query": linear(p + "attention.query", ws.query, "layers"),
            "key": linear(p + "attention.key", ws.key, "layers"),
            "value": linear(p + "attention.value", ws.value, "layers"),
            "attention_output": linear(p + "attention.output", ws.attention_output, "layers"),
            "attention_norm": norm(p + "attention.norm", ws.attention_norm, "layers"),
            "ffn_in": linear(p + "ffn.in", ws.ffn_in, "layers"),
            "ffn_out": linear(p + "ffn.out", ws.ffn_out, "layers"),
            "ffn_norm": norm(p + "ffn.norm", ws.ffn_norm, "layers"),
        })
    index["heads"] = []
    for i, head in enumerate(spec.heads):
        index["heads"].append({"pooler": linear(f"head.{i}.pooler", head.pooler, "heads"),
                               "classifier": linear(f"head.{i}.classifier", head.classifier, "heads")})
    return store, index


def _layout_segment(store):
    offset = 0
    for tensor in store.tensors:
        tensor.offset = offset
        offset = round_up(offset + len(tensor.payload), ALIGNMENT)
    return offset


def _strings_vector(builder, strings):
    offsets = [builder.CreateString(s) for s in strings]
    builder.StartVector(4, len(offsets), 4)
    for offset in reversed(offsets):
        builder.PrependUOffsetTRelative(offset)
    return builder.EndVector()


def _tables_vector(builder, offsets):
    builder.StartVector(4, len(offsets), 4)
    for offset in reversed(offsets):
        builder.PrependUOffsetTRelative(offset)
    return builder.EndVector()


def _linear(builder, entry):
    """entry: (weight, bias[, outlier channels or None[, input factor]])."""
    channels = builder.CreateNumpyVector(entry[2]) if len(entry) >= 3 and entry[2] is not None else None
    Linear.Start(builder)
    Linear.AddWeight(builder, entry[0])
    Linear.AddBias(builder, entry[1])
    if channels is not None:
        Linear.AddOutlierChannels(builder, channels)
    if len(entry) == 4:
        Linear.AddInputFactor(builder, entry[3])
    return Linear.End(builder)


def _layer_norm(builder, triple):
    LayerNorm.Start(builder)
    LayerNorm.AddGamma(builder, triple[0])
    LayerNorm.AddBeta(builder, triple[1])
    LayerNorm.AddEps(builder, float(triple[2]))
    return LayerNorm.End(builder)


def _tokenizer(builder, tok):
    is_spm = tok["kind"] == "sentencepiece"
    pieces = _strings_vector(builder, tok["pieces"])
    scores = builder.CreateNumpyVector(np.asarray(tok["scores"], "<f4")) if is_spm else None
    types = builder.CreateNumpyVector(np.asarray(tok["piece_types"], np.uint8)) if is_spm else None
    charsmap = builder.CreateNumpyVector(np.frombuffer(tok["precompiled_charsmap"], np.uint8)) if is_spm else None
    prefix = builder.CreateString(tok["continuing_subword_prefix"]) if not is_spm else None
    Tokenizer.Start(builder)
    Tokenizer.AddKind(builder, 1 if is_spm else 0)
    Tokenizer.AddPieces(builder, pieces)
    if is_spm:
        Tokenizer.AddScores(builder, scores)
        Tokenizer.AddPieceTypes(builder, types)
        Tokenizer.AddPrecompiledCharsmap(builder, charsmap)
        Tokenizer.AddAddDummyPrefix(builder, tok["add_dummy_prefix"])
        Tokenizer.AddRemoveExtraWhitespaces(builder, tok["remove_extra_whitespaces"])
        Tokenizer.AddEscapeWhitespaces(builder, tok["escape_whitespaces"])
        Tokenizer.AddTreatWhitespaceAsSuffix(builder, tok["treat_whitespace_as_suffix"])
        Tokenizer.AddByteFallback(builder, tok["byte_fallback"])
        Tokenizer.AddRemoveSpace(builder, tok["remove_space"])
        Tokenizer.AddKeepAccents(builder, tok["keep_accents"])
        Tokenizer.AddDoLowerCase(builder, tok["do_lower_case"])
    else:
        Tokenizer.AddLowercase(builder, tok["lowercase"])
        Tokenizer.AddStripAccents(builder, tok["strip_accents"])
        Tokenizer.AddTokenizeChineseChars(builder, tok["tokenize_chinese_chars"])
        Tokenizer.AddCleanText(builder, tok["clean_text"])
        Tokenizer.AddMaxInputCharsPerWord(builder, tok["max_input_chars_per_word"])
        Tokenizer.AddContinuingSubwordPrefix(builder, prefix)
    Tokenizer.AddMaxLength(builder, tok["max_length"])
    for role in ("unk", "cls", "sep", "pad", "mask"):
        getattr(Tokenizer, f"Add{role.capitalize()}Id")(builder, tok[f"{role}_id"])
    return Tokenizer.End(builder)


def build_flatbuffer(spec, store, index, self_test, weights_offset, weights_length):
    builder = flatbuffers.Builder(1 << 20)
    # Every scalar written explicitly: readers that forget a schema default still read the right value.
    builder.ForceDefaults(True)

    tensor_offsets = []
    for tensor in store.tensors:
        name = builder.CreateString(tensor.name)
        shape = builder.CreateNumpyVector(np.asarray(tensor.shape, "<u4"))
        scales = builder.CreateNumpyVector(np.asarray(tensor.scales, "<f4")) if tensor.scales is not None else None
        sums = builder.CreateNumpyVector(np.asarray(tensor.channel_sums, "<i4")) \
            if tensor.channel_sums is not None else None
        Tensor.Start(builder)
        Tensor.AddName(builder, name)
        Tensor.AddDtype(builder, tensor.dtype)
        Tensor.AddLayout(builder, tensor.layout)
        Tensor.AddShape(builder, shape)
        if scales is not None:
            Tensor.AddScales(builder, scales)
        if sums is not None:
            Tensor.AddChannelSums(builder, sums)
        Tensor.AddOffset(builder, tensor.offset)
        Tensor.AddLength(builder, len(tensor.payload))
        tensor_offsets.append(Tensor.End(builder))
    tensors = _tables_vector(builder, tensor_offsets)

    tokenizer = _tokenizer(builder, spec.tokenizer)

    hyper_spec = spec.hyper
    Hyper.Start(builder)
    Hyper.AddVocabSize(builder, hyper_spec.vocab_size)
    Hyper.AddEmbeddingSize(builder, hyper_spec.embedding_size)
    Hyper.AddHiddenSize(builder, hyper_spec.hidden_size)
    Hyper.AddNumLayers(builder, len(spec.schedule))
    Hyper.AddNumHeads(builder, hyper_spec.num_heads)
    Hyper.AddIntermediateSize(builder, hyper_spec.intermediate_size)
    Hyper.AddMaxPosition(builder, hyper_spec.max_position)
    Hyper.AddTypeVocabSize(builder, hyper_spec.type_vocab_size)
    Hyper.AddActivation(builder, ACTIVATIONS[hyper_spec.activation])
    Hyper.AddLayerNormEps(builder, float(hyper_spec.layer_norm_eps))
    Hyper.AddNumHiddenGroups(builder, hyper_spec.num_hidden_groups)
    Hyper.AddInnerGroupNum(builder, hyper_spec.inner_group_num)
    Hyper.AddConfigNumHiddenLayers(builder, hyper_spec.config_num_hidden_layers)
    hyper = Hyper.End(builder)

    emb = index["embeddings"]
    word_factor = _linear(builder, emb["word_factor"]) if emb["word_factor"] else None
    projection = _linear(builder, emb["projection"]) if emb["projection"] else None
    emb_norm = _layer_norm(builder, emb["norm"])
    Embeddings.Start(builder)
    Embeddings.AddWord(builder, emb["word"])
    if word_factor is not None:
        Embeddings.AddWordFactor(builder, word_factor)
    Embeddings.AddPosition(builder, emb["position"])
    Embeddings.AddTokenType(builder, emb["token_type"])
    Embeddings.AddNorm(builder, emb_norm)
    if projection is not None:
        Embeddings.AddProjection(builder, projection)
    embeddings = Embeddings.End(builder)

    set_offsets = []
    for ws_spec, ws in zip(spec.weight_sets, index["weight_sets"]):
        parts = {key: _linear(builder, ws[key]) for key in
                 ("query", "key", "value", "attention_output", "ffn_in", "ffn_out")}
        norms = {key: _layer_norm(builder, ws[key]) for key in ("attention_norm", "ffn_norm")}
        WeightSet.Start(builder)
        WeightSet.AddQuery(builder, parts["query"])
        WeightSet.AddKey(builder, parts["key"])
        WeightSet.AddValue(builder, parts["value"])
        WeightSet.AddAttentionOutput(builder, parts["attention_output"])
        WeightSet.AddAttentionNorm(builder, norms["attention_norm"])
        WeightSet.AddFfnIn(builder, parts["ffn_in"])
        WeightSet.AddFfnOut(builder, parts["ffn_out"])
        WeightSet.AddFfnNorm(builder, norms["ffn_norm"])
        WeightSet.AddNumHeads(builder, ws_spec.num_heads)
        WeightSet.AddIntermediateSize(builder, ws_spec.intermediate_size)
        set_offsets.append(WeightSet.End(builder))
    weight_sets = _tables_vector(builder, set_offsets)
    schedule = builder.CreateNumpyVector(np.asarray(spec.schedule, "<u4"))

    Pooling.Start(builder)
    Pooling.AddMode(builder, POOLING_MODES[spec.pooling.mode])
    Pooling.AddNormalize(builder, spec.pooling.normalize)
    Pooling.AddMatryoshkaDim(builder, spec.pooling.matryoshka_dim)
    pooling = Pooling.End(builder)

    head_offsets = []
    for head_spec, head in zip(spec.heads, index["heads"]):
        name = builder.CreateString(head_spec.name)
        labels = _strings_vector(builder, head_spec.labels)
        pooler = _linear(builder, head["pooler"]) if head["pooler"] else None
        classifier = _linear(builder, head["classifier"])
        Head.Start(builder)
        Head.AddKind(builder, HEAD_KINDS[head_spec.kind])
        Head.AddName(builder, name)
        if pooler is not None:
            Head.AddPooler(builder, pooler)
        Head.AddClassifier(builder, classifier)
        Head.AddLabels(builder, labels)
        head_offsets.append(Head.End(builder))
    heads = _tables_vector(builder, head_offsets)

    self_test_offset = None
    if self_test is not None:
        texts = _strings_vector(builder, self_test["texts"])
        expected = builder.CreateNumpyVector(np.asarray(self_test["expected"], "<f4").reshape(-1))
        SelfTest.Start(builder)
        SelfTest.AddTexts(builder, texts)
        SelfTest.AddOutput(builder, SELF_TEST_OUTPUTS[self_test["output"]])
        SelfTest.AddDim(builder, self_test["dim"])
        SelfTest.AddExpected(builder, expected)
        SelfTest.AddMinCosine(builder, float(self_test["min_cosine"]))
        self_test_offset = SelfTest.End(builder)

    pair_offsets = []
    for key, value in spec.metadata.items():
        key_offset, value_offset = builder.CreateString(str(key)), builder.CreateString(str(value))
        KeyValue.Start(builder)
        KeyValue.AddKey(builder, key_offset)
        KeyValue.AddValue(builder, value_offset)
        pair_offsets.append(KeyValue.End(builder))
    metadata = _tables_vector(builder, pair_offsets)

    Model.Start(builder)
    Model.AddFormatVersion(builder, FORMAT_VERSION)
    Model.AddKind(builder, MODEL_KINDS[spec.kind])
    Model.AddHyper(builder, hyper)
    Model.AddTokenizer(builder, tokenizer)
    Model.AddTensors(builder, tensors)
    Model.AddEmbeddings(builder, embeddings)
    Model.AddWeightSets(builder, weight_sets)
    Model.AddSchedule(builder, schedule)
    Model.AddPooling(builder, pooling)
    Model.AddHeads(builder, heads)
    if self_test_offset is not None:
        Model.AddSelfTest(builder, self_test_offset)
    Model.AddMetadata(builder, metadata)
    Model.AddWeightsOffset(builder, weights_offset)
    Model.AddWeightsLength(builder, weights_length)
    builder.FinishSizePrefixed(Model.End(builder), file_identifier=b"TERN")
    return bytes(builder.Output())


def serialize(spec, store, index, self_test):
    """Returns (header bytes incl. size prefix and padding, weights_offset, weights_length)."""
    weights_length = _layout_segment(store)
    # weights_offset is a field of the buffer itself; its value does not change the buffer's size (scalars
    # are fixed width and all are forced), so build once to measure, then with the final offset.
    probe = build_flatbuffer(spec, store, index, self_test, ALIGNMENT, weights_length)
    weights_offset = round_up(len(probe), ALIGNMENT)
    header = build_flatbuffer(spec, store, index, self_test, weights_offset, weights_length)
    if len(header) != len(probe):
        raise AssertionError("FlatBuffer size changed with weights_offset")
    return header + bytes(weights_offset - len(header)), weights_offset, weights_length


def write_model_file(path, header, store, weights_length):
    """Writes header + segment to a temp file next to path, fsyncs and renames it over path."""
    path = pathlib.Path(path)
    directory = path.parent if str(path.parent) else pathlib.Path(".")
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(header)
            position = 0
            for tensor in store.tensors:
                file.write(bytes(tensor.offset - position))
                file.write(tensor.payload)
                position = tensor.offset + len(tensor.payload)
            file.write(bytes(weights_length - position))
            file.flush()
            os.fsync(file.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp_name, 0o666 & ~umask)  # mkstemp creates 0600; a model file is ordinary data
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
