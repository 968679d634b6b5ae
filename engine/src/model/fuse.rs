//! Attention fusion at load time: a rewrite of an exported decoder so its KV
//! cache is appended in place instead of copied whole every step.
//!
//! A standard export (Optimum, or the fixtures' script) makes each layer's
//! `present.{i}.key` with `Concat(past_key_values.{i}.key, new_key)`: every
//! decoding step copies the whole cache into a fresh tensor, O(length) work
//! per token that at batch 32 was 42% of ONNX Runtime's kernel time. This
//! module finds each layer's attention (the `Concat`s, `softmax(Q·Kᵀ·scale +
//! mask)·V` after them) and replaces it with ONNX Runtime's
//! `com.microsoft.GroupQueryAttention`, which reads a cache buffer of fixed
//! capacity and, when the caller binds `present.*` to the same buffer as
//! `past_key_values.*`, writes only the new positions (see the decoder's
//! shared-cache mode). Everything else in the graph is left as it was: the
//! query/key/value projections, rotary embeddings and the output projection
//! stay the exporter's nodes; a few reshapes and transposes convert between
//! the exporter's head layout and the fused op's.
//!
//! The rewrite is pure (bytes in, bytes out) and only pattern-matches
//! structure. Whether the result computes the same function (a causal mask,
//! the scale, the head counts) is established by running both graphs on the
//! same tokens ([`super::decoder`] checks before using it); a model that
//! does not match, or whose fused form disagrees, runs unfused.

use onnx_protobuf::attribute_proto::AttributeType;
use onnx_protobuf::tensor_proto::DataType;
use onnx_protobuf::{
    AttributeProto, GraphProto, Message, ModelProto, NodeProto, OperatorSetIdProto, TensorProto, TypeProto,
    ValueInfoProto, type_proto,
};
use protobuf::{EnumOrUnknown, MessageField};
use std::collections::{HashMap, HashSet};

/// Head counts the fused op is told (from the model's config.json).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Heads {
    /// Query heads.
    pub heads: usize,
    /// Key/value heads (the cache's second dimension).
    pub kv_heads: usize,
    /// Width of one head.
    pub head_dim: usize,
}

/// A fused model.
pub struct Fused {
    /// The rewritten `ModelProto`.
    pub bytes: Vec<u8>,
    /// Layers whose attention was replaced (all of them).
    pub layers: usize,
}

/// Values of tensors computed at run time, by name (see [`Plan::Probe`]).
pub type Probed = HashMap<String, Vec<f32>>;

/// What [`fuse`] made of a model.
#[derive(Debug)]
pub enum Plan {
    /// The rewritten model.
    Fused(Fused),
    /// The attention has the expected form, but some of its factors are
    /// computed in the graph (torch.onnx computes the scale from the query's
    /// shape): run [`probe_model`] with these names and call again with
    /// their values.
    Probe(Vec<String>),
}

/// Names of what this module adds to a graph.
const PREFIX: &str = "synth_fuse/";

fn parse(bytes: &[u8]) -> Result<ModelProto, String> {
    ModelProto::parse_from_bytes(bytes).map_err(|e| format!("not a readable ONNX model: {e}"))
}

/// Rewrites every layer's attention of the model in `bytes`; `Err` says why
/// the model does not have the expected form. `probed`: values a
/// [`probe_model`] run gave for the names an earlier call asked for. The
/// bytes are dropped once parsed: a model is held at most twice (parsed and
/// written).
pub fn fuse(bytes: Vec<u8>, heads: Heads, probed: &Probed) -> Result<Plan, String> {
    let mut model = parse(&bytes)?;
    drop(bytes);
    let opset =
        model.opset_import.iter().find(|o| o.domain.is_empty() || o.domain == "ai.onnx").map_or(0, |o| o.version);
    if opset < 13 {
        return Err(format!("opset {opset}; fusion needs 13 or later"));
    }
    let graph = model.graph.as_mut().ok_or("the model has no graph")?;
    let layers = match fuse_graph(graph, heads, probed)? {
        Ok(layers) => layers,
        Err(wanted) => return Ok(Plan::Probe(wanted)),
    };
    if !model.opset_import.iter().any(|o| o.domain == "com.microsoft") {
        model.opset_import.push(OperatorSetIdProto {
            domain: "com.microsoft".into(),
            version: 1,
            ..Default::default()
        });
    }
    let bytes = model.write_to_bytes().map_err(|e| format!("cannot write the fused model: {e}"))?;
    Ok(Plan::Fused(Fused { bytes, layers }))
}

/// The model in `bytes` with the float tensors `names` as extra outputs.
pub fn probe_model(bytes: Vec<u8>, names: &[String]) -> Result<Vec<u8>, String> {
    let mut model = parse(&bytes)?;
    drop(bytes);
    let graph = model.graph.as_mut().ok_or("the model has no graph")?;
    for name in names {
        let tensor = type_proto::Tensor { elem_type: DataType::FLOAT as i32, ..Default::default() };
        let ty = TypeProto { value: Some(type_proto::Value::TensorType(tensor)), ..Default::default() };
        graph.output.push(ValueInfoProto { name: name.clone(), type_: MessageField::some(ty), ..Default::default() });
    }
    model.write_to_bytes().map_err(|e| format!("cannot write the probe model: {e}"))
}

/// One layer's attention as found in the graph.
struct Attention {
    /// Nodes the fused op replaces.
    remove: Vec<usize>,
    /// The new positions' keys and values, `[batch, kv_heads, seq, head_dim]`.
    new_key: String,
    new_value: String,
    /// The query as the score product reads it (`[batch, heads, seq, head_dim]`,
    /// or with the heads split in groups), before any scaling.
    query: String,
    /// `softmax(..)·V`, in the same layout as `query`.
    output: String,
    /// The product of every constant factor on the scores.
    scale: f64,
}

/// The graph with its def-use maps.
struct Index<'g> {
    graph: &'g GraphProto,
    producer: HashMap<&'g str, usize>,
    consumers: HashMap<&'g str, Vec<usize>>,
    outputs: HashSet<&'g str>,
    probed: &'g Probed,
}

impl<'g> Index<'g> {
    fn new(graph: &'g GraphProto, probed: &'g Probed) -> Index<'g> {
        let mut producer = HashMap::new();
        let mut consumers: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, node) in graph.node.iter().enumerate() {
            for o in &node.output {
                producer.insert(o.as_str(), i);
            }
            for x in &node.input {
                let users = consumers.entry(x.as_str()).or_default();
                if users.last() != Some(&i) {
                    users.push(i);
                }
            }
        }
        let outputs = graph.output.iter().map(|o| o.name.as_str()).collect();
        Index { graph, producer, consumers, outputs, probed }
    }

    fn node(&self, i: usize) -> &'g NodeProto {
        &self.graph.node[i]
    }

    /// The one node that reads `tensor`'s values (nodes that read only its
    /// shape aside; they die with the attention or the rewrite is refused).
    fn value_reader(&self, tensor: &str) -> Result<usize, String> {
        let mut users = self.consumers.get(tensor).into_iter().flatten().filter(|&&i| self.node(i).op_type != "Shape");
        match (users.next(), users.next()) {
            (Some(&one), None) => Ok(one),
            _ => Err(format!("`{tensor}` is read by more than the attention")),
        }
    }

    /// [`Index::value_reader`] of a tensor that is not a graph output either.
    fn only_user(&self, tensor: &str) -> Result<usize, String> {
        if self.outputs.contains(tensor) {
            return Err(format!("`{tensor}` is a graph output"));
        }
        self.value_reader(tensor)
    }

    /// The value of a one-element float constant (an initializer or a
    /// `Constant` node).
    fn constant(&self, name: &str) -> Option<f64> {
        if let Some(t) = self.graph.initializer.iter().find(|t| t.name == name) {
            return tensor_scalar(t);
        }
        let node = self.node(*self.producer.get(name)?);
        if node.op_type != "Constant" {
            return None;
        }
        let a = node.attribute.first()?;
        match a.name.as_str() {
            "value" => tensor_scalar(a.t.as_ref()?),
            "value_float" => Some(f64::from(a.f)),
            _ => None,
        }
    }

    /// Whether `name` is known to hold one value (a constant or a probed scalar).
    fn known_scalar(&self, name: &str) -> bool {
        self.constant(name).is_some() || self.probed.get(name).is_some_and(|v| v.len() == 1)
    }

    /// The one value of `name`: a constant, or what a probe found. A tensor
    /// not probed yet is `wanted` (and taken as 1 until it is).
    fn value(&self, name: &str, wanted: &mut Vec<String>) -> Option<f64> {
        if let Some(c) = self.constant(name) {
            return Some(c);
        }
        match self.probed.get(name).map(Vec::as_slice) {
            Some(&[v]) => Some(f64::from(v)),
            Some(_) => None,
            None => {
                wanted.push(name.to_string());
                Some(1.0)
            }
        }
    }

    /// The factor a `Mul`/`Div` node applies to `data` when its other operand
    /// holds one value.
    fn factor(&self, node: &NodeProto, data: &str, wanted: &mut Vec<String>) -> Option<f64> {
        if node.input.len() != 2 {
            return None;
        }
        let (this, other) = if node.input[0] == data { (0, 1) } else { (1, 0) };
        if node.input[this] != data {
            return None;
        }
        let c = self.value(&node.input[other], wanted)?;
        match node.op_type.as_str() {
            "Mul" => Some(c),
            "Div" if this == 0 && c != 0.0 => Some(1.0 / c),
            _ => None,
        }
    }

    /// Follows the cache tensor `start` (`present.{i}.key` or `.value`)
    /// through layout operations and scalings to the `MatMul` that reads it
    /// as its second input.
    fn follow_cache(&self, start: &str, attn: &mut Attention, wanted: &mut Vec<String>) -> Result<usize, String> {
        let mut t = start;
        loop {
            // The cache itself is a graph output; what it turns into must not be.
            let i = if t == start { self.value_reader(t)? } else { self.only_user(t)? };
            let node = self.node(i);
            match node.op_type.as_str() {
                "Transpose" | "Unsqueeze" | "Reshape" | "Expand" | "Squeeze" | "Identity" if node.input[0] == t => {}
                "Mul" | "Div" => attn.scale *= self.factor(node, t, wanted).ok_or_else(|| unexpected(node))?,
                "MatMul" if node.input.get(1).is_some_and(|x| x == t) => {
                    attn.remove.push(i);
                    return Ok(i);
                }
                _ => return Err(unexpected(node)),
            }
            attn.remove.push(i);
            t = node.output.first().ok_or_else(|| unexpected(node))?;
        }
    }

    /// The query side of Q·Kᵀ with its scalings peeled off (into `attn`).
    fn query(&self, mut q: &'g str, attn: &mut Attention, wanted: &mut Vec<String>) -> &'g str {
        while let Some(&p) = self.producer.get(q) {
            let node = self.node(p);
            if !matches!(node.op_type.as_str(), "Mul" | "Div") || node.input.len() != 2 || self.only_user(q).is_err() {
                break;
            }
            let (a, b) = (node.input[0].as_str(), node.input[1].as_str());
            let data = match (self.known_scalar(a), self.known_scalar(b)) {
                (false, true) => a,
                (true, false) => b,
                (true, true) => break,
                (false, false) => {
                    // Either could be the factor (torch.onnx multiplies the
                    // query by a scale computed from its shape): a probe says.
                    wanted.extend([a, b].iter().filter(|x| !self.probed.contains_key(**x)).map(|x| x.to_string()));
                    break;
                }
            };
            match self.factor(node, data, wanted) {
                Some(f) => {
                    attn.scale *= f;
                    attn.remove.push(p);
                    q = data;
                }
                None => break,
            }
        }
        q
    }

    /// Layer `layer`'s attention, from its two cache `Concat`s.
    fn attention(&self, layer: usize, wanted: &mut Vec<String>) -> Result<Attention, String> {
        let mut attn = Attention {
            remove: Vec::new(),
            new_key: String::new(),
            new_value: String::new(),
            query: String::new(),
            output: String::new(),
            scale: 1.0,
        };
        let mut scores_into = 0;
        let mut values_into = 0;
        for kind in ["key", "value"] {
            let present = format!("present.{layer}.{kind}");
            let past = format!("past_key_values.{layer}.{kind}");
            let concat = *self.producer.get(present.as_str()).ok_or_else(|| format!("no node makes `{present}`"))?;
            let node = self.node(concat);
            let axis = attr_int(node, "axis");
            if node.op_type != "Concat"
                || node.input.len() != 2
                || node.input[0] != past
                || !matches!(axis, Some(2 | -2))
            {
                return Err(format!("`{present}` is not Concat(`{past}`, new, axis=2)"));
            }
            attn.remove.push(concat);
            let matmul = self.follow_cache(&present, &mut attn, wanted)?;
            if kind == "key" {
                attn.new_key = node.input[1].clone();
                scores_into = matmul;
            } else {
                attn.new_value = node.input[1].clone();
                values_into = matmul;
            }
        }
        attn.query = self.query(&self.node(scores_into).input[0], &mut attn, wanted).to_string();
        // Q·Kᵀ → scalings, the mask → Softmax → ·V.
        let mut t = self.node(scores_into).output[0].as_str();
        let mut softmax = false;
        loop {
            let i = self.only_user(t)?;
            let node = self.node(i);
            match node.op_type.as_str() {
                "Mul" | "Div" if !softmax => {
                    attn.scale *= self.factor(node, t, wanted).ok_or_else(|| unexpected(node))?
                }
                "Add" if !softmax && node.input.len() == 2 => {}
                "Where" if !softmax && node.input.len() == 3 && node.input[0] != t => {}
                "Cast" => {}
                "Softmax" if !softmax && attr_int(node, "axis").is_none_or(|a| a == -1 || a >= 3) => softmax = true,
                "MatMul" if softmax && i == values_into && node.input[0] == t => break,
                _ => return Err(unexpected(node)),
            }
            attn.remove.push(i);
            t = node.output.first().ok_or_else(|| unexpected(node))?;
        }
        attn.output = self.node(values_into).output[0].clone();
        if attn.query.is_empty() || !attn.scale.is_finite() || attn.scale <= 0.0 {
            return Err("no query or no usable scale".into());
        }
        Ok(attn)
    }
}

impl std::fmt::Debug for Fused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fused {{ {} bytes, {} layers }}", self.bytes.len(), self.layers)
    }
}

fn unexpected(node: &NodeProto) -> String {
    format!("unexpected {} node `{}` in the attention", node.op_type, node.name)
}

fn attr_int(node: &NodeProto, name: &str) -> Option<i64> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.i)
}

/// A one-element float or double tensor's value.
fn tensor_scalar(t: &TensorProto) -> Option<f64> {
    if t.dims.iter().product::<i64>() != 1 || !t.external_data.is_empty() {
        return None;
    }
    match <DataType as protobuf::Enum>::from_i32(t.data_type)? {
        DataType::FLOAT => match (t.float_data.first(), t.raw_data.get(..4)) {
            (Some(&f), _) => Some(f64::from(f)),
            (None, Some(raw)) => Some(f64::from(f32::from_le_bytes(raw.try_into().ok()?))),
            _ => None,
        },
        DataType::DOUBLE => match (t.double_data.first(), t.raw_data.get(..8)) {
            (Some(&f), _) => Some(f),
            (None, Some(raw)) => Some(f64::from_le_bytes(raw.try_into().ok()?)),
            _ => None,
        },
        _ => None,
    }
}

/// Rewrites `graph`; `Ok(Err(names))` when tensors must be probed first.
fn fuse_graph(graph: &mut GraphProto, heads: Heads, probed: &Probed) -> Result<Result<usize, Vec<String>>, String> {
    if graph.node.iter().any(|n| n.attribute.iter().any(|a| a.g.is_some() || !a.graphs.is_empty())) {
        return Err("the graph has control flow (subgraphs)".into());
    }
    if !graph.input.iter().any(|i| i.name == "attention_mask") {
        return Err("no attention_mask input".into());
    }
    let layers = (0..).take_while(|l| graph.input.iter().any(|i| i.name == format!("past_key_values.{l}.key"))).count();
    if layers == 0 {
        return Err("no past_key_values inputs (a model without a cache)".into());
    }
    let index = Index::new(graph, probed);
    let mut wanted = Vec::new();
    let found = (0..layers)
        .map(|l| index.attention(l, &mut wanted).map_err(|e| format!("layer {l}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    if !wanted.is_empty() {
        wanted.sort();
        wanted.dedup();
        return Ok(Err(wanted));
    }
    let removed: HashSet<usize> = found.iter().flat_map(|a| a.remove.iter().copied()).collect();

    let (h, kv, d) = (heads.heads as i64, heads.kv_heads as i64, heads.head_dim as i64);
    let name = |s: &str| format!("{PREFIX}{s}");
    let mut added = vec![
        ints_tensor(&name("query_heads"), &[0, h, -1, d]),
        ints_tensor(&name("flat_heads"), &[0, 0, -1]),
        ints_tensor(&name("split_heads"), &[0, 0, h, d]),
        ints_tensor(&name("axis1"), &[1]),
        TensorProto { name: name("one"), data_type: DataType::INT32 as i32, int32_data: vec![1], ..Default::default() },
        TensorProto {
            name: name("index1"),
            data_type: DataType::INT64 as i32,
            int64_data: vec![1],
            ..Default::default()
        },
    ];
    graph.initializer.append(&mut added);
    // Per row, the keys seen minus one, and the total length, from the mask.
    let mut nodes = vec![
        node("Cast", &["attention_mask"], &[&name("mask32")], vec![int_attr("to", DataType::INT32 as i64)]),
        node("ReduceSum", &[&name("mask32"), &name("axis1")], &[&name("mask_sum")], vec![int_attr("keepdims", 0)]),
        node("Sub", &[&name("mask_sum"), &name("one")], &[&name("seqlens_k")], vec![]),
        node("Shape", &["attention_mask"], &[&name("mask_shape")], vec![]),
        node("Gather", &[&name("mask_shape"), &name("index1")], &[&name("total64")], vec![int_attr("axis", 0)]),
        node("Cast", &[&name("total64")], &[&name("total")], vec![int_attr("to", DataType::INT32 as i64)]),
    ];
    for (l, a) in found.iter().enumerate() {
        let t = |s: &str| name(&format!("{l}/{s}"));
        let perm = || vec![ints_attr("perm", &[0, 2, 1, 3])];
        nodes.extend([
            node("Reshape", &[&a.query, &name("query_heads")], &[&t("q4")], vec![]),
            node("Transpose", &[&t("q4")], &[&t("qt")], perm()),
            node("Reshape", &[&t("qt"), &name("flat_heads")], &[&t("q")], vec![]),
            node("Transpose", &[&a.new_key], &[&t("kt")], perm()),
            node("Reshape", &[&t("kt"), &name("flat_heads")], &[&t("k")], vec![]),
            node("Transpose", &[&a.new_value], &[&t("vt")], perm()),
            node("Reshape", &[&t("vt"), &name("flat_heads")], &[&t("v")], vec![]),
        ]);
        let mut gqa = node(
            "GroupQueryAttention",
            &[
                &t("q"),
                &t("k"),
                &t("v"),
                &format!("past_key_values.{l}.key"),
                &format!("past_key_values.{l}.value"),
                &name("seqlens_k"),
                &name("total"),
            ],
            &[&t("o"), &format!("present.{l}.key"), &format!("present.{l}.value")],
            vec![int_attr("num_heads", h), int_attr("kv_num_heads", kv), float_attr("scale", a.scale as f32)],
        );
        gqa.domain = "com.microsoft".into();
        nodes.push(gqa);
        nodes.extend([
            node("Reshape", &[&t("o"), &name("split_heads")], &[&t("o4")], vec![]),
            node("Transpose", &[&t("o4")], &[&t("ot")], perm()),
            node("Shape", &[&a.query], &[&t("query_shape")], vec![]),
            node("Reshape", &[&t("ot"), &t("query_shape")], &[&a.output], vec![]),
        ]);
    }
    let kept: Vec<NodeProto> = std::mem::take(&mut graph.node)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !removed.contains(i))
        .map(|(_, n)| n)
        .chain(nodes)
        .collect();
    graph.node = sorted_live(graph, kept)?;
    // A node still reading the cache would see the buffer's capacity, not
    // its length: only the fused ops may touch it.
    if let Some(n) = graph.node.iter().find(|n| {
        n.op_type != "GroupQueryAttention"
            && n.input.iter().any(|x| x.starts_with("past_key_values.") || x.starts_with("present."))
    }) {
        return Err(format!("{} node `{}` reads the cache outside the attention", n.op_type, n.name));
    }
    // Shapes recorded for tensors that no longer exist would only confuse.
    let made: HashSet<String> = graph.node.iter().flat_map(|n| n.output.iter().cloned()).collect();
    graph.value_info.retain(|v| made.contains(&v.name));
    let used: HashSet<String> = graph.node.iter().flat_map(|n| n.input.iter().cloned()).collect();
    graph.initializer.retain(|t| used.contains(&t.name) || graph.output.iter().any(|o| o.name == t.name));
    Ok(Ok(layers))
}

/// The nodes the graph's outputs need, in an order where every input is
/// made before it is read.
fn sorted_live(graph: &GraphProto, nodes: Vec<NodeProto>) -> Result<Vec<NodeProto>, String> {
    let producer: HashMap<&str, usize> =
        nodes.iter().enumerate().flat_map(|(i, n)| n.output.iter().map(move |o| (o.as_str(), i))).collect();
    let mut live = vec![false; nodes.len()];
    let mut stack: Vec<&str> = graph.output.iter().map(|o| o.name.as_str()).collect();
    while let Some(t) = stack.pop() {
        if let Some(&i) = producer.get(t)
            && !live[i]
        {
            live[i] = true;
            stack.extend(nodes[i].input.iter().map(String::as_str));
        }
    }
    let mut ready: HashSet<&str> = graph.input.iter().map(|i| i.name.as_str()).collect();
    ready.extend(graph.initializer.iter().map(|t| t.name.as_str()));
    ready.insert("");
    let mut pending: Vec<usize> = (0..nodes.len()).filter(|&i| live[i]).collect();
    let mut order = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|&i| {
            if nodes[i].input.iter().all(|x| ready.contains(x.as_str())) {
                ready.extend(nodes[i].output.iter().map(String::as_str));
                order.push(i);
                false
            } else {
                true
            }
        });
        if pending.len() == before {
            return Err("the rewritten graph has a cycle or an undefined input".into());
        }
    }
    let mut slots: Vec<Option<NodeProto>> = nodes.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

fn node(op: &str, inputs: &[&str], outputs: &[&str], attribute: Vec<AttributeProto>) -> NodeProto {
    NodeProto {
        op_type: op.into(),
        name: format!("{PREFIX}{}", outputs.first().copied().unwrap_or(op).trim_start_matches(PREFIX)),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: outputs.iter().map(|s| s.to_string()).collect(),
        attribute,
        ..Default::default()
    }
}

fn int_attr(name: &str, i: i64) -> AttributeProto {
    AttributeProto { name: name.into(), type_: EnumOrUnknown::new(AttributeType::INT), i, ..Default::default() }
}

fn ints_attr(name: &str, ints: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        type_: EnumOrUnknown::new(AttributeType::INTS),
        ints: ints.to_vec(),
        ..Default::default()
    }
}

fn float_attr(name: &str, f: f32) -> AttributeProto {
    AttributeProto { name: name.into(), type_: EnumOrUnknown::new(AttributeType::FLOAT), f, ..Default::default() }
}

fn ints_tensor(name: &str, values: &[i64]) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: vec![values.len() as i64],
        data_type: DataType::INT64 as i32,
        int64_data: values.to_vec(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture(name: &str) -> Vec<u8> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/models").join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn ops(bytes: &[u8]) -> Vec<String> {
        let model = ModelProto::parse_from_bytes(bytes).unwrap();
        model.graph.node.iter().map(|n| n.op_type.clone()).collect()
    }

    #[test]
    fn every_layer_of_the_fixtures_is_fused() {
        for (dir, heads) in [
            ("gpt2-tiny", Heads { heads: 4, kv_heads: 4, head_dim: 16 }),
            ("llama-tiny", Heads { heads: 4, kv_heads: 2, head_dim: 16 }),
        ] {
            let Plan::Fused(fused) = fuse(fixture(&format!("{dir}/model.onnx")), heads, &Probed::new()).unwrap() else {
                panic!("{dir}: constant scales need no probe")
            };
            assert_eq!(fused.layers, 2, "{dir}");
            let ops = ops(&fused.bytes);
            assert_eq!(ops.iter().filter(|o| *o == "GroupQueryAttention").count(), 2, "{dir}");
            assert!(!ops.iter().any(|o| o == "Softmax"), "{dir}: {ops:?}");
        }
    }

    #[test]
    fn the_scale_is_the_product_of_the_constant_factors() {
        let bytes = fixture("gpt2-tiny/model.onnx");
        let Plan::Fused(fused) = fuse(bytes, Heads { heads: 4, kv_heads: 4, head_dim: 16 }, &Probed::new()).unwrap()
        else {
            panic!("a constant scale needs no probe")
        };
        let model = ModelProto::parse_from_bytes(&fused.bytes).unwrap();
        let gqa = model.graph.node.iter().find(|n| n.op_type == "GroupQueryAttention").unwrap();
        let scale = gqa.attribute.iter().find(|a| a.name == "scale").unwrap().f;
        assert!((scale - 0.25).abs() < 1e-6, "1/sqrt(16), got {scale}");
    }

    #[test]
    fn a_scale_computed_in_the_graph_is_probed() {
        // torch.onnx's form: sqrt(1/sqrt(head_dim)) from the query's shape,
        // multiplied into the query and the keys.
        let bytes = fixture("llama-tiny-sdpa/model.onnx");
        let heads = Heads { heads: 4, kv_heads: 2, head_dim: 16 };
        let Plan::Probe(names) = fuse(bytes.clone(), heads, &Probed::new()).unwrap() else {
            panic!("the scale is not a constant")
        };
        // Per layer: the factor (one tensor multiplies both the keys and the
        // query) and the query's other operand (which of the two is the scale
        // only the values say).
        assert_eq!(names.len(), 4, "{names:?}");
        // What a probe run finds: the factors hold one value, the queries many.
        let root = 0.25f32.sqrt();
        let probed: Probed =
            names.iter().map(|n| (n.clone(), if n.starts_with("sqrt") { vec![root] } else { vec![0.0; 64] })).collect();
        let Plan::Fused(fused) = fuse(bytes, heads, &probed).unwrap() else { panic!("still probing") };
        assert_eq!(fused.layers, 2);
        let model = ModelProto::parse_from_bytes(&fused.bytes).unwrap();
        for gqa in model.graph.node.iter().filter(|n| n.op_type == "GroupQueryAttention") {
            let scale = gqa.attribute.iter().find(|a| a.name == "scale").unwrap().f;
            assert!((scale - 0.25).abs() < 1e-6, "sqrt(0.25)^2, got {scale}");
        }
        // Nothing of the shape arithmetic on the cache is left.
        assert!(!model.graph.node.iter().any(|n| n.op_type == "Expand"));
    }

    #[test]
    fn models_without_the_pattern_are_refused_with_a_reason() {
        let heads = Heads { heads: 4, kv_heads: 4, head_dim: 16 };
        let none = Probed::new();
        let err = fuse(fixture("gpt2-tiny-nocache/model.onnx"), heads, &none).unwrap_err();
        assert!(err.contains("without a cache"), "{err}");
        assert!(fuse(fixture("not-a-decoder.onnx"), heads, &none).is_err());
        assert!(fuse(b"not a model".to_vec(), heads, &none).unwrap_err().contains("not a readable ONNX model"));
    }
}
