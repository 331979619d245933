"""Estimated work of a model: multiply-accumulates per token of every linear (a low-rank pair counts
rank * (in + out)) and, for a text of T tokens, attention's 2 * T * heads * head_dim per token per layer.
Pooler and classifier run once per text."""

LAYER_LINEARS = ("query", "key", "value", "attention_output", "ffn_in", "ffn_out")


def linear_macs(linear):
    if linear is None:
        return 0
    out_features, width = linear.weight.shape
    if linear.input_factor is not None:
        return linear.input_factor.shape[0] * linear.input_factor.shape[1] + out_features * width
    return out_features * width


def estimate_macs(spec, tokens):
    """Total MACs for one text of `tokens` tokens."""
    emb = spec.embeddings
    per_token = linear_macs(emb.word_factor) + linear_macs(emb.projection)
    head_dim = spec.hyper.hidden_size // spec.hyper.num_heads
    attention = 0
    for set_index in spec.schedule:
        weight_set = spec.weight_sets[set_index]
        per_token += sum(linear_macs(getattr(weight_set, name)) for name in LAYER_LINEARS)
        attention += 2 * weight_set.num_heads * head_dim
    per_text = 0
    for head in spec.heads:
        per_text += linear_macs(head.pooler) + linear_macs(head.classifier) * (tokens if head.kind == "token" else 1)
    return tokens * per_token + tokens * tokens * attention + per_text


def cost_summary(spec):
    """MACs per token for a short text (linears) and per token / total for a 128-token text."""
    total_128 = estimate_macs(spec, 128)
    return {"macs_per_token": estimate_macs(spec, 1), "macs_per_token_128": total_128 / 128,
            "macs_128_tokens": total_128}
