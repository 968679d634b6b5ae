#!/usr/bin/env python3
"""Makes the tiny decoder-only ONNX models synth's tests load (random weights).

Each model directory has what a standard export has: `model.onnx` with the
Hugging Face Optimum I/O layout (`input_ids`, `attention_mask`, `position_ids`,
`past_key_values.{i}.key/.value` -> `logits`, `present.{i}.key/.value`),
`tokenizer.json` (trained here, on synth programs) and `config.json`.

    tests/models/gpt2-tiny          GPT-2-like: multi-head attention, learned
                                    positions, LayerNorm, GELU, tied embeddings,
                                    byte-level BPE; has a synth-model.toml
    tests/models/llama-tiny         Llama/Qwen2-like: grouped-query attention
                                    (4 query heads, 2 KV heads), rotary positions,
                                    RMSNorm, SwiGLU; Metaspace BPE with <s>; no
                                    synth-model.toml (defaults from config.json)
    tests/models/gpt2-tiny-nocache  gpt2-tiny's weights, exported without a KV
                                    cache and without position_ids
    tests/models/llama-tiny-sdpa    llama-tiny's weights with the attention as torch.onnx
                                    exports scaled_dot_product_attention after
                                    Hugging Face's repeat_kv (scale computed from shapes)
    tests/models/llama-tiny-merged  llama-tiny's weights with the legacy merged
                                    decoder's `use_cache_branch` input
    tests/models/llama-tiny-int32   llama-tiny's weights with int32 ids, masks and
                                    positions, a `logits_to_keep` input, cache head
                                    dimensions left symbolic (config.json has them),
                                    and the model in onnx/ (the transformers.js layout)
    tests/models/not-a-decoder.onnx an Identity model (for error tests)
    tests/models/bigram-add-one     a one-layer bigram model (next token = a table
                                    of the previous one) fitted to one completion:
                                    after tests/problems/model-solves.toml's prompt
                                    it writes `    return x + 1` then eos. It lets the
                                    tests see a model candidate solve a problem.

`--bench DIR` instead writes a ~5M-parameter GPT-2-like model (6 layers,
d=256) for the throughput benchmark.

The script checks every graph against a NumPy forward pass of the same
weights, and the KV-cache path against a full recompute, with onnxruntime.
Needs: numpy, onnx, onnxruntime, tokenizers (`bash scripts/setup.sh --python`,
then `PYTHONPATH=.deps/python python3 scripts/make-test-models.py`).
"""

import argparse
import glob
import json
import math
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPSET = 17


# --- tokenizers ------------------------------------------------------------


def corpus():
    """Synth programs: the shipped problems, examples and language tests."""
    texts = []
    for path in sorted(glob.glob(os.path.join(ROOT, "problems", "**", "*.toml"), recursive=True)):
        with open(path) as f:
            texts.append(f.read())
    for pattern in ("examples/*.py", "dsl/tests/run/*.py", "benches/capset/*.py"):
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            with open(path) as f:
                texts.append(f.read())
    return texts


def byte_level_tokenizer(vocab_size):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(corpus(), trainer)
    return tok


def metaspace_tokenizer(vocab_size):
    """Llama-style: `▁` for spaces, <unk>/<s>/</s>, <s> prepended."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first")
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=["<unk>", "<s>", "</s>"], show_progress=False
    )
    tok.train_from_iterator(corpus(), trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", tok.token_to_id("<s>"))]
    )
    return tok


# --- weights and the NumPy reference ---------------------------------------


def make_weights(cfg, seed):
    rng = np.random.RandomState(seed)
    d, v, L = cfg["d"], cfg["vocab"], cfg["layers"]
    h, kvh, dh, ff = cfg["heads"], cfg["kv_heads"], cfg["d"] // cfg["heads"], cfg["ff"]

    # Tied embeddings at random make a token predict itself; strong layers
    # and small embeddings keep the fixtures' samples varied.
    base = 0.2 if cfg["arch"] == "gpt2" else 0.08

    def w(*shape, std=base):
        return (rng.standard_normal(shape) * std).astype(np.float32)

    W = {"wte": w(v, d, std=0.05 if cfg["arch"] == "gpt2" else 0.5)}
    if cfg["arch"] == "gpt2":
        W["wpe"] = w(cfg["ctx"], d, std=0.1)
    for i in range(L):
        p = f"l{i}."
        W[p + "ln1"] = (1 + w(d, std=0.1)).astype(np.float32)
        W[p + "ln2"] = (1 + w(d, std=0.1)).astype(np.float32)
        W[p + "wq"], W[p + "wk"], W[p + "wv"] = w(d, h * dh), w(d, kvh * dh), w(d, kvh * dh)
        W[p + "wo"] = w(h * dh, d)
        if cfg["arch"] == "gpt2":
            W[p + "ln1b"], W[p + "ln2b"] = w(d, std=0.02), w(d, std=0.02)
            W[p + "bq"], W[p + "bk"], W[p + "bv"] = w(h * dh), w(kvh * dh), w(kvh * dh)
            W[p + "bo"] = w(d)
            W[p + "fc"], W[p + "fcb"], W[p + "proj"], W[p + "projb"] = w(d, ff), w(ff), w(ff, d), w(d)
        else:
            W[p + "gate"], W[p + "up"], W[p + "down"] = w(d, ff), w(d, ff), w(ff, d)
    W["lnf"] = (1 + w(d, std=0.1)).astype(np.float32)
    if cfg["arch"] == "gpt2":
        W["lnfb"] = w(d, std=0.02)
    else:
        W["lm_head"] = w(d, v, std=0.5)
    return W


def rotary_tables(ctx, dh, theta=10000.0):
    inv = 1.0 / theta ** (np.arange(0, dh, 2, dtype=np.float64) / dh)
    ang = np.outer(np.arange(ctx, dtype=np.float64), inv)
    ang = np.concatenate([ang, ang], axis=-1)
    return np.cos(ang).astype(np.float32), np.sin(ang).astype(np.float32)


def reference_logits(cfg, W, ids):
    """Full-sequence forward pass in NumPy (float64), one sequence."""
    d, h, kvh = cfg["d"], cfg["heads"], cfg["kv_heads"]
    dh, n = d // h, len(ids)
    f = lambda a: a.astype(np.float64)  # noqa: E731
    x = f(W["wte"][ids])
    if cfg["arch"] == "gpt2":
        x = x + f(W["wpe"][:n])
    cos, sin = rotary_tables(cfg["ctx"], dh)

    def norm(x, w, b=None):
        if cfg["arch"] == "gpt2":
            mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
            return (x - mu) / np.sqrt(var + 1e-5) * f(w) + f(b)
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6) * f(w)

    def rope(t):  # t: [heads, n, dh]
        half = dh // 2
        rot = np.concatenate([-t[..., half:], t[..., :half]], axis=-1)
        return t * f(cos[:n]) + rot * f(sin[:n])

    mask = np.tril(np.ones((n, n), dtype=bool))
    for i in range(cfg["layers"]):
        p = f"l{i}."
        a = norm(x, W[p + "ln1"], W.get(p + "ln1b"))
        q, k, v = a @ f(W[p + "wq"]), a @ f(W[p + "wk"]), a @ f(W[p + "wv"])
        if cfg["arch"] == "gpt2":
            q, k, v = q + f(W[p + "bq"]), k + f(W[p + "bk"]), v + f(W[p + "bv"])
        q = q.reshape(n, h, dh).transpose(1, 0, 2)
        k = k.reshape(n, kvh, dh).transpose(1, 0, 2)
        v = v.reshape(n, kvh, dh).transpose(1, 0, 2)
        if cfg["arch"] == "llama":
            q, k = rope(q), rope(k)
        k, v = np.repeat(k, h // kvh, axis=0), np.repeat(v, h // kvh, axis=0)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
        s = np.where(mask, s, -np.inf)
        s = np.exp(s - s.max(-1, keepdims=True))
        o = (s / s.sum(-1, keepdims=True)) @ v
        o = o.transpose(1, 0, 2).reshape(n, h * dh) @ f(W[p + "wo"])
        x = x + (o + f(W[p + "bo"]) if cfg["arch"] == "gpt2" else o)
        a = norm(x, W[p + "ln2"], W.get(p + "ln2b"))
        if cfg["arch"] == "gpt2":
            u = a @ f(W[p + "fc"]) + f(W[p + "fcb"])
            u = 0.5 * u * (1 + np.vectorize(math.erf)(u / math.sqrt(2)))
            x = x + u @ f(W[p + "proj"]) + f(W[p + "projb"])
        else:
            g = a @ f(W[p + "gate"])
            x = x + ((g / (1 + np.exp(-g))) * (a @ f(W[p + "up"]))) @ f(W[p + "down"])
    x = norm(x, W["lnf"], W.get("lnfb"))
    return x @ (f(W["wte"]).T if cfg["arch"] == "gpt2" else f(W["lm_head"]))


# --- the ONNX graph ---------------------------------------------------------


class Graph:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def const(self, value, dtype=np.int64, name=None):
        name = name or self.fresh("c")
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def fresh(self, base):
        self.count += 1
        return f"{base}_{self.count}"

    def op(self, op_type, *inputs, out=None, **attrs):
        out = out or self.fresh(op_type.lower())
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], **attrs))
        return out


def build_model(
    cfg, W, cache, merged=False, position_ids=True, int32=False, keep=False, symbolic_cache=False, sdpa=False
):
    g = Graph()
    d, h, kvh, L, v = cfg["d"], cfg["heads"], cfg["kv_heads"], cfg["layers"], cfg["vocab"]
    dh, groups = d // h, cfg["heads"] // cfg["kv_heads"]
    for name, value in W.items():
        g.const(value, np.float32, name=name)

    total = "past_sequence_length + sequence_length" if cache else "sequence_length"
    ints = TensorProto.INT32 if int32 else TensorProto.INT64
    inputs = [
        helper.make_tensor_value_info("input_ids", ints, ["batch_size", "sequence_length"]),
        helper.make_tensor_value_info("attention_mask", ints, ["batch_size", total]),
    ]
    if position_ids:
        inputs.append(helper.make_tensor_value_info("position_ids", ints, ["batch_size", "sequence_length"]))
    if keep:
        inputs.append(helper.make_tensor_value_info("logits_to_keep", TensorProto.INT64, []))
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", v])]
    if cache:
        # Some exports leave the head dimensions symbolic; config.json has them.
        heads_dim, width_dim = ("num_key_value_heads", "head_dim") if symbolic_cache else (kvh, dh)
        for i in range(L):
            for kind in ("key", "value"):
                inputs.append(
                    helper.make_tensor_value_info(
                        f"past_key_values.{i}.{kind}",
                        TensorProto.FLOAT,
                        ["batch_size", heads_dim, "past_sequence_length", width_dim],
                    )
                )
                outputs.append(
                    helper.make_tensor_value_info(
                        f"present.{i}.{kind}", TensorProto.FLOAT, ["batch_size", heads_dim, total, width_dim]
                    )
                )
    if merged:
        inputs.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))

    ids, mask, pos_in = "input_ids", "attention_mask", "position_ids"
    if int32:  # some exports take int32 ids and masks
        ids = g.op("Cast", ids, to=TensorProto.INT64)
        mask = g.op("Cast", mask, to=TensorProto.INT64)
        if position_ids:
            pos_in = g.op("Cast", pos_in, to=TensorProto.INT64)
    # Lengths: T keys (past + new), S queries; queries sit at positions T-S..T-1.
    T = g.op("Squeeze", g.op("Shape", mask, start=1, end=2), g.const([0]))
    S = g.op("Squeeze", g.op("Shape", ids, start=1, end=2), g.const([0]))
    kpos = g.op("Range", g.const(0), T, g.const(1))
    qpos = g.op("Range", g.op("Sub", T, S), T, g.const(1))
    causal = g.op("LessOrEqual", g.op("Unsqueeze", kpos, g.const([0])), g.op("Unsqueeze", qpos, g.const([1])))
    pad = g.op("Unsqueeze", g.op("Cast", mask, to=TensorProto.BOOL), g.const([1, 2, 3]))
    bias = g.op("Where", g.op("And", causal, pad), g.const(0.0, np.float32), g.const(-1e9, np.float32))
    if position_ids:
        pos = pos_in
    else:  # as Hugging Face derives them: cumulative sum of the mask, minus one
        pos = g.op("Sub", g.op("CumSum", mask, g.const(1)), g.const(1))
        pos = g.op("Max", pos, g.const(0))

    x = g.op("Gather", "wte", ids)
    if cfg["arch"] == "gpt2":
        x = g.op("Add", x, g.op("Gather", "wpe", pos))
    else:
        cos, sin = rotary_tables(cfg["ctx"], dh)
        cos = g.op("Unsqueeze", g.op("Gather", g.const(cos, np.float32), pos), g.const([1]))
        sin = g.op("Unsqueeze", g.op("Gather", g.const(sin, np.float32), pos), g.const([1]))

    def norm(x, w, b=None):
        if cfg["arch"] == "gpt2":
            return g.op("LayerNormalization", x, w, b, axis=-1, epsilon=1e-5)
        ms = g.op("ReduceMean", g.op("Mul", x, x), axes=[-1], keepdims=1)
        return g.op("Mul", g.op("Mul", x, g.op("Reciprocal", g.op("Sqrt", g.op("Add", ms, g.const(1e-6, np.float32))))), w)

    def linear(x, w, b=None):
        y = g.op("MatMul", x, w)
        return g.op("Add", y, b) if b else y

    def heads(t, n):  # [B,S,n*dh] -> [B,n,S,dh]
        return g.op("Transpose", g.op("Reshape", t, g.const([0, 0, n, dh])), perm=[0, 2, 1, 3])

    def rope(t):
        a, b = g.op("Slice", t, g.const([0]), g.const([dh // 2]), g.const([-1])), g.op(
            "Slice", t, g.const([dh // 2]), g.const([dh]), g.const([-1])
        )
        rot = g.op("Concat", g.op("Neg", b), a, axis=-1)
        return g.op("Add", g.op("Mul", t, cos), g.op("Mul", rot, sin))

    gpt2 = cfg["arch"] == "gpt2"
    for i in range(L):
        p = f"l{i}."
        a = norm(x, p + "ln1", p + "ln1b" if gpt2 else None)
        q = heads(linear(a, p + "wq", p + "bq" if gpt2 else None), h)
        k = heads(linear(a, p + "wk", p + "bk" if gpt2 else None), kvh)
        val = heads(linear(a, p + "wv", p + "bv" if gpt2 else None), kvh)
        if not gpt2:
            q, k = rope(q), rope(k)
        if cache:
            k = g.op("Concat", f"past_key_values.{i}.key", k, axis=2, out=f"present.{i}.key")
            val = g.op("Concat", f"past_key_values.{i}.value", val, axis=2, out=f"present.{i}.value")
        if sdpa:
            bias4 = g.op("Squeeze", bias, g.const([1]))  # [B, 1, S, T]
            o = sdpa_attention(g, q, repeat_kv(g, k, groups), repeat_kv(g, val, groups), bias4)
        else:
            # Grouped-query attention without repeating the cache: queries
            # [B, kv_heads, groups, S, dh] against keys [B, kv_heads, 1, T, dh].
            q5 = g.op("Reshape", q, g.const([0, kvh, groups, -1, dh]))
            k5 = g.op("Unsqueeze", k, g.const([2]))
            v5 = g.op("Unsqueeze", val, g.const([2]))
            s = g.op("MatMul", q5, g.op("Transpose", k5, perm=[0, 1, 2, 4, 3]))
            s = g.op("Add", g.op("Mul", s, g.const(1 / math.sqrt(dh), np.float32)), bias)
            o = g.op("MatMul", g.op("Softmax", s, axis=-1), v5)
            o = g.op("Reshape", o, g.const([0, h, -1, dh]))
        o = g.op("Reshape", g.op("Transpose", o, perm=[0, 2, 1, 3]), g.const([0, 0, d]))
        x = g.op("Add", x, linear(o, p + "wo", p + "bo" if gpt2 else None))
        a = norm(x, p + "ln2", p + "ln2b" if gpt2 else None)
        if gpt2:
            u = linear(a, p + "fc", p + "fcb")
            u = g.op("Mul", g.op("Mul", u, g.const(0.5, np.float32)), g.op("Add", g.const(1.0, np.float32), g.op("Erf", g.op("Mul", u, g.const(1 / math.sqrt(2), np.float32)))))
            x = g.op("Add", x, linear(u, p + "proj", p + "projb"))
        else:
            gate = linear(a, p + "gate")
            act = g.op("Mul", gate, g.op("Sigmoid", gate))
            x = g.op("Add", x, linear(g.op("Mul", act, linear(a, p + "up")), p + "down"))
    x = norm(x, "lnf", "lnfb" if gpt2 else None)
    if keep:  # only the last `logits_to_keep` positions (0: all), as recent exports do
        start = g.op("Neg", g.op("Unsqueeze", "logits_to_keep", g.const([0])))
        x = g.op("Slice", x, start, g.const([2**62]), g.const([1]))
    head = g.op("Transpose", "wte", perm=[1, 0]) if gpt2 else "lm_head"
    g.op("MatMul", x, head, out="logits")

    graph = helper.make_graph(g.nodes, cfg["name"], inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="synth make-test-models")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def repeat_kv(g, t, groups):
    """Hugging Face's `repeat_kv` as torch.onnx exports it: [B, n, T, dh] ->
    [B, n * groups, T, dh] through Unsqueeze/Expand/Reshape, with the shapes
    read from the tensor itself."""
    if groups == 1:
        return t
    shape = g.op("Shape", t)
    b, n, s, dh = (g.op("Unsqueeze", g.op("Gather", shape, g.const(j), axis=0), g.const([0])) for j in range(4))
    expanded = g.op("Expand", g.op("Unsqueeze", t, g.const([2])), g.op("Concat", b, n, g.const([groups]), s, dh, axis=0))
    heads = g.op("Mul", n, g.const([groups]))
    return g.op("Reshape", expanded, g.op("Concat", b, heads, s, dh, axis=0))


def sdpa_attention(g, q, k, v, mask):
    """`F.scaled_dot_product_attention(q, k, v, mask)` as torch.onnx's opset-14
    symbolic writes it: the scale 1/sqrt(head_dim) computed from the query's
    shape, its square root multiplied into both the query and the transposed
    keys."""
    last = g.op("Slice", g.op("Shape", q), g.const([-1]), g.const([2**62]))
    scale = g.op("Div", g.const([1.0], np.float32), g.op("Sqrt", g.op("Cast", last, to=TensorProto.FLOAT)))
    root = g.op("Sqrt", g.op("Cast", scale, to=TensorProto.FLOAT))
    kt = g.op("Transpose", k, perm=[0, 1, 3, 2])
    s = g.op("MatMul", g.op("Mul", q, root), g.op("Mul", kt, root))
    return g.op("MatMul", g.op("Softmax", g.op("Add", s, mask), axis=-1), v)


# --- checks with onnxruntime ------------------------------------------------


def run(sess, cfg, ids, past=None, past_len=0, batch=1):
    names = {i.name for i in sess.get_inputs()}
    ints = np.int32 if sess.get_inputs()[0].type == "tensor(int32)" else np.int64
    n = len(ids[0])
    feed = {
        "input_ids": np.array(ids, dtype=ints),
        "attention_mask": np.ones((batch, past_len + n), dtype=ints),
    }
    if "position_ids" in names:
        feed["position_ids"] = np.tile(np.arange(past_len, past_len + n, dtype=ints), (batch, 1))
    if "logits_to_keep" in names:
        feed["logits_to_keep"] = np.array(0, dtype=np.int64)
    if "use_cache_branch" in names:
        feed["use_cache_branch"] = np.array([past_len > 0])
    for i in sess.get_inputs():
        if i.name.startswith("past_key_values."):
            kvh = cfg["kv_heads"]
            dh = cfg["d"] // cfg["heads"]
            feed[i.name] = past[i.name] if past else np.zeros((batch, kvh, 0, dh), np.float32)
    outs = sess.run(None, feed)
    named = dict(zip([o.name for o in sess.get_outputs()], outs))
    present = {k.replace("present.", "past_key_values."): a for k, a in named.items() if k.startswith("present.")}
    return named["logits"], present


def check(cfg, W, path):
    import onnxruntime as ort

    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    rng = np.random.RandomState(7)
    ids = list(rng.randint(0, cfg["vocab"], size=12))
    full, _ = run(sess, cfg, [ids])
    ref = reference_logits(cfg, W, ids)
    err = np.abs(full[0] - ref).max()
    assert err < 1e-3, f"{path}: ONNX vs NumPy max error {err}"
    cached = "past_key_values.0.key" in {i.name for i in sess.get_inputs()}
    if cached:  # prefill 8, then one token at a time
        logits, past = run(sess, cfg, [ids[:8]])
        steps = [logits[0]]
        for t in range(8, 12):
            logits, past = run(sess, cfg, [[ids[t]]], past, t)
            steps.append(logits[0])
        got = np.concatenate(steps)
        err = np.abs(got - full[0]).max()
        assert err < 1e-4, f"{path}: KV cache vs full recompute max error {err}"
    return err


# --- files -----------------------------------------------------------------


TINY = {"d": 64, "heads": 4, "layers": 2, "ctx": 128, "vocab": 512}
MODELS = {
    "gpt2": dict(TINY, name="gpt2-tiny", arch="gpt2", kv_heads=4, ff=256),
    "llama": dict(TINY, name="llama-tiny", arch="llama", kv_heads=2, ff=128),
}


def hf_config(cfg, tok):
    if cfg["arch"] == "gpt2":
        eos = tok.token_to_id("<|endoftext|>")
        return {
            "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": cfg["vocab"],
            "n_positions": cfg["ctx"], "n_embd": cfg["d"], "n_layer": cfg["layers"], "n_head": cfg["heads"],
            "bos_token_id": eos, "eos_token_id": eos,
        }
    return {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": cfg["vocab"],
        "max_position_embeddings": cfg["ctx"], "hidden_size": cfg["d"], "intermediate_size": cfg["ff"],
        "num_hidden_layers": cfg["layers"], "num_attention_heads": cfg["heads"],
        "num_key_value_heads": cfg["kv_heads"], "rope_theta": 10000.0, "rms_norm_eps": 1e-6,
        "bos_token_id": tok.token_to_id("<s>"), "eos_token_id": tok.token_to_id("</s>"),
    }


SYNTH_MODEL_TOML = """\
# How synth uses this model (see docs/models.md). Everything here is optional.
eos = ["<|endoftext|>"]
context_length = 128
stop = ["\\n\\n\\n"]

[sampling]
temperature = 0.8
top_p = 0.95
max_new_tokens = 48
"""


def write(dirname, cfg, W, tok, subdir="", **kind):
    out = os.path.join(ROOT, "tests", "models", dirname) if not os.path.isabs(dirname) else dirname
    os.makedirs(os.path.join(out, subdir), exist_ok=True)
    model = build_model(cfg, W, **kind)
    path = os.path.join(out, subdir, "model.onnx")
    onnx.save(model, path)
    tok.save(os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(hf_config(cfg, tok), f, indent=2)
        f.write("\n")
    err = check(cfg, W, path)
    size = os.path.getsize(path)
    print(f"{out}: {size / 1e6:.2f} MB, {sum(a.size for a in W.values()):,} parameters, checked (max error {err:.1e})")
    return out


BIGRAM_PROMPT = '''def f(x: int) -> int:
    """Add one to x.

    >>> f(1)
    2
    >>> f(5)
    6
    """
'''
BIGRAM_COMPLETION = "    return x + 1"


def bigram_model(tok):
    """Logits = table[previous token]: the chain prompt → completion → eos."""
    v = TINY["vocab"]
    eos = tok.token_to_id("<|endoftext|>")
    chain = [tok.encode(BIGRAM_PROMPT).ids[-1]] + tok.encode(BIGRAM_COMPLETION).ids + [eos]
    assert tok.decode(chain[1:-1]) == BIGRAM_COMPLETION
    table = np.zeros((v, v), dtype=np.float32)
    for prev, nxt in zip(chain, chain[1:]):
        assert table[prev].max() == 0 or table[prev, nxt] > 0, f"token {prev} has two successors"
        table[prev, nxt] = 20.0
    g = Graph()
    g.const(table, np.float32, name="table")
    ints = lambda name, dims: helper.make_tensor_value_info(name, TensorProto.INT64, dims)  # noqa: E731
    cache = lambda name, dims: helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)  # noqa: E731
    inputs = [
        ints("input_ids", ["batch_size", "sequence_length"]),
        ints("attention_mask", ["batch_size", "total_sequence_length"]),
        ints("position_ids", ["batch_size", "sequence_length"]),
        cache("past_key_values.0.key", ["batch_size", 1, "past_sequence_length", 1]),
        cache("past_key_values.0.value", ["batch_size", 1, "past_sequence_length", 1]),
    ]
    outputs = [
        cache("logits", ["batch_size", "sequence_length", v]),
        cache("present.0.key", ["batch_size", 1, "total_sequence_length", 1]),
        cache("present.0.value", ["batch_size", 1, "total_sequence_length", 1]),
    ]
    g.op("Gather", "table", "input_ids", out="logits")
    new = g.op("Unsqueeze", g.op("Cast", "input_ids", to=TensorProto.FLOAT), g.const([1, 3]))
    g.op("Concat", "past_key_values.0.key", new, axis=2, out="present.0.key")
    g.op("Concat", "past_key_values.0.value", new, axis=2, out="present.0.value")
    graph = helper.make_graph(g.nodes, "bigram", inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="synth make-test-models")
    model.ir_version = 8
    onnx.checker.check_model(model)
    out = os.path.join(ROOT, "tests", "models", "bigram-add-one")
    os.makedirs(out, exist_ok=True)
    onnx.save(model, os.path.join(out, "model.onnx"))
    tok.save(os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"model_type": "bigram", "vocab_size": v, "n_positions": 256, "eos_token_id": eos}, f, indent=2)
        f.write("\n")
    print(f"{out}: chain of {len(chain)} tokens")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", metavar="DIR", help="write the ~5M-parameter benchmark model to DIR instead")
    args = ap.parse_args()

    byte_level = byte_level_tokenizer(TINY["vocab"])
    if args.bench:
        cfg = dict(MODELS["gpt2"], name="gpt2-bench", d=256, heads=8, kv_heads=8, layers=6, ff=1024, ctx=512)
        write(os.path.abspath(args.bench), cfg, make_weights(cfg, 3), byte_level, cache=True)
        return

    gpt2 = MODELS["gpt2"]
    w = make_weights(gpt2, 1)
    out = write("gpt2-tiny", gpt2, w, byte_level, cache=True)
    with open(os.path.join(out, "synth-model.toml"), "w") as f:
        f.write(SYNTH_MODEL_TOML)
    write("gpt2-tiny-nocache", gpt2, w, byte_level, cache=False, position_ids=False)

    # A valid ONNX model that is not a language model, for the error tests.
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])
    identity = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "identity", [x], [y])
    identity = helper.make_model(identity, opset_imports=[helper.make_opsetid("", OPSET)])
    identity.ir_version = 8
    onnx.save(identity, os.path.join(ROOT, "tests", "models", "not-a-decoder.onnx"))

    llama = MODELS["llama"]
    w = make_weights(llama, 2)
    metaspace = metaspace_tokenizer(TINY["vocab"])
    write("llama-tiny", llama, w, metaspace, cache=True)
    write("llama-tiny-merged", llama, w, metaspace, cache=True, merged=True)
    write("llama-tiny-sdpa", llama, w, metaspace, cache=True, sdpa=True)
    write(
        "llama-tiny-int32", llama, w, metaspace, subdir="onnx", cache=True, int32=True, keep=True, symbolic_cache=True
    )
    bigram_model(byte_level)


if __name__ == "__main__":
    sys.exit(main())
