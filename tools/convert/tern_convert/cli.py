"""tern-convert MODEL_DIR -o model.tern [--dtype int8|f16|f32] [--factorize-embeddings RANK]
[--max-length N] [--outlier-channels K] [--report report.json]"""

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
    parser.add_argument("--report", metavar="JSON", help="write the conversion report as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or report table")
    args = parser.parse_args(argv)
    from .convert import convert
    try:
        report = convert(args.model_dir, args.output, dtype=args.dtype, factorize_rank=args.factorize_embeddings,
                         max_length=args.max_length, progress=not args.quiet,
                         outlier_channels=args.outlier_channels)
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
