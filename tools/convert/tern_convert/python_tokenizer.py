"""Python tokenizers matching what the runtime implements, built from the tokenizer data the converter
stores (HF `tokenizers` for WordPiece, the `sentencepiece` library + AlbertTokenizer's pre-steps for
SentencePiece). Used only for the report and the self-test vectors."""

import unicodedata

from .errors import ConversionError


def make_tokenizer(tokenizer):
    """Returns encode(text) -> list of ids with [CLS]/[SEP] and truncation to max_length."""
    if tokenizer["kind"] == "wordpiece":
        return _wordpiece(tokenizer)
    return _sentencepiece(tokenizer)


def _wordpiece(data):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    vocab = {}
    for index, piece in enumerate(data["pieces"]):
        vocab.setdefault(piece, index)
    pieces = data["pieces"]
    tok = Tokenizer(models.WordPiece(vocab, unk_token=pieces[data["unk_id"]],
                                     max_input_chars_per_word=data["max_input_chars_per_word"],
                                     continuing_subword_prefix=data["continuing_subword_prefix"]))
    tok.normalizer = normalizers.BertNormalizer(clean_text=data["clean_text"],
                                                handle_chinese_chars=data["tokenize_chinese_chars"],
                                                strip_accents=data["strip_accents"], lowercase=data["lowercase"])
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    cls, sep = pieces[data["cls_id"]], pieces[data["sep_id"]]
    tok.post_processor = processors.BertProcessing((sep, data["sep_id"]), (cls, data["cls_id"]))
    tok.decoder = decoders.WordPiece()
    tok.enable_truncation(data["max_length"])
    return lambda text: tok.encode(text).ids


def albert_preprocess(text, remove_space, keep_accents, do_lower_case):
    """AlbertTokenizer.preprocess_text."""
    if remove_space:
        text = " ".join(text.strip().split())
    text = text.replace("``", '"').replace("''", '"')
    if not keep_accents:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    if do_lower_case:
        text = text.lower()
    return text


def _sentencepiece(data):
    import sentencepiece
    try:
        processor = sentencepiece.SentencePieceProcessor(model_proto=data["model_bytes"])
    except RuntimeError as error:
        raise ConversionError(f"the sentencepiece library refuses the model: {error}") from None
    limit = data["max_length"] - 2

    def encode(text):
        text = albert_preprocess(text, data["remove_space"], data["keep_accents"], data["do_lower_case"])
        pieces = processor.encode(text, out_type=str)
        # AlbertTokenizer._tokenize: "9," style pieces are split so the digit run stands alone.
        split = []
        for piece in pieces:
            if len(piece) > 1 and piece[-1] == "," and piece[-2].isdigit():
                current = processor.encode(piece[:-1].replace("\u2581", ""), out_type=str)
                if piece[0] != "\u2581" and current and current[0][0] == "\u2581":
                    if len(current[0]) == 1:
                        current = current[1:]
                    else:
                        current[0] = current[0][1:]
                current.append(piece[-1])
                split.extend(current)
            else:
                split.append(piece)
        ids = [processor.piece_to_id(piece) for piece in split][:limit]
        return [data["cls_id"]] + ids + [data["sep_id"]]
    return encode
