#!/usr/bin/env python3
"""Exports a Hugging Face encoder folder to ONNX (fp32) and its quantize_dynamic int8 version, the peer
that tools/bench/compare_ort.py measures tern against.

Needs torch + transformers + onnx + onnxruntime, which the project .venv does not have on purpose; run it
once with the fix-up environment and offline hub:

    HF_HUB_OFFLINE=1 /work/fixvenv/bin/python tools/bench/export_onnx.py HF_FOLDER --tern MODEL.tern

writes MODEL.fp32.onnx and MODEL.int8.onnx next to MODEL.tern (a trailing -int8/-f32/-f16 of the .tern
name is dropped: minilm-int8.tern -> minilm.fp32.onnx), or use --onnx PATH for the fp32 file (the int8
file is PATH with .onnx replaced by .int8.onnx). Inputs: input_ids, attention_mask, token_type_ids
(int64, [batch, sequence]); output: last_hidden_state. Graph optimizations are ORT's job at load time.
"""
import argparse
import os
import sys
from pathlib import Path


def onnx_paths_for(tern_path=None, onnx_path=None):
    """(fp32, int8) ONNX paths: explicit --onnx, else derived from the .tern path."""
    if onnx_path:
        fp32 = Path(onnx_path)
        stem = fp32.name[:-len(".onnx")] if fp32.name.endswith(".onnx") else fp32.name
        if stem.endswith(".fp32"):
            stem = stem[:-len(".fp32")]
        return fp32, fp32.with_name(stem + ".int8.onnx")
    tern = Path(tern_path)
    stem = tern.name[:-len(".tern")] if tern.name.endswith(".tern") else tern.name
    for suffix in ("-int8", "-f32", "-f16"):
        if stem.endswith(suffix):
            stem = stem[:-len(suffix)]
    return tern.with_name(stem + ".fp32.onnx"), tern.with_name(stem + ".int8.onnx")


def export_fp32(hf_folder, fp32_path, opset):
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(hf_folder, local_files_only=True)
    model.eval()
    model.config.return_dict = False  # plain tuple outputs trace cleanly

    class LastHidden(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids)[0]

    ids = torch.ones((2, 16), dtype=torch.int64)
    args = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
    fp32_path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        try:  # the TorchScript exporter: one self-contained file, dynamic axes as named
            torch.onnx.export(LastHidden(model), args, str(fp32_path), input_names=names,
                              output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=opset,
                              dynamo=False)
        except TypeError:  # older torch without the dynamo switch
            torch.onnx.export(LastHidden(model), args, str(fp32_path), input_names=names,
                              output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=opset)


def quantize_int8(fp32_path, int8_path):
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32_path), str(int8_path), per_channel=True, weight_type=QuantType.QInt8)


def check_against_torch(hf_folder, fp32_path):
    """Max |difference| of last_hidden_state between torch and the exported file on one input."""
    import numpy as np
    import onnxruntime as ort
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(hf_folder, local_files_only=True).eval()
    rng = np.random.default_rng(0)
    ids = rng.integers(5, model.config.vocab_size, size=(1, 12), dtype=np.int64)
    mask = np.ones_like(ids)
    types = np.zeros_like(ids)
    with torch.no_grad():
        expected = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                         token_type_ids=torch.from_numpy(types))[0].numpy()
    session = ort.InferenceSession(str(fp32_path), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
    return float(np.abs(got - expected).max())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("hf_folder", help="Hugging Face model folder (config.json + weights)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--tern", help="the .tern converted from the same folder: ONNX files go next to it")
    where.add_argument("--onnx", help="path of the fp32 ONNX file to write")
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--force", action="store_true", help="export again even when the files exist")
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    fp32_path, int8_path = onnx_paths_for(args.tern, args.onnx)
    if args.force or not fp32_path.exists():
        export_fp32(args.hf_folder, fp32_path, args.opset)
        print(f"wrote {fp32_path} (max |torch - onnx| = {check_against_torch(args.hf_folder, fp32_path):.2e})")
    else:
        print(f"kept {fp32_path}")
    if args.force or not int8_path.exists():
        quantize_int8(fp32_path, int8_path)
        print(f"wrote {int8_path}")
    else:
        print(f"kept {int8_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
