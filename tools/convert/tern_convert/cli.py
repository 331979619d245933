"""tern-convert MODEL_DIR -o model.tern [--dtype int8|f16|f32] [--factorize-embeddings RANK]
[--max-length N] [--outlier-channels K] [--report report.json]
[--prune-heads F] [--prune-ffn F] [--keep-layers L | --drop-layers L] [--low-rank R] [--calibration FILE]
[--target-cosine C [--search-objective macs|size]]"""

import argparse
import sys

from .calibrate import DEFAULT_OUTLIER_CHANNELS
from .errors import ConversionError
from .report import format_report, save_report


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tern-convert", description="Convert a Hugging Face BERT/MiniLM or "
                                     "ALBERT folder to a .tern file (no torch needed).")
    parser.add_argument("model_dir", help="folder with config.json, weights and tokenizer files")
    parser.add_argument("-o", "--output", required=True, help="the .tern file to write")
    parser.add_argument("--dtype", default="int8", choices=["int8", "f16", "f32"],
                        help="linear weights and word embeddings (default int8)")
    parser.add_argument("--factorize-embeddings", type=int, metavar="RANK",
                        help="store the word table as a rank-RANK SVD factorization")
    parser.add_argument("--max-length", type=int, help="tokens per text incl. specials (default: the model's)")
    parser.add_argument("--outlier-channels", type=int, default=DEFAULT_OUTLIER_CHANNELS, metavar="K",
                        help="int8: up to K calibrated activation outlier input channels per linear run in f32 "
                        f"(indices only, a few bytes each; default {DEFAULT_OUTLIER_CHANNELS}, 0 turns it off)")
    slim = parser.add_argument_group("smaller and faster without retraining (docs/LIGHTWEIGHT.md); each reports "
                                     "size, estimated MACs and cosine against the unmodified model")
    slim.add_argument("--prune-heads", metavar="F", help="remove the fraction F of attention heads with the least "
                      "ablation importance on the calibration text, per weight set (or F0,F1,.. one per set)")
    slim.add_argument("--prune-ffn", metavar="F", help="remove the fraction F of FFN neurons with the least output "
                      "contribution, per weight set (or one fraction per set); widths rounded to multiples of 16")
    slim.add_argument("--keep-layers", metavar="L", help="keep only these layers (schedule positions), e.g. 0,2,4 "
                      "or 0-3; BERT drops the other layers' weights, ALBERT runs its shared set fewer times")
    slim.add_argument("--drop-layers", metavar="L", help="drop these layers (the complement of --keep-layers)")
    slim.add_argument("--low-rank", metavar="R", help="replace layer linears by two smaller ones (truncated SVD) "
                      "where that saves work: a rank for all, KIND=RANK,... with KIND in attention, ffn, query, key, "
                      "value, attention_output, ffn_in, ffn_out, or auto:ERR (relative Frobenius error budget)")
    slim.add_argument("--calibration", metavar="FILE", help="calibration text, one text per line (default: "
                      "built-in sentences): importance scores and the reported cosines")
    slim.add_argument("--target-cosine", type=float, metavar="C", help="search heads, FFN, layers and low rank for "
                      "the cheapest model whose min cosine on the calibration text stays >= C; prints the table")
    slim.add_argument("--search-objective", default="macs", help="what --target-cosine minimizes: macs (estimated "
                      "at 128 tokens, default) or size (file bytes)")
    parser.add_argument("--report", metavar="JSON", help="write the conversion report as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or report table")
    args = parser.parse_args(argv)
    from .convert import convert
    from .lightweight import LightweightRequest
    lightweight = LightweightRequest(
        prune_heads=args.prune_heads, prune_ffn=args.prune_ffn, keep_layers=args.keep_layers,
        drop_layers=args.drop_layers, low_rank=args.low_rank, calibration=args.calibration,
        target_cosine=args.target_cosine, search_objective=args.search_objective)
    try:
        report = convert(args.model_dir, args.output, dtype=args.dtype, factorize_rank=args.factorize_embeddings,
                         max_length=args.max_length, progress=not args.quiet,
                         outlier_channels=args.outlier_channels, lightweight=lightweight)
    except ConversionError as error:
        print(f"tern-convert: error: {error}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"tern-convert: error: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(format_report(report))
    if args.report:
        save_report(report, args.report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
