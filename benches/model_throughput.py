#!/usr/bin/env python3
"""The Python side of the model benchmark: an onnxruntime loop that samples
the way synth does (prefill the prompt once at batch 1, tile the KV cache
across the batch, decode the batch with temperature and top-p, decode each
row's text every step to look for stop sequences), for the same model,
prompt, thread count and token counts. Prints one JSON object.

    PYTHONPATH=.deps/python python3 benches/model_throughput.py MODEL_DIR \
        --prompt-file P --samples 32 --batch 32 --max-new-tokens 128 --threads 2

`--bare` leaves out the per-step text decoding (the loop ONNX Runtime
itself bounds). `--stop-at-dedent` ends a row at the end of the function
body (a line starting in column 0, the first one included) or at the end-of-sequence token, as
`synth run` does; finished rows then stay in the batch until every row is
done (as Hugging Face's `generate` does), or with `--compact` are dropped
from the batch and its cache (as synth does). Only tokens up to each row's
end are counted.
"""

import argparse
import json
import re
import resource
import sys
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--prompt-file", required=True)
    ap.add_argument("--samples", type=int, default=32)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-new-tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--temperature", type=float, default=0.8)
    ap.add_argument("--top-p", type=float, default=0.95)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bare", action="store_true")
    ap.add_argument("--stop-at-dedent", action="store_true")
    ap.add_argument("--compact", action="store_true")
    ap.add_argument("--profile", action="store_true", help="also print ONNX Runtime's kernel time by operator type")
    args = ap.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_profiling = args.profile
    sess = ort.InferenceSession(f"{args.model}/model.onnx", options, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(f"{args.model}/tokenizer.json")
    inputs = {i.name: i for i in sess.get_inputs()}
    outputs = [o.name for o in sess.get_outputs()]
    past_names = [n for n in inputs if n.startswith("past_key_values.")]
    present_names = [n.replace("past_key_values.", "present.") for n in past_names]
    with open(args.prompt_file) as f:
        prompt = f.read()
    prompt_ids = tok.encode(prompt).ids
    rng = np.random.default_rng(args.seed)
    with open(f"{args.model}/config.json") as f:
        eos = json.load(f).get("eos_token_id")
    eos = set(eos if isinstance(eos, list) else [eos])
    # As synth's `stop_position`: the completion starts a line, so a first
    # line in column 0 ends it too.
    dedent = re.compile(r"(?:\A|\n)[^ \t\r\n]")
    anchor = prompt_ids[-4:]
    anchor_text = tok.decode(anchor)

    def run(ids, past, past_len):
        b, n = ids.shape
        feed = {
            "input_ids": ids,
            "attention_mask": np.ones((b, past_len + n), dtype=np.int64),
        }
        if "position_ids" in inputs:
            feed["position_ids"] = np.tile(np.arange(past_len, past_len + n, dtype=np.int64), (b, 1))
        for name in past_names:
            if past is None:
                shape = inputs[name].shape
                feed[name] = np.zeros((b, shape[1], 0, shape[3]), dtype=np.float32)
            else:
                feed[name] = past[name]
        result = dict(zip(outputs, sess.run(None, feed)))
        present = {p: result[q] for p, q in zip(past_names, present_names)}
        return result["logits"][:, -1, :], present

    def pick(logits):
        z = logits / args.temperature
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        order = np.argsort(-p, axis=1)
        sorted_p = np.take_along_axis(p, order, axis=1)
        keep = np.cumsum(sorted_p, axis=1) - sorted_p < args.top_p
        sorted_p = np.where(keep, sorted_p, 0.0)
        sorted_p /= sorted_p.sum(axis=1, keepdims=True)
        u = rng.random((logits.shape[0], 1))
        choice = (np.cumsum(sorted_p, axis=1) < u).sum(axis=1)
        choice = np.minimum(choice, logits.shape[1] - 1)
        return order[np.arange(len(choice)), choice]

    tokens = 0
    start = time.perf_counter()
    p_ids = np.array([prompt_ids], dtype=np.int64)
    for first in range(0, args.samples, args.batch):
        b = min(args.batch, args.samples - first)
        logits, past = run(p_ids, None, 0)
        past = {k: np.repeat(v, b, axis=0) for k, v in past.items()}
        generated = [[] for _ in range(b)]
        done = [False] * b
        active = list(range(b))  # rows in the batch (all of them unless compacting)
        current = pick(np.repeat(logits, b, axis=0))
        for step in range(args.max_new_tokens):
            for i, t in zip(active, current):
                if done[i]:
                    continue
                generated[i].append(int(t))
                if args.stop_at_dedent and int(t) in eos:
                    done[i] = True
                elif not args.bare:  # look for the end of the function in the row's text
                    text = tok.decode(anchor + generated[i])
                    text = text[len(anchor_text):] if text.startswith(anchor_text) else text
                    if args.stop_at_dedent and dedent.search(text):
                        done[i] = True
            if step + 1 == args.max_new_tokens or all(done):
                break
            if args.compact and any(done[i] for i in active):
                keep = [k for k, i in enumerate(active) if not done[i]]
                past = {n: v[keep] for n, v in past.items()}
                active = [active[k] for k in keep]
                current = current[keep]
            ids = current.reshape(len(active), 1).astype(np.int64)
            logits, past = run(ids, past, len(prompt_ids) + step)
            current = pick(logits)
        tokens += sum(len(r) for r in generated)
    seconds = time.perf_counter() - start
    if args.profile:  # kernel time per operator type, from ONNX Runtime's own trace
        with open(sess.end_profiling()) as f:
            events = json.load(f)
        by_op = {}
        for e in events:
            if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
                by_op[e["args"]["op_name"]] = by_op.get(e["args"]["op_name"], 0) + e["dur"]
        total = sum(by_op.values())
        for op, us in sorted(by_op.items(), key=lambda kv: -kv[1])[:6]:
            print(f"{op:24s} {us / 1e3:9.1f} ms {100 * us / total:5.1f}%", file=sys.stderr)
    print(
        json.dumps(
            {
                "tokens": tokens,
                "seconds": seconds,
                "tokens_per_second": tokens / seconds,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "prompt_tokens": len(prompt_ids),
            }
        )
    )


if __name__ == "__main__":
    main()
