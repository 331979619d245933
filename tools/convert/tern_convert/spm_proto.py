"""Reads the fields tern needs from a sentencepiece ModelProto (spiece.model) by decoding the protobuf wire
format directly (so no protobuf package is needed). Field numbers are those of sentencepiece_model.proto."""

import struct

from .errors import ConversionError

# ModelProto
FIELD_PIECES, FIELD_TRAINER_SPEC, FIELD_NORMALIZER_SPEC = 1, 2, 3
# ModelProto.SentencePiece
FIELD_PIECE, FIELD_SCORE, FIELD_TYPE = 1, 2, 3
# TrainerSpec
FIELD_MODEL_TYPE, FIELD_TREAT_WHITESPACE_AS_SUFFIX, FIELD_BYTE_FALLBACK = 3, 24, 35
FIELD_UNK_ID, FIELD_BOS_ID, FIELD_EOS_ID, FIELD_PAD_ID = 40, 41, 42, 43
# NormalizerSpec
FIELD_NORMALIZER_NAME, FIELD_PRECOMPILED_CHARSMAP = 1, 2
FIELD_ADD_DUMMY_PREFIX, FIELD_REMOVE_EXTRA_WHITESPACES, FIELD_ESCAPE_WHITESPACES = 3, 4, 5
MODEL_TYPE_UNIGRAM = 1


def _varint(data, position):
    result, shift = 0, 0
    while True:
        if position >= len(data):
            raise ConversionError("spiece.model: truncated varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
        if shift > 63:
            raise ConversionError("spiece.model: varint too long")


def fields(data):
    """Yields (field number, wire type, value) for one message; value is int, or bytes for wire type 2."""
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, position = _varint(data, position)
        elif wire_type == 1:
            value, position = int.from_bytes(data[position:position + 8], "little"), position + 8
        elif wire_type == 2:
            length, position = _varint(data, position)
            value, position = bytes(data[position:position + length]), position + length
        elif wire_type == 5:
            value, position = int.from_bytes(data[position:position + 4], "little"), position + 4
        else:
            raise ConversionError(f"spiece.model: unsupported protobuf wire type {wire_type}")
        if position > len(data):
            raise ConversionError("spiece.model: truncated message")
        yield number, wire_type, value


def _float(bits):
    return struct.unpack("<f", bits.to_bytes(4, "little"))[0]


def parse_model(data):
    """Returns a dict: pieces, scores, types, model_type, the normalizer flags, the trainer's special ids."""
    model = {"pieces": [], "scores": [], "types": [], "model_type": MODEL_TYPE_UNIGRAM,
             "treat_whitespace_as_suffix": False, "byte_fallback": False,
             "unk_id": 0, "bos_id": 1, "eos_id": 2, "pad_id": -1,
             "normalizer_name": "", "precompiled_charsmap": b"", "add_dummy_prefix": True,
             "remove_extra_whitespaces": True, "escape_whitespaces": True}
    for number, wire_type, value in fields(data):
        if number == FIELD_PIECES and wire_type == 2:
            piece, score, piece_type = None, 0.0, 1
            for sub_number, sub_type, sub_value in fields(value):
                if sub_number == FIELD_PIECE and sub_type == 2:
                    piece = sub_value.decode("utf-8")
                elif sub_number == FIELD_SCORE and sub_type == 5:
                    score = _float(sub_value)
                elif sub_number == FIELD_TYPE and sub_type == 0:
                    piece_type = sub_value
            if piece is None:
                raise ConversionError(f"spiece.model: piece {len(model['pieces'])} has no text")
            model["pieces"].append(piece)
            model["scores"].append(score)
            model["types"].append(piece_type)
        elif number == FIELD_TRAINER_SPEC and wire_type == 2:
            for sub_number, sub_type, sub_value in fields(value):
                if sub_type != 0:
                    continue
                signed = sub_value - (1 << 64) if sub_value >= 1 << 63 else sub_value
                if sub_number == FIELD_MODEL_TYPE:
                    model["model_type"] = sub_value
                elif sub_number == FIELD_TREAT_WHITESPACE_AS_SUFFIX:
                    model["treat_whitespace_as_suffix"] = bool(sub_value)
                elif sub_number == FIELD_BYTE_FALLBACK:
                    model["byte_fallback"] = bool(sub_value)
                elif sub_number == FIELD_UNK_ID:
                    model["unk_id"] = signed
                elif sub_number == FIELD_BOS_ID:
                    model["bos_id"] = signed
                elif sub_number == FIELD_EOS_ID:
                    model["eos_id"] = signed
                elif sub_number == FIELD_PAD_ID:
                    model["pad_id"] = signed
        elif number == FIELD_NORMALIZER_SPEC and wire_type == 2:
            for sub_number, sub_type, sub_value in fields(value):
                if sub_number == FIELD_NORMALIZER_NAME and sub_type == 2:
                    model["normalizer_name"] = sub_value.decode("utf-8")
                elif sub_number == FIELD_PRECOMPILED_CHARSMAP and sub_type == 2:
                    model["precompiled_charsmap"] = sub_value
                elif sub_number == FIELD_ADD_DUMMY_PREFIX and sub_type == 0:
                    model["add_dummy_prefix"] = bool(sub_value)
                elif sub_number == FIELD_REMOVE_EXTRA_WHITESPACES and sub_type == 0:
                    model["remove_extra_whitespaces"] = bool(sub_value)
                elif sub_number == FIELD_ESCAPE_WHITESPACES and sub_type == 0:
                    model["escape_whitespaces"] = bool(sub_value)
    if not model["pieces"]:
        raise ConversionError("spiece.model: no pieces (is this a sentencepiece model?)")
    return model
