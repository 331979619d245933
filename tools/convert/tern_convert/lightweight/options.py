"""The lightweight options (--prune-heads, --prune-ffn, --keep-layers / --drop-layers, --low-rank,
--target-cosine): their text forms, parsed and checked against the model, with errors naming the option,
the value and what was expected."""

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple, Union

from ..errors import ConversionError

LAYER_LINEARS = ("query", "key", "value", "attention_output", "ffn_in", "ffn_out")
LINEAR_GROUPS = {"attention": ("query", "key", "value", "attention_output"), "ffn": ("ffn_in", "ffn_out"),
                 "all": LAYER_LINEARS, **{name: (name,) for name in LAYER_LINEARS}}
SEARCH_OBJECTIVES = ("macs", "size")

# A low-rank setting per linear name: an explicit rank, or ("auto", relative Frobenius error budget).
RankSetting = Union[int, Tuple[str, float]]


@dataclass
class LightweightOptions:
    prune_heads: Optional[List[float]] = None   # one fraction, or one per weight set
    prune_ffn: Optional[List[float]] = None
    keep_layers: Optional[List[int]] = None     # schedule positions kept (from --keep-layers or --drop-layers)
    low_rank: Dict[str, RankSetting] = field(default_factory=dict)
    texts: Optional[str] = None                 # "--prune-heads 0.5 ..." as given, for the report

    def any(self):
        return bool(self.prune_heads or self.prune_ffn or self.keep_layers is not None or self.low_rank)

    def describe(self):
        parts = []
        if self.prune_heads:
            parts.append("heads " + ",".join(f"{f:g}" for f in self.prune_heads))
        if self.prune_ffn:
            parts.append("ffn " + ",".join(f"{f:g}" for f in self.prune_ffn))
        if self.keep_layers is not None:
            parts.append("layers " + ",".join(str(p) for p in self.keep_layers))
        if self.low_rank:
            parts.append("low-rank " + format_low_rank(self.low_rank))
        return "; ".join(parts) or "unmodified"


def parse_fractions(option, text):
    """"0.5" or "0.5,0.25,..." (one per weight set) -> list of floats in [0, 1)."""
    fractions = []
    for item in str(text).split(","):
        try:
            value = float(item)
        except ValueError:
            raise ConversionError(f"{option} {text!r}: {item!r} is not a number; expected a fraction in [0, 1) "
                                  "or a comma-separated list of them, one per weight set") from None
        if not 0 <= value < 1:
            raise ConversionError(f"{option} {text!r}: fraction {value:g} is outside [0, 1)")
        fractions.append(value)
    return fractions


def parse_positions(option, text):
    """"0,2,4" or "0-3,5" -> sorted unique list of ints."""
    positions = set()
    for item in str(text).split(","):
        item = item.strip()
        try:
            if "-" in item[1:]:
                low, high = (int(part) for part in item.split("-", 1))
                if low > high:
                    raise ValueError
                positions.update(range(low, high + 1))
            else:
                positions.add(int(item))
        except ValueError:
            raise ConversionError(f"{option} {text!r}: {item!r} is not a layer index or range like 2-5") from None
    if any(p < 0 for p in positions):
        raise ConversionError(f"{option} {text!r}: layer indices start at 0")
    return sorted(positions)


def _parse_rank(text, value):
    if value.startswith("auto:"):
        try:
            budget = float(value[5:])
        except ValueError:
            budget = -1.0
        if not 0 < budget < 1:
            raise ConversionError(f"--low-rank {text!r}: {value!r}: the error budget after auto: must be a "
                                  "relative Frobenius error in (0, 1), e.g. auto:0.2")
        return ("auto", budget)
    try:
        rank = int(value)
    except ValueError:
        rank = 0
    if rank < 1:
        raise ConversionError(f"--low-rank {text!r}: {value!r} is not a positive rank or auto:ERROR")
    return rank


def parse_low_rank(text):
    """"64", "auto:0.2" (every layer linear) or "ffn_in=96,attention=32,ffn=auto:0.3" -> {linear: setting}."""
    text = str(text)
    settings = {}
    if "=" not in text:
        setting = _parse_rank(text, text.strip())
        return {name: setting for name in LAYER_LINEARS}
    for item in text.split(","):
        kind, _, value = item.partition("=")
        kind = kind.strip()
        if kind not in LINEAR_GROUPS:
            raise ConversionError(f"--low-rank {text!r}: unknown layer kind {kind!r}; expected one of "
                                  f"{', '.join(LINEAR_GROUPS)}")
        setting = _parse_rank(text, value.strip())
        for name in LINEAR_GROUPS[kind]:
            settings[name] = setting
    return settings


def format_low_rank(settings):
    """The shortest text parse_low_rank reads back as settings ("auto:0.3", "attention=16,ffn=32")."""
    def text(value):
        return f"auto:{value[1]:g}" if isinstance(value, tuple) else str(value)
    values = {name: text(value) for name, value in settings.items()}
    if set(values) == set(LAYER_LINEARS) and len(set(values.values())) == 1:
        return values[LAYER_LINEARS[0]]
    parts = []
    for group in ("attention", "ffn"):
        members = LINEAR_GROUPS[group]
        if all(name in values for name in members) and len({values[name] for name in members}) == 1:
            parts.append(f"{group}={values[members[0]]}")
            for name in members:
                del values[name]
    return ",".join(parts + [f"{name}={value}" for name, value in values.items()])


def per_set(option, fractions, num_sets):
    """A single fraction applies to every weight set; a list must have one per set."""
    if fractions is None:
        return [0.0] * num_sets
    if len(fractions) == 1:
        return fractions * num_sets
    if len(fractions) != num_sets:
        raise ConversionError(f"{option}: {len(fractions)} fractions given but the model has {num_sets} weight "
                              f"sets; give one fraction, or one per weight set")
    return list(fractions)


def kept_positions(keep_text, drop_text, num_layers):
    """--keep-layers / --drop-layers -> the schedule positions kept, or None for all."""
    if keep_text is not None and drop_text is not None:
        raise ConversionError("--keep-layers and --drop-layers: give one or the other")
    if keep_text is None and drop_text is None:
        return None
    option, text = ("--keep-layers", keep_text) if keep_text is not None else ("--drop-layers", drop_text)
    positions = parse_positions(option, text)
    if positions and positions[-1] >= num_layers:
        raise ConversionError(f"{option} {text!r}: layer {positions[-1]} does not exist; the model has "
                              f"{num_layers} layers (0..{num_layers - 1})")
    kept = positions if keep_text is not None else [p for p in range(num_layers) if p not in positions]
    if not kept:
        raise ConversionError(f"{option} {text!r}: no layer would be left; keep at least one")
    return kept
