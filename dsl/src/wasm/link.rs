//! Merges the precompiled runtime module (C compiled to wasm32 by clang, see
//! `dsl/runtime/`) with generated code into one self-contained module.
//!
//! The runtime is parsed once per process ([`Runtime::get`]): its sections,
//! its function bodies and their call graph. Each generated module then
//! keeps only the functions it can reach from its exports and the runtime's
//! indirect-call table, runtime and generated alike, and only the function
//! types those name: a candidate that uses no strings does not carry, or
//! compile, the string library, and wasmtime (which compiles every function
//! and a trampoline per type, even from its cache) does no work for unused ones.
//! Generated code refers to runtime functions by their index in the runtime
//! and to its own functions as `runtime_len + i`; [`Linker::finish`]
//! renumbers both. The runtime's globals and types keep their indices;
//! generated ones are appended after them.

use std::collections::HashMap;
use std::sync::OnceLock;
use wasm_encoder::reencode::{Error as ReencodeError, Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, ConstExpr, DataSection, ElementSection, ExportKind, ExportSection, Function, FunctionSection,
    GlobalSection, GlobalType, Instruction, MemorySection, MemoryType, Module, TableSection, TypeSection, ValType,
};
use wasmparser::{ElementSectionReader, FunctionBody, Operator, Parser, Payload};

/// A problem with the runtime module (a build problem, not a user error).
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The runtime bytes do not parse or re-encode.
    #[error("bad runtime module: {0}")]
    Runtime(String),
}

fn bad(e: impl std::fmt::Display) -> LinkError {
    LinkError::Runtime(e.to_string())
}

/// A function type: parameters and results.
type Signature = (Vec<ValType>, Vec<ValType>);

/// A runtime function's body, decoded and metered once.
struct MeteredBody {
    /// Local declarations (count, type).
    locals: Vec<(u32, ValType)>,
    /// The instructions, without the final `end`.
    code: Vec<Instruction<'static>>,
}

/// The parsed runtime, shared by every compilation.
pub struct Runtime {
    /// The runtime's function types (clang emits nothing else).
    types: Vec<Signature>,
    func_types: Vec<u32>,
    bodies: Vec<FunctionBody<'static>>,
    /// Each function's locals and code with the budget checks of
    /// `meter::instrument` (decoded once; calls and types in runtime numbering).
    metered: Vec<MeteredBody>,
    /// Direct callees of each runtime function.
    callees: Vec<Vec<u32>>,
    /// Type indices each runtime function's code names (`call_indirect`, block types).
    body_types: Vec<Vec<u32>>,
    tables: TableSection,
    memory: MemoryType,
    globals: GlobalSection,
    n_globals: u32,
    elements: Option<ElementSectionReader<'static>>,
    /// Functions in the indirect-call table: always kept.
    table_funcs: Vec<u32>,
    data: DataSection,
    funcs: HashMap<String, u32>,
    /// Function names from the runtime's name section (for profilers).
    names: HashMap<u32, String>,
    /// Exported i32 globals' values (data symbols' addresses, `__heap_base`).
    addresses: HashMap<String, u32>,
}

impl Runtime {
    /// The runtime linked into every module (parsed on first use).
    pub fn get() -> Result<&'static Runtime, LinkError> {
        static RT: OnceLock<Result<Runtime, String>> = OnceLock::new();
        RT.get_or_init(|| Runtime::parse(super::RUNTIME_WASM).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| LinkError::Runtime(e.clone()))
    }

    fn parse(bytes: &'static [u8]) -> Result<Runtime, LinkError> {
        let mut re = RoundtripReencoder;
        let mut rt = Runtime {
            types: Vec::new(),
            func_types: Vec::new(),
            bodies: Vec::new(),
            metered: Vec::new(),
            callees: Vec::new(),
            body_types: Vec::new(),
            tables: TableSection::new(),
            memory: MemoryType { minimum: 1, maximum: None, memory64: false, shared: false, page_size_log2: None },
            globals: GlobalSection::new(),
            n_globals: 0,
            elements: None,
            table_funcs: Vec::new(),
            data: DataSection::new(),
            funcs: HashMap::new(),
            names: HashMap::new(),
            addresses: HashMap::new(),
        };
        let mut global_values = Vec::new();
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.map_err(bad)? {
                Payload::TypeSection(s) => {
                    for ty in s.into_iter_err_on_gc_types() {
                        let ty = ty.map_err(bad)?;
                        let mut vals = |ts: &[wasmparser::ValType]| -> Result<Vec<ValType>, LinkError> {
                            ts.iter().map(|t| re.val_type(*t).map_err(bad)).collect()
                        };
                        rt.types.push((vals(ty.params())?, vals(ty.results())?));
                    }
                }
                Payload::ImportSection(s) if s.count() > 0 => {
                    return Err(LinkError::Runtime("the runtime must not import anything".into()));
                }
                Payload::FunctionSection(s) => {
                    for t in s {
                        rt.func_types.push(t.map_err(bad)?);
                    }
                }
                Payload::TableSection(s) => re.parse_table_section(&mut rt.tables, s).map_err(bad)?,
                Payload::MemorySection(s) => {
                    for m in s {
                        rt.memory = re.memory_type(m.map_err(bad)?).map_err(bad)?;
                    }
                }
                Payload::GlobalSection(s) => {
                    rt.n_globals = s.count();
                    for g in s.clone() {
                        let g = g.map_err(bad)?;
                        let value = match g.init_expr.get_operators_reader().read().map_err(bad)? {
                            Operator::I32Const { value } => Some(value as u32),
                            _ => None,
                        };
                        global_values.push(value);
                    }
                    re.parse_global_section(&mut rt.globals, s).map_err(bad)?;
                }
                Payload::ExportSection(s) => {
                    for export in s {
                        let export = export.map_err(bad)?;
                        match export.kind {
                            wasmparser::ExternalKind::Func => {
                                rt.funcs.insert(export.name.to_string(), export.index);
                            }
                            wasmparser::ExternalKind::Global => {
                                if let Some(Some(v)) = global_values.get(export.index as usize) {
                                    rt.addresses.insert(export.name.to_string(), *v);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Payload::ElementSection(s) => {
                    for e in s.clone() {
                        if let wasmparser::ElementItems::Functions(fs) = e.map_err(bad)?.items {
                            for f in fs {
                                rt.table_funcs.push(f.map_err(bad)?);
                            }
                        }
                    }
                    rt.elements = Some(s);
                }
                Payload::CodeSectionEntry(body) => {
                    let mut calls = Vec::new();
                    let mut types = Vec::new();
                    let mut ops = body.get_operators_reader().map_err(bad)?;
                    while !ops.eof() {
                        match ops.read().map_err(bad)? {
                            Operator::Call { function_index } | Operator::RefFunc { function_index } => {
                                calls.push(function_index)
                            }
                            Operator::ReturnCall { function_index } => calls.push(function_index),
                            Operator::CallIndirect { type_index, .. }
                            | Operator::ReturnCallIndirect { type_index, .. }
                            | Operator::Block { blockty: wasmparser::BlockType::FuncType(type_index) }
                            | Operator::Loop { blockty: wasmparser::BlockType::FuncType(type_index) }
                            | Operator::If { blockty: wasmparser::BlockType::FuncType(type_index) } => {
                                types.push(type_index)
                            }
                            _ => {}
                        }
                    }
                    let mut locals = Vec::new();
                    for pair in body.get_locals_reader().map_err(bad)? {
                        let (n, ty) = pair.map_err(bad)?;
                        locals.push((n, re.val_type(ty).map_err(bad)?));
                    }
                    let mut code = Vec::new();
                    let mut ops = body.get_operators_reader().map_err(bad)?;
                    while !ops.eof() {
                        code.push(re.parse_instruction(&mut ops).map_err(bad)?);
                    }
                    // The body's final `end` closes the function, not a construct.
                    code.pop();
                    rt.metered.push(MeteredBody { locals, code: super::meter::instrument(&code, false) });
                    rt.callees.push(calls);
                    rt.body_types.push(types);
                    rt.bodies.push(body);
                }
                Payload::DataSection(s) => {
                    // The metering cell lives below the runtime's data.
                    for d in s.clone() {
                        if let wasmparser::DataKind::Active { offset_expr, .. } = d.map_err(bad)?.kind {
                            match offset_expr.get_operators_reader().read().map_err(bad)? {
                                Operator::I32Const { value } if value as u32 >= super::meter::METER_END => {}
                                _ => return Err(LinkError::Runtime("runtime data overlaps the metering cell".into())),
                            }
                        }
                    }
                    re.parse_data_section(&mut rt.data, s).map_err(bad)?
                }
                Payload::CustomSection(c) => {
                    if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                        for n in names.into_iter().flatten() {
                            if let wasmparser::Name::Function(map) = n {
                                for naming in map.into_iter().flatten() {
                                    rt.names.insert(naming.index, naming.name.to_string());
                                }
                            }
                        }
                    }
                }
                Payload::StartSection { .. } => {
                    return Err(LinkError::Runtime("the runtime must not have a start function".into()));
                }
                _ => {}
            }
        }
        // wasm-ld wraps each exported function of a WASI module in a thunk
        // that calls it and then the (empty) destructors; call the function
        // itself instead: `local.get 0..k; call f; call dtors; end`.
        for index in rt.funcs.values_mut() {
            if let Some(inner) = rt.bodies.get(*index as usize).and_then(unwrap_thunk)
                && rt.func_types.get(inner as usize) == rt.func_types.get(*index as usize)
            {
                *index = inner;
            }
        }
        Ok(rt)
    }

    /// How many functions the runtime defines (generated function `i` is `len() + i`).
    pub fn len(&self) -> u32 {
        self.bodies.len() as u32
    }

    /// Is the runtime empty? (Never, for a real one.)
    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }

    /// The index of a runtime function exported under `name`.
    pub fn func(&self, name: &str) -> Result<u32, LinkError> {
        self.funcs.get(name).copied().ok_or_else(|| LinkError::Runtime(format!("the runtime has no function `{name}`")))
    }

    /// The value of an exported i32 global (the address of a data symbol such as `rt_site`).
    pub fn address(&self, name: &str) -> Result<u32, LinkError> {
        self.addresses.get(name).copied().ok_or_else(|| LinkError::Runtime(format!("the runtime exports no `{name}`")))
    }
}

/// The function a linker-made export thunk calls, if `body` is one.
fn unwrap_thunk(body: &FunctionBody<'static>) -> Option<u32> {
    let mut ops = body.get_operators_reader().ok()?;
    let mut next_local = 0;
    let mut calls = Vec::new();
    while !ops.eof() {
        match ops.read().ok()? {
            Operator::LocalGet { local_index } if calls.is_empty() && local_index == next_local => next_local += 1,
            Operator::Call { function_index } => calls.push(function_index),
            Operator::End if calls.len() == 2 => return Some(calls[0]),
            _ => return None,
        }
    }
    None
}

/// An instruction (runtime or generated, in pre-link numbering) with its
/// function and type indices renumbered.
fn renumbered(ins: &Instruction<'static>, funcs: &[u32], types: &[u32]) -> Instruction<'static> {
    use wasm_encoder::BlockType;
    let f = |i: &u32| funcs.get(*i as usize).copied().unwrap_or(u32::MAX);
    let t = |i: &u32| types.get(*i as usize).copied().unwrap_or(u32::MAX);
    let bt = |b: &BlockType| match b {
        BlockType::FunctionType(i) => BlockType::FunctionType(t(i)),
        other => *other,
    };
    match ins {
        Instruction::Call(i) => Instruction::Call(f(i)),
        Instruction::ReturnCall(i) => Instruction::ReturnCall(f(i)),
        Instruction::RefFunc(i) => Instruction::RefFunc(f(i)),
        Instruction::CallIndirect { type_index, table_index } => {
            Instruction::CallIndirect { type_index: t(type_index), table_index: *table_index }
        }
        Instruction::ReturnCallIndirect { type_index, table_index } => {
            Instruction::ReturnCallIndirect { type_index: t(type_index), table_index: *table_index }
        }
        Instruction::Block(b) => Instruction::Block(bt(b)),
        Instruction::Loop(b) => Instruction::Loop(bt(b)),
        Instruction::If(b) => Instruction::If(bt(b)),
        other => other.clone(),
    }
}

/// A generated function: its type index, its extra locals and its code
/// (calls use the pre-link numbering described in the module docs).
pub struct GenFunction {
    /// Type index.
    pub ty: u32,
    /// Locals after the parameters.
    pub locals: Vec<ValType>,
    /// Instructions, without the final `end`.
    pub code: Vec<Instruction<'static>>,
}

/// One module being assembled from the runtime and generated items.
pub struct Linker {
    rt: &'static Runtime,
    /// Generated function types; generated type `k` is `rt.types.len() + k` before linking.
    new_types: Vec<Signature>,
    type_ids: HashMap<Signature, u32>,
    globals: GlobalSection,
    n_new_globals: u32,
    functions: Vec<GenFunction>,
    exports: Vec<(String, ExportKind, u32)>,
    data: Vec<(u32, Vec<u8>)>,
    names: Vec<(u32, String)>,
}

/// Renumbers function and type indices while re-encoding runtime code.
struct Renumber<'a> {
    funcs: &'a [u32],
    types: &'a [u32],
}

impl Reencode for Renumber<'_> {
    type Error = std::convert::Infallible;
    fn function_index(&mut self, func: u32) -> Result<u32, ReencodeError<Self::Error>> {
        Ok(self.funcs.get(func as usize).copied().unwrap_or(u32::MAX))
    }
    fn type_index(&mut self, ty: u32) -> Result<u32, ReencodeError<Self::Error>> {
        Ok(self.types.get(ty as usize).copied().unwrap_or(u32::MAX))
    }
}

impl Linker {
    /// A linker over the shared runtime.
    pub fn new() -> Result<Linker, LinkError> {
        let rt = Runtime::get()?;
        Ok(Linker {
            rt,
            new_types: Vec::new(),
            type_ids: HashMap::new(),
            globals: rt.globals.clone(),
            n_new_globals: 0,
            functions: Vec::new(),
            exports: Vec::new(),
            data: Vec::new(),
            names: Vec::new(),
        })
    }

    /// The runtime.
    pub fn runtime(&self) -> &'static Runtime {
        self.rt
    }

    /// The index of a function type, added if new.
    pub fn func_type(&mut self, params: Vec<ValType>, results: Vec<ValType>) -> u32 {
        let key = (params, results);
        if let Some(i) = self.type_ids.get(&key) {
            return *i;
        }
        let i = (self.rt.types.len() + self.new_types.len()) as u32;
        self.new_types.push(key.clone());
        self.type_ids.insert(key, i);
        i
    }

    /// Adds a mutable global; returns its index.
    pub fn global(&mut self, vt: ValType, init: &ConstExpr) -> u32 {
        self.globals.global(GlobalType { val_type: vt, mutable: true, shared: false }, init);
        self.n_new_globals += 1;
        self.rt.n_globals + self.n_new_globals - 1
    }

    /// Adds a generated function; returns its pre-link index.
    pub fn function(&mut self, f: GenFunction) -> u32 {
        self.functions.push(f);
        self.rt.len() + self.functions.len() as u32 - 1
    }

    /// Replaces the body of a generated function added earlier (by pre-link index).
    pub fn set_function(&mut self, index: u32, f: GenFunction) {
        if let Some(slot) = self.functions.get_mut((index - self.rt.len()) as usize) {
            *slot = f;
        }
    }

    /// Names a generated function (pre-link index) in the name section.
    pub fn name_func(&mut self, index: u32, name: &str) {
        self.names.push((index, name.to_string()));
    }

    /// Exports a function (pre-link index) under `name`.
    pub fn export_func(&mut self, name: &str, index: u32) {
        self.exports.push((name.to_string(), ExportKind::Func, index));
    }

    /// Places bytes in memory at `offset` when the module is instantiated.
    pub fn data(&mut self, offset: u32, bytes: Vec<u8>) {
        self.data.push((offset, bytes));
    }

    /// Assembles the final module: keeps the runtime functions reachable
    /// from generated code, the table and the exports, and renumbers.
    pub fn finish(self) -> Result<Vec<u8>, LinkError> {
        let rt = self.rt;
        let n_rt = rt.len();
        let n_gen = self.functions.len() as u32;
        // Reachability over runtime (`i < n_rt`) and generated functions from
        // the exports and the indirect-call table: an unexported generated
        // function nothing calls (an unused helper) is dropped as well.
        let mut keep = vec![false; (n_rt + n_gen) as usize];
        let mut stack: Vec<u32> = rt.table_funcs.clone();
        stack.extend(self.exports.iter().filter(|(_, k, _)| *k == ExportKind::Func).map(|e| e.2));
        while let Some(f) = stack.pop() {
            match keep.get_mut(f as usize) {
                Some(k) if !*k => {
                    *k = true;
                    if f < n_rt {
                        stack.extend(rt.callees[f as usize].iter().copied());
                    } else {
                        stack.extend(self.functions[(f - n_rt) as usize].code.iter().filter_map(|ins| match ins {
                            Instruction::Call(i) => Some(*i),
                            _ => None,
                        }));
                    }
                }
                _ => {}
            }
        }
        // New numbering: kept runtime functions in order, then kept generated ones.
        let mut map = vec![u32::MAX; keep.len()];
        let mut n_kept = 0;
        for (i, k) in keep.iter().enumerate() {
            if *k {
                map[i] = n_kept;
                n_kept += 1;
            }
        }
        let renumber = |i: u32| map.get(i as usize).copied().unwrap_or(u32::MAX);

        // Types: only those the kept code names, each signature once.
        // (wasmtime compiles a trampoline per function type of a module,
        // so the runtime's unused types would cost compile time.)
        let mut type_map = vec![u32::MAX; rt.types.len() + self.new_types.len()];
        let mut types = TypeSection::new();
        let mut signatures: HashMap<&Signature, u32> = HashMap::new();
        let mut use_type = |t: u32, type_map: &mut Vec<u32>| {
            let Some(slot) = type_map.get_mut(t as usize) else { return };
            if *slot != u32::MAX {
                return;
            }
            let sig = rt.types.get(t as usize).or_else(|| self.new_types.get(t as usize - rt.types.len()));
            let Some(sig) = sig else { return };
            let next = signatures.len() as u32;
            *slot = *signatures.entry(sig).or_insert_with(|| {
                types.ty().function(sig.0.iter().copied(), sig.1.iter().copied());
                next
            });
        };
        for (i, k) in keep.iter().enumerate().take(n_rt as usize) {
            if *k {
                use_type(rt.func_types[i], &mut type_map);
                for t in &rt.body_types[i] {
                    use_type(*t, &mut type_map);
                }
            }
        }
        for (f, k) in self.functions.iter().zip(&keep[n_rt as usize..]) {
            if *k {
                use_type(f.ty, &mut type_map);
            }
        }

        let mut functions = FunctionSection::new();
        let mut code = CodeSection::new();
        let mut re = Renumber { funcs: &map[..n_rt as usize], types: &type_map };
        for (i, body) in rt.metered.iter().enumerate() {
            if keep[i] {
                functions.function(type_map[rt.func_types[i] as usize]);
                let mut f = Function::new(body.locals.iter().copied());
                for ins in &body.code {
                    f.instruction(&renumbered(ins, &map, &type_map));
                }
                f.instruction(&Instruction::End);
                code.function(&f);
            }
        }
        for (f, _) in self.functions.iter().zip(&keep[n_rt as usize..]).filter(|(_, k)| **k) {
            functions.function(type_map[f.ty as usize]);
            let mut body = Function::new(f.locals.iter().map(|vt| (1, *vt)));
            for ins in &super::meter::instrument(&f.code, true) {
                body.instruction(&renumbered(ins, &map, &type_map));
            }
            body.instruction(&Instruction::End);
            code.function(&body);
        }
        let mut elements = ElementSection::new();
        if let Some(s) = &rt.elements {
            re.parse_element_section(&mut elements, s.clone()).map_err(bad)?;
        }
        let mut exports = ExportSection::new();
        exports.export("memory", ExportKind::Memory, 0);
        for (name, kind, i) in &self.exports {
            exports.export(name, *kind, if *kind == ExportKind::Func { renumber(*i) } else { *i });
        }
        // Memory: large enough for the generated data.
        let mut memory = rt.memory;
        let data_end = self.data.iter().map(|(o, b)| *o as u64 + b.len() as u64).max().unwrap_or(0);
        memory.minimum = memory.minimum.max(data_end.div_ceil(65536));
        let mut memories = MemorySection::new();
        memories.memory(memory);
        let mut data = rt.data.clone();
        for (offset, bytes) in &self.data {
            data.active(0, &ConstExpr::i32_const(*offset as i32), bytes.iter().copied());
        }

        // Function names, so profilers and traps name the code.
        let mut names = wasm_encoder::NameMap::new();
        for (i, k) in keep.iter().enumerate().take(n_rt as usize) {
            if *k && let Some(n) = rt.names.get(&(i as u32)) {
                names.append(map[i], n);
            }
        }
        let mut generated = self.names.clone();
        generated.sort_by_key(|(i, _)| *i);
        for (i, n) in &generated {
            if keep.get(*i as usize) == Some(&true) {
                names.append(renumber(*i), n);
            }
        }
        let mut name_section = wasm_encoder::NameSection::new();
        name_section.functions(&names);

        let mut m = Module::new();
        m.section(&types);
        m.section(&functions);
        m.section(&rt.tables);
        m.section(&memories);
        m.section(&self.globals);
        m.section(&exports);
        m.section(&elements);
        m.section(&code);
        m.section(&data);
        m.section(&name_section);
        Ok(m.finish())
    }
}
