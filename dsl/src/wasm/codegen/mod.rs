//! The code generator: typed IR to a WebAssembly module, linked with the C
//! runtime (`link.rs`). Semantics follow the reference interpreter exactly:
//! 64-bit wrapping ints with Python's floor division and modulo, exact
//! int/float comparison, Python's shifts, the recursion limit, unbound-local
//! checks, lazy iteration where the interpreter is lazy, and runtime errors
//! raised through the runtime's error record with the source span and the
//! interpreter's message.
//!
//! Values: `int` is an i64, `float` an f64, `bool` an i32, and `str`, `list`
//! and tuples are i32 pointers to heap objects laid out as `runtime/rt.h`
//! describes; a container item is an 8-byte slot. Scalar arithmetic,
//! control flow and indexing are emitted inline; string, list and generic
//! operations call the runtime, passing a type descriptor (laid out in the
//! module's static data, with string literals) where the operation depends on
//! the item type. Before a runtime call that can fail, the current source
//! span is stored in the runtime's `rt_site`, where its errors read it.

mod expr;
mod iter;
mod stmt;

use super::link::{GenFunction, LinkError, Linker, Runtime};
use super::meter;
use crate::ast::{BinOp, BoolOp, CmpOp, UnaryOp};
use crate::interp::ErrorKind;
use crate::span::Span;
use crate::tir::{Builtin, Clause, Expr, ExprKind as K, FuncId, Method, Program, Stmt, Target};
use crate::types::Type;
use std::collections::HashMap;
use wasm_encoder::{BlockType, ConstExpr, Ieee64, Instruction as I, MemArg, ValType};

/// The exported function that evaluates the module-level constants; the
/// host calls it once before anything else.
pub const INIT_EXPORT: &str = "__synth_init";
/// The exported zero-argument function that evaluates the entry expression.
pub const ENTRY_EXPORT: &str = "__synth_entry";
/// The exported allocator (`(size: i32, raw: i32) -> i32`), for the host to
/// place arguments: an immortal heap value (its header is written), or raw
/// item storage when `raw` is 1.
pub const ALLOC_EXPORT: &str = "__synth_alloc";
/// The exported `(ptr: i32)` that drops a reference (the host drops a
/// result with it when it checks for leaks).
pub const DECREF_EXPORT: &str = "__synth_decref";
/// The reference count of values that are never freed (`IMMORTAL` in `runtime/rt.h`).
const IMMORTAL: u32 = 0x4000_0000;
/// In an error record, a message length of `MESSAGE_ID` means the message
/// address field holds an index into [`WasmModule::messages`].
pub const MESSAGE_ID: u32 = u32::MAX;

/// Code generation settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Maximum call depth, as `Limits::max_depth` (Python's recursion limit). By default 1000.
    pub max_depth: u32,
    /// Values of the `??` holes; without them a hole raises `HoleError`.
    pub holes: Option<Vec<i64>>,
}

impl Default for Options {
    fn default() -> Options {
        Options { max_depth: 1000, holes: None }
    }
}

/// A compiled program.
#[derive(Clone, Debug)]
pub struct WasmModule {
    /// The module: imports nothing, exports `memory`, every reachable `def`
    /// by name, [`INIT_EXPORT`], [`ENTRY_EXPORT`] when an entry was given,
    /// [`ALLOC_EXPORT`] and the runtime's `__synth_error_addr`.
    pub bytes: Vec<u8>,
    /// Runtime error messages by id (see [`MESSAGE_ID`]).
    pub messages: Vec<String>,
    /// The entry expression's type.
    pub entry_ty: Option<Type>,
    /// Address of the runtime's `rt_mem_cap` (a u32): the host writes the
    /// run's memory cap there before running, so the allocator can grow
    /// memory in large steps without crossing it.
    pub mem_cap_addr: u32,
    /// Address of the runtime's `rt_poison` (a u32): when the host writes 1
    /// there, freed memory is overwritten (tests catch a use after free).
    pub poison_addr: u32,
    /// Address of the runtime's `rt_live_bytes` (a u32): bytes allocated
    /// and not freed, arguments included.
    pub live_bytes_addr: u32,
}

/// Why a program could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// A construct the Wasm backend does not handle.
    #[error("the Wasm backend does not support {what}")]
    Unsupported {
        /// What it is.
        what: String,
        /// Where it is.
        span: Span,
    },
    /// The runtime module is broken (a build problem).
    #[error(transparent)]
    Link(#[from] LinkError),
}

type R<T> = Result<T, CodegenError>;

fn unsupported<T>(what: impl Into<String>, span: Span) -> R<T> {
    Err(CodegenError::Unsupported { what: what.into(), span })
}

/// The Wasm type of a value of `ty`.
fn val_type(ty: &Type, span: Span) -> R<ValType> {
    match ty {
        Type::Int => Ok(ValType::I64),
        Type::Float => Ok(ValType::F64),
        Type::Bool | Type::Str | Type::List(_) | Type::Tuple(_) | Type::TupleOf(_) => Ok(ValType::I32),
        Type::None => unsupported("a `None` value", span),
    }
}

fn result_types(ty: &Type, span: Span) -> R<Vec<ValType>> {
    if *ty == Type::None { Ok(Vec::new()) } else { Ok(vec![val_type(ty, span)?]) }
}

fn is_numeric(ty: &Type) -> bool {
    matches!(ty, Type::Int | Type::Float | Type::Bool)
}

/// Is a value of `ty` a reference-counted pointer?
pub(super) fn is_heap(ty: &Type) -> bool {
    ty.is_heap()
}

/// The item type of the `i`-th slot of a sequence of type `ty`.
fn item_type(ty: &Type, i: usize) -> Type {
    match ty {
        Type::Tuple(ts) => ts.get(i).cloned().unwrap_or(Type::Int),
        other => other.elem().unwrap_or(Type::Int),
    }
}

/// Is an iterable expression consumed lazily, as the interpreter's `for_each` does?
fn is_lazy(e: &Expr) -> bool {
    matches!(
        e.kind,
        K::Builtin(Builtin::Range | Builtin::Enumerate | Builtin::Zip | Builtin::Reversed, _) | K::Comprehension(..)
    )
}

fn mem(offset: u64, align: u32) -> MemArg {
    MemArg { offset, align, memory_index: 0 }
}

/// Type descriptor kinds (`TY_*` in `runtime/rt.h`).
fn desc_kind(ty: &Type) -> u32 {
    match ty {
        Type::Int => 1,
        Type::Float => 2,
        Type::Bool => 3,
        Type::Str => 4,
        Type::None => 5,
        Type::List(_) => 6,
        Type::Tuple(_) => 7,
        Type::TupleOf(_) => 8,
    }
}

/// `str.is*` classes (`IS_*` in `runtime/text.c`).
fn str_class(m: Method) -> Option<i32> {
    Some(match m {
        Method::StrIsdigit => 0,
        Method::StrIsalpha => 1,
        Method::StrIsalnum => 2,
        Method::StrIsspace => 3,
        Method::StrIsupper => 4,
        Method::StrIslower => 5,
        Method::StrIsdecimal => 6,
        Method::StrIsnumeric => 7,
        Method::StrIsascii => 8,
        _ => return None,
    })
}

/// Compiles `program`, plus an exported entry function evaluating `entry`
/// (a closed expression such as `f(1, 2)`) when given.
pub fn compile(program: &Program, entry: Option<&Expr>, options: &Options) -> R<WasmModule> {
    let mut l = Linker::new()?;
    let runtime = l.runtime();
    let heap_base = runtime.address("__heap_base")?;
    let static_base = (heap_base + 7) & !7;
    // Globals: the call depth, then one per constant.
    let depth_global = l.global(ValType::I32, &ConstExpr::i32_const(0));
    let mut const_globals = Vec::new();
    for c in &program.consts {
        let vt = val_type(&c.ty, c.span)?;
        let init = match vt {
            ValType::I64 => ConstExpr::i64_const(0),
            ValType::F64 => ConstExpr::f64_const(Ieee64::from(0.0)),
            _ => ConstExpr::i32_const(0),
        };
        const_globals.push(l.global(vt, &init));
    }
    let user_base = runtime.len();
    let entry_locals = entry.map(entry_locals).unwrap_or_default();
    let mut module = ModuleCx {
        entry_locals: &entry_locals,
        program,
        options,
        runtime,
        rt_funcs: HashMap::new(),
        user_base,
        pow_idx: 0,
        depth_global,
        const_globals,
        messages: Vec::new(),
        current_fn: None,
        statics: Vec::new(),
        static_base,
        descs: HashMap::new(),
        strs: HashMap::new(),
        site_addr: runtime.address("rt_site")?,
    };
    // With an entry, only what it (and the constants) can call is compiled;
    // without one, every function is, to be called by name.
    let needed = match entry {
        Some(e) => super::reach::reachable(program, &[e]),
        None => vec![true; program.functions.len()],
    };
    // Declare every function first (indices must be known before bodies call them).
    let mut placeholders = Vec::new();
    for (fid, f) in program.functions.iter().enumerate() {
        let ty = if needed[fid] {
            let params: Vec<ValType> = f.params.iter().map(|p| val_type(&p.ty, f.span)).collect::<R<_>>()?;
            let results = result_types(&f.ret, f.span)?;
            l.func_type(params, results)
        } else {
            l.func_type(vec![], vec![])
        };
        let index = l.function(GenFunction { ty, locals: Vec::new(), code: vec![I::Unreachable] });
        l.name_func(index, &f.name);
        placeholders.push(index);
    }
    let ty_void = l.func_type(vec![], vec![]);
    let init_idx = l.function(GenFunction { ty: ty_void, locals: Vec::new(), code: vec![] });
    let entry_results = match entry {
        Some(e) => result_types(&e.ty, e.span)?,
        None => Vec::new(),
    };
    let ty_entry = l.func_type(vec![], entry_results);
    let entry_idx = l.function(GenFunction { ty: ty_entry, locals: Vec::new(), code: vec![] });
    let ty_pow = l.func_type(vec![ValType::I64, ValType::I64], vec![ValType::I64]);
    module.pow_idx = l.function(pow_i64_body(ty_pow));

    for (fid, f) in program.functions.iter().enumerate() {
        if needed[fid] {
            let body = module.function(fid, l.func_type(vec![], vec![]))?;
            let params: Vec<ValType> = f.params.iter().map(|p| val_type(&p.ty, f.span)).collect::<R<_>>()?;
            let results = result_types(&f.ret, f.span)?;
            let ty = l.func_type(params, results);
            l.set_function(placeholders[fid], GenFunction { ty, ..body });
            l.export_func(&f.name, placeholders[fid]);
        }
    }
    let init = module.init()?;
    l.set_function(init_idx, GenFunction { ty: ty_void, ..init });
    let entry_ty = entry.map(|e| e.ty.clone());
    let entry_body = module.entry(entry)?;
    l.set_function(entry_idx, GenFunction { ty: ty_entry, ..entry_body });
    l.export_func(INIT_EXPORT, init_idx);
    if entry.is_some() {
        l.export_func(ENTRY_EXPORT, entry_idx);
    }
    l.export_func(ALLOC_EXPORT, runtime.func("rt_alloc_host")?);
    l.export_func("__synth_error_addr", runtime.func("__synth_error_addr")?);
    l.export_func(DECREF_EXPORT, runtime.func("rt_decref")?);
    // Static data, then the heap starts after it.
    let heap_start = static_base + module.statics.len() as u32;
    let statics = std::mem::take(&mut module.statics);
    if !statics.is_empty() {
        l.data(static_base, statics);
    }
    l.data(runtime.address("rt_heap_top")?, heap_start.to_le_bytes().to_vec());
    let messages = module.messages;
    let mem_cap_addr = runtime.address("rt_mem_cap")?;
    let poison_addr = runtime.address("rt_poison")?;
    let live_bytes_addr = runtime.address("rt_live_bytes")?;
    Ok(WasmModule { bytes: l.finish()?, messages, entry_ty, mem_cap_addr, poison_addr, live_bytes_addr })
}

/// `base ** exp` by squaring, wrapping like the interpreter (`exp >= 0`).
fn pow_i64_body(ty: u32) -> GenFunction {
    let (b, e, r) = (0, 1, 2);
    let code = vec![
        I::I64Const(1),
        I::LocalSet(r),
        I::Block(BlockType::Empty),
        I::Loop(BlockType::Empty),
        I::LocalGet(e),
        I::I64Eqz,
        I::BrIf(1),
        I::LocalGet(e),
        I::I64Const(1),
        I::I64And,
        I::I32WrapI64,
        I::If(BlockType::Empty),
        I::LocalGet(r),
        I::LocalGet(b),
        I::I64Mul,
        I::LocalSet(r),
        I::End,
        I::LocalGet(e),
        I::I64Const(1),
        I::I64ShrU,
        I::LocalSet(e),
        I::LocalGet(b),
        I::LocalGet(b),
        I::I64Mul,
        I::LocalSet(b),
        I::Br(0),
        I::End,
        I::End,
        I::LocalGet(r),
    ];
    GenFunction { ty, locals: vec![ValType::I64], code }
}

/// Module-wide state while generating functions.
struct ModuleCx<'p> {
    program: &'p Program,
    options: &'p Options,
    runtime: &'static Runtime,
    rt_funcs: HashMap<&'static str, u32>,
    /// Pre-link index of the program's first function.
    user_base: u32,
    pow_idx: u32,
    depth_global: u32,
    const_globals: Vec<u32>,
    messages: Vec<String>,
    /// The program function being generated, if any.
    current_fn: Option<usize>,
    /// Static data: type descriptors and string literals, placed at `static_base`.
    statics: Vec<u8>,
    static_base: u32,
    descs: HashMap<Type, u32>,
    strs: HashMap<String, u32>,
    /// Address of the runtime's `rt_site`.
    site_addr: u32,
    /// The locals of the entry expression (its comprehension variables).
    entry_locals: &'p [crate::tir::Local],
}

/// What a `br` can target.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    Plain,
    Break,
    Continue,
    /// A block some construct exits by name (a fresh id each).
    Mark(u32),
}

/// One function being generated.
struct FnCx<'m, 'p> {
    m: &'m mut ModuleCx<'p>,
    code: Vec<I<'static>>,
    n_params: u32,
    /// Extra locals' types, after the parameters.
    extra: Vec<ValType>,
    /// Wasm local of each TIR local, and its "assigned" flag (none for parameters).
    slots: Vec<(u32, Option<u32>)>,
    /// Locals definitely assigned at the point being generated (reads of
    /// them need no unbound-local check).
    assigned: Vec<bool>,
    /// List locals whose header (length, items pointer) was loaded into
    /// Wasm locals before the loop being generated, which cannot change it.
    hoisted: HashMap<usize, (u32, u32)>,
    /// Locals known to hold a non-negative int here (the variable of a
    /// `range(c, ...)` loop with c >= 0 that the body does not assign):
    /// indexing with them needs no negative-index fix-up.
    nonneg: Vec<usize>,
    /// (list, index) local pairs known in range here: the fast copy of a
    /// versioned range loop (see `range_loop`).
    in_bounds: Vec<(usize, usize)>,
    /// Set by a `for` statement for its range loop to version: the length
    /// locals of hoisted lists the body indexes by the loop variable, and
    /// the pairs that are in range when every length covers the chunk.
    version: Option<Version>,
    labels: Vec<Label>,
    next_mark: u32,
    /// Does this function count call depth (program functions do)?
    counts_depth: bool,
    /// References held in locals by the constructs being generated (an
    /// iterable, an item made for one iteration), each with the label
    /// depth it was taken at: a branch out of a construct drops the ones it
    /// leaves behind, a `return` drops them all.
    held: Vec<(u32, usize)>,
    /// Locals the loops being generated may assign: an iterable in one of
    /// them is referenced by the loop itself, not borrowed from the local.
    rebinds: Vec<usize>,
    /// The loop statements being generated, innermost last (their spans).
    loop_sites: Vec<Span>,
}

/// A value in a local for an operation to read: borrowed from a program
/// local (nothing to drop), or a new reference the operation drops when done.
#[derive(Clone, Copy)]
pub(super) struct Operand {
    pub(super) local: u32,
    owned: bool,
}

impl<'p> ModuleCx<'p> {
    fn function(&mut self, fid: FuncId, ty: u32) -> R<GenFunction> {
        let program = self.program;
        let f = &program.functions[fid];
        self.current_fn = Some(fid);
        let mut cx = FnCx::new(self, f.params.len() as u32, true);
        for (i, local) in f.locals.iter().enumerate() {
            if i < f.params.len() {
                cx.slots.push((i as u32, None));
                continue;
            }
            let vt = val_type(&local.ty, f.span)?;
            let v = cx.new_local(vt);
            let flag = cx.new_local(ValType::I32);
            cx.slots.push((v, Some(flag)));
        }
        cx.assigned = (0..f.locals.len()).map(|i| i < f.params.len()).collect();
        cx.prologue();
        // A stub is never entered: its calls raise at the call site.
        if !f.is_stub {
            cx.block(&f.body)?;
        }
        if f.ret == Type::None {
            cx.drop_frame()?;
            cx.leave();
        } else {
            // The checker proved every path returns.
            cx.code.push(I::Unreachable);
        }
        Ok(cx.finish(ty))
    }

    fn init(&mut self) -> R<GenFunction> {
        let program = self.program;
        self.current_fn = None;
        let mut cx = FnCx::new(self, 0, false);
        for (i, c) in program.consts.iter().enumerate() {
            cx.expr(&c.value)?;
            let g = cx.m.const_globals[i];
            cx.code.push(I::GlobalSet(g));
        }
        Ok(cx.finish(0))
    }

    fn entry(&mut self, entry: Option<&Expr>) -> R<GenFunction> {
        self.current_fn = None;
        let locals = self.entry_locals;
        let mut cx = FnCx::new(self, 0, false);
        for local in locals {
            let v = cx.new_local(val_type(&local.ty, Span::default()).unwrap_or(ValType::I32));
            let flag = cx.new_local(ValType::I32);
            cx.slots.push((v, Some(flag)));
        }
        cx.assigned = vec![false; locals.len()];
        if let Some(e) = entry {
            cx.expr(e)?;
            cx.drop_frame()?;
        }
        Ok(cx.finish(0))
    }

    fn message(&mut self, text: &str) -> u32 {
        if let Some(i) = self.messages.iter().position(|m| m == text) {
            return i as u32;
        }
        self.messages.push(text.to_string());
        self.messages.len() as u32 - 1
    }

    fn rt(&mut self, name: &'static str) -> R<u32> {
        if let Some(i) = self.rt_funcs.get(name) {
            return Ok(*i);
        }
        let i = self.runtime.func(name)?;
        self.rt_funcs.insert(name, i);
        Ok(i)
    }

    /// Appends 8-byte-aligned static data; returns its address.
    fn static_bytes(&mut self, bytes: &[u8]) -> u32 {
        while !self.statics.len().is_multiple_of(8) {
            self.statics.push(0);
        }
        let addr = self.static_base + self.statics.len() as u32;
        self.statics.extend_from_slice(bytes);
        addr
    }

    /// The address of the type descriptor of `ty`.
    fn desc(&mut self, ty: &Type) -> u32 {
        if let Some(a) = self.descs.get(ty) {
            return *a;
        }
        let elems: Vec<u32> = match ty {
            Type::List(t) | Type::TupleOf(t) => vec![self.desc(t)],
            Type::Tuple(ts) => ts.iter().map(|t| self.desc(t)).collect(),
            _ => Vec::new(),
        };
        let mut bytes = Vec::with_capacity(8 + 4 * elems.len());
        bytes.extend_from_slice(&desc_kind(ty).to_le_bytes());
        bytes.extend_from_slice(&(elems.len() as u32).to_le_bytes());
        for e in elems {
            bytes.extend_from_slice(&e.to_le_bytes());
        }
        let addr = self.static_bytes(&bytes);
        self.descs.insert(ty.clone(), addr);
        addr
    }

    /// The address of a static string object.
    fn str_const(&mut self, s: &str) -> u32 {
        if let Some(a) = self.strs.get(s) {
            return *a;
        }
        // The header of an immortal value (runtime/rt.h), then the string.
        let ty_str = self.desc(&Type::Str);
        let mut bytes = Vec::with_capacity(16 + s.len());
        bytes.extend_from_slice(&IMMORTAL.to_le_bytes());
        bytes.extend_from_slice(&ty_str.to_le_bytes());
        bytes.extend_from_slice(&(s.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&(s.chars().count() as u32).to_le_bytes());
        bytes.extend_from_slice(s.as_bytes());
        let addr = self.static_bytes(&bytes) + 8;
        self.strs.insert(s.to_string(), addr);
        addr
    }
}

impl<'m, 'p> FnCx<'m, 'p> {
    fn new(m: &'m mut ModuleCx<'p>, n_params: u32, counts_depth: bool) -> FnCx<'m, 'p> {
        FnCx {
            m,
            code: Vec::new(),
            n_params,
            extra: Vec::new(),
            slots: Vec::new(),
            assigned: Vec::new(),
            hoisted: HashMap::new(),
            nonneg: Vec::new(),
            in_bounds: Vec::new(),
            version: None,
            labels: Vec::new(),
            next_mark: 0,
            counts_depth,
            held: Vec::new(),
            rebinds: Vec::new(),
            loop_sites: Vec::new(),
        }
    }

    fn new_local(&mut self, vt: ValType) -> u32 {
        self.extra.push(vt);
        self.n_params + self.extra.len() as u32 - 1
    }

    fn finish(self, ty: u32) -> GenFunction {
        GenFunction { ty, locals: self.extra, code: self.code }
    }

    fn emit(&mut self, ins: impl IntoIterator<Item = I<'static>>) {
        self.code.extend(ins);
    }

    /// Calls a runtime function.
    fn call_rt(&mut self, name: &'static str) -> R<()> {
        let f = self.m.rt(name)?;
        self.code.push(I::Call(f));
        Ok(())
    }

    /// Records `span` as the site of the next runtime call that can fail.
    fn site(&mut self, span: Span) {
        let packed = (span.start as u64) | ((span.end as u64) << 32);
        self.emit([I::I32Const(self.m.site_addr as i32), I::I64Const(packed as i64), I::I64Store(mem(0, 3))]);
    }

    /// Pushes the address of a type descriptor.
    fn desc(&mut self, ty: &Type) {
        let a = self.m.desc(ty);
        self.code.push(I::I32Const(a as i32));
    }

    /// Records a runtime error and traps (the stack is polymorphic after it).
    fn raise(&mut self, kind: ErrorKind, span: Span, message: &str) {
        let id = self.m.message(message);
        if let Ok(f) = self.m.rt("rt_raise") {
            self.emit([
                I::I32Const(kind.code() as i32),
                I::I32Const(span.start as i32),
                I::I32Const(span.end as i32),
                I::I32Const(id as i32),
                I::I32Const(MESSAGE_ID as i32),
                I::Call(f),
            ]);
        }
        self.code.push(I::Unreachable);
    }

    /// Raises when the i32 on the stack is non-zero.
    fn raise_if(&mut self, kind: ErrorKind, span: Span, message: &str) {
        self.code.push(I::If(BlockType::Empty));
        self.raise(kind, span, message);
        self.code.push(I::End);
    }

    /// Counts the call depth on entry (the limit is checked at call sites,
    /// so the error points at the call, as in the interpreter).
    fn prologue(&mut self) {
        if !self.counts_depth {
            return;
        }
        let g = self.m.depth_global;
        self.emit([I::GlobalGet(g), I::I32Const(1), I::I32Add, I::GlobalSet(g)]);
    }

    /// Leaving the function: give the depth back.
    fn leave(&mut self) {
        if self.counts_depth {
            let g = self.m.depth_global;
            self.emit([I::GlobalGet(g), I::I32Const(1), I::I32Sub, I::GlobalSet(g)]);
        }
    }

    fn br_depth(&self, want: Label) -> u32 {
        (self.labels.len() - 1 - self.label_index(want)) as u32
    }

    fn fresh_mark(&mut self) -> Label {
        self.next_mark += 1;
        Label::Mark(self.next_mark)
    }

    /// Opens a block (`end_block` closes it).
    fn open(&mut self, bt: BlockType, label: Label) {
        self.code.push(I::Block(bt));
        self.labels.push(label);
    }

    fn open_loop(&mut self, label: Label) {
        self.code.push(I::Loop(BlockType::Empty));
        self.labels.push(label);
    }

    fn end_block(&mut self) {
        self.labels.pop();
        self.code.push(I::End);
    }

    /// Saves the value on the stack in a new local.
    fn save(&mut self, vt: ValType) -> u32 {
        let t = self.new_local(vt);
        self.code.push(I::LocalSet(t));
        t
    }

    /// Converts the value on the stack (of `ty`) to an 8-byte slot.
    fn emit_to_slot(&mut self, ty: &Type) {
        match ty {
            Type::Int => {}
            Type::Float => self.code.push(I::I64ReinterpretF64),
            _ => self.code.push(I::I64ExtendI32U),
        }
    }

    /// Converts the slot on the stack to a value of `ty`.
    fn emit_from_slot(&mut self, ty: &Type) {
        match ty {
            Type::Int => {}
            Type::Float => self.code.push(I::F64ReinterpretI64),
            Type::None => self.code.push(I::Drop),
            _ => self.code.push(I::I32WrapI64),
        }
    }

    /// Loads the value of type `ty` held in the slot whose address is on the
    /// stack: the same as loading the slot and `emit_from_slot`, but typed,
    /// so a float goes straight to a float register and a bool or pointer
    /// is one 32-bit load (the low half: slots are little-endian), which
    /// cranelift can fuse into the comparison or branch that uses it.
    fn load_slot(&mut self, ty: &Type) {
        match ty {
            Type::Int => self.code.push(I::I64Load(mem(0, 3))),
            Type::Float => self.code.push(I::F64Load(mem(0, 3))),
            Type::None => self.code.push(I::Drop),
            _ => self.code.push(I::I32Load(mem(0, 2))),
        }
    }

    /// Evaluates `e` and converts it to a slot.
    fn expr_slot(&mut self, e: &Expr) -> R<()> {
        self.expr(e)?;
        self.emit_to_slot(&e.ty);
        Ok(())
    }

    // ---- reference counts (see `runtime/rt.h`: every heap value an
    // expression leaves on the stack is a new reference; program locals and
    // container slots own theirs; runtime calls borrow their arguments).

    /// Takes a new reference to the pointer on the stack (left there).
    fn incref(&mut self) -> R<()> {
        self.call_rt("rt_incref")
    }

    /// Takes a new reference to the pointer on the stack if `ty` is a heap type.
    fn incref_if(&mut self, ty: &Type) -> R<()> {
        if is_heap(ty) { self.incref() } else { Ok(()) }
    }

    /// Drops the value on the stack (a reference, if of a heap type).
    fn drop_value(&mut self, ty: &Type) -> R<()> {
        match ty {
            Type::None => Ok(()),
            t if is_heap(t) => self.call_rt("rt_decref"),
            _ => {
                self.code.push(I::Drop);
                Ok(())
            }
        }
    }

    /// Drops the reference held in local `l` (0 is allowed).
    fn decref_local(&mut self, l: u32) -> R<()> {
        self.code.push(I::LocalGet(l));
        self.call_rt("rt_decref")
    }

    /// Records that local `l` holds a reference the current construct drops
    /// (with `release`), or a branch out of it does.
    fn hold(&mut self, l: u32) {
        self.held.push((l, self.labels.len()));
    }

    /// Drops the reference in local `l` taken with `hold`.
    fn release(&mut self, l: u32) -> R<()> {
        if let Some(k) = self.held.iter().rposition(|(x, _)| *x == l) {
            self.held.remove(k);
        }
        self.decref_local(l)
    }

    /// Emits drops of the held references a branch to the label at index
    /// `target` (of `labels`) leaves behind.
    fn drop_held_to(&mut self, target: usize) -> R<()> {
        let leaving: Vec<u32> = self.held.iter().filter(|(_, d)| *d > target).map(|(l, _)| *l).collect();
        for l in leaving.into_iter().rev() {
            self.decref_local(l)?;
        }
        Ok(())
    }

    /// The index in `labels` of the innermost `want`.
    fn label_index(&self, want: Label) -> usize {
        self.labels.iter().rposition(|l| *l == want).unwrap_or(0)
    }

    /// `br` to `want`, dropping the references held inside it.
    fn br(&mut self, want: Label) -> R<()> {
        self.drop_held_to(self.label_index(want))?;
        let d = self.br_depth(want);
        self.code.push(I::Br(d));
        Ok(())
    }

    /// `br_if` (on the i32 on the stack) to `want`, dropping the references
    /// held inside it on the way out.
    fn br_if(&mut self, want: Label) -> R<()> {
        let t = self.label_index(want);
        if self.held.iter().any(|(_, d)| *d > t) {
            self.code.push(I::If(BlockType::Empty));
            self.labels.push(Label::Plain);
            self.br(want)?;
            self.end_block();
        } else {
            let d = self.br_depth(want);
            self.code.push(I::BrIf(d));
        }
        Ok(())
    }

    /// Leaving the function: drops every held reference and every heap
    /// local (parameters included: a callee owns its arguments).
    fn drop_frame(&mut self) -> R<()> {
        let held: Vec<u32> = self.held.iter().map(|(l, _)| *l).collect();
        for l in held.into_iter().rev() {
            self.decref_local(l)?;
        }
        let locals = self.current_locals();
        for (id, local) in locals.iter().enumerate() {
            if is_heap(&local.ty)
                && let Some(&(v, _)) = self.slots.get(id)
                && v != u32::MAX
            {
                self.decref_local(v)?;
            }
        }
        Ok(())
    }

    /// Evaluates `e` into a local for an operation to read (see `Operand`).
    fn operand(&mut self, e: &Expr) -> R<Operand> {
        if is_heap(&e.ty)
            && let K::Local(id) = e.kind
        {
            self.local_checked(id, e.span)?;
            let (v, _) = self.slot(id, e.span)?;
            return Ok(Operand { local: v, owned: false });
        }
        self.expr(e)?;
        let local = self.save(val_type(&e.ty, e.span)?);
        let owned = is_heap(&e.ty);
        if owned {
            self.hold(local);
        }
        Ok(Operand { local, owned })
    }

    /// Evaluates `e` onto the stack for an operation to read: a program
    /// local is borrowed (`None`), anything else is a new reference held in
    /// the returned local, to `release` after the operation.
    fn borrowed(&mut self, e: &Expr) -> R<Option<u32>> {
        if is_heap(&e.ty) {
            let op = self.operand(e)?;
            self.code.push(I::LocalGet(op.local));
            return Ok(op.owned.then_some(op.local));
        }
        self.expr(e)?;
        Ok(None)
    }

    /// Ends an operation's use of an operand.
    fn done(&mut self, op: Operand) -> R<()> {
        if op.owned { self.release(op.local) } else { Ok(()) }
    }

    /// Ends an operation's use of a `borrowed` value.
    fn done_borrowed(&mut self, held: Option<u32>) -> R<()> {
        match held {
            Some(l) => self.release(l),
            None => Ok(()),
        }
    }
}

/// The locals an entry expression's comprehensions bind, by slot (their
/// types from the reads of them and the clauses that assign them).
fn entry_locals(e: &Expr) -> Vec<crate::tir::Local> {
    struct Find(Vec<Option<Type>>);
    impl Find {
        fn set(&mut self, id: usize, ty: Type) {
            if self.0.len() <= id {
                self.0.resize(id + 1, None);
            }
            self.0[id].get_or_insert(ty);
        }
        fn target(&mut self, t: &Target, ty: &Type) {
            match t {
                Target::Local(id) => self.set(*id, ty.clone()),
                Target::Unpack(ts, _) => {
                    let seq = if *ty == Type::Str { Type::list(Type::Str) } else { ty.clone() };
                    for (i, t) in ts.iter().enumerate() {
                        self.target(t, &item_type(&seq, i));
                    }
                }
                Target::Index { .. } => {}
            }
        }
    }
    impl crate::tir::Visit for Find {
        fn expr(&mut self, e: &Expr) {
            match &e.kind {
                K::Local(id) => self.set(*id, e.ty.clone()),
                K::Comprehension(_, clauses) => {
                    for c in clauses {
                        self.target(&c.target, &c.iter.ty.elem().unwrap_or(Type::Int));
                    }
                }
                _ => {}
            }
        }
    }
    let mut f = Find(Vec::new());
    crate::tir::walk_expr(e, &mut f);
    f.0.into_iter()
        .enumerate()
        .map(|(i, t)| crate::tir::Local { name: format!("_{i}"), ty: t.unwrap_or(Type::Int) })
        .collect()
}

/// Can running these statements change any list's header (its length or
/// items pointer)? Only calls (which may reach any list), the list methods
/// that resize, and in-place `+=`/`*=` on lists can; item stores cannot.
fn headers_stable_stmts(stmts: &[Stmt], locals: &[crate::tir::Local]) -> bool {
    let mut v = Resizes { locals, found: false };
    crate::tir::walk_stmts(stmts, &mut v);
    !v.found
}

/// Can evaluating `e` change any list's header (see `headers_stable_stmts`)?
fn headers_stable_expr(e: &Expr) -> bool {
    let mut v = Resizes { locals: &[], found: false };
    crate::tir::walk_expr(e, &mut v);
    !v.found
}

/// Finds what can resize a list: a call, a resizing list method, `+=`/`*=`
/// on a list.
struct Resizes<'a> {
    locals: &'a [crate::tir::Local],
    found: bool,
}

impl crate::tir::Visit for Resizes<'_> {
    fn stmt(&mut self, s: &Stmt) {
        if let Stmt::AugAssign { target, .. } = s {
            let scalar = |t: Option<&Type>| matches!(t, Some(Type::Int | Type::Float | Type::Bool));
            self.found |= match target {
                Target::Local(id) => !scalar(self.locals.get(*id).map(|l| &l.ty)),
                Target::Index { seq, .. } => !scalar(seq.ty.elem().as_ref()),
                Target::Unpack(..) => true,
            };
        }
    }

    fn expr(&mut self, e: &Expr) {
        self.found |= match &e.kind {
            K::Call(..) => true,
            K::Method(m, _) => matches!(
                m,
                Method::ListAppend
                    | Method::ListPop
                    | Method::ListInsert
                    | Method::ListExtend
                    | Method::ListRemove
                    | Method::ListClear
            ),
            _ => false,
        };
    }
}

/// Does a loop statement appear among `stmts` (at any depth)?
fn contains_loop(stmts: &[Stmt]) -> bool {
    struct Loops(bool);
    impl crate::tir::Visit for Loops {
        fn stmt(&mut self, s: &Stmt) {
            self.0 |= matches!(s, Stmt::For { .. } | Stmt::While(..));
        }
    }
    let mut v = Loops(false);
    crate::tir::walk_stmts(stmts, &mut v);
    v.0
}

/// Locals a target assigns.
fn target_locals(t: &Target, out: &mut Vec<usize>) {
    match t {
        Target::Local(id) => out.push(*id),
        Target::Index { .. } => {}
        Target::Unpack(ts, _) => ts.iter().for_each(|t| target_locals(t, out)),
    }
}

/// A range loop to version (see `range_loop`): the length locals of the
/// hoisted lists its body indexes by the loop variable, and those (list,
/// variable) pairs, in range when the chunk ends within every length.
struct Version {
    lens: Vec<u32>,
    pairs: Vec<(usize, usize)>,
}

/// How an index into a list or tuple is checked: not at all (known in
/// range), against the length only (known non-negative), or fully
/// (Python's negative indices included).
#[derive(Clone, Copy)]
enum Check {
    None,
    Upper,
    Full,
}

/// What a loop body does with locals: the ones it indexes (`l[i]`,
/// `l[i] = ...`), the pairs (sequence, index) it indexes by a plain local
/// (`l[k]`), and the ones it assigns.
#[derive(Default)]
struct Scan {
    indexed: Vec<usize>,
    indexed_by: Vec<(usize, usize)>,
    assigned: Vec<usize>,
}

impl Scan {
    fn of(stmts: &[Stmt]) -> Scan {
        let mut sc = Scan::default();
        crate::tir::walk_stmts(stmts, &mut sc);
        sc
    }

    fn index(&mut self, seq: &Expr, index: &Expr) {
        if let K::Local(id) = seq.kind {
            self.indexed.push(id);
            if let K::Local(k) = index.kind {
                self.indexed_by.push((id, k));
            }
        }
    }
}

impl crate::tir::Visit for Scan {
    fn expr(&mut self, e: &Expr) {
        if let K::Index(seq, index) = &e.kind {
            self.index(seq, index);
        }
    }

    fn target(&mut self, t: &Target) {
        match t {
            Target::Local(id) => self.assigned.push(*id),
            Target::Index { seq, index, .. } => self.index(seq, index),
            Target::Unpack(..) => {}
        }
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}
