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
/// The exported allocator (`(size: i32) -> i32`), for the host to place arguments.
pub const ALLOC_EXPORT: &str = "__synth_alloc";
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
    let mut module = ModuleCx {
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
    l.export_func(ALLOC_EXPORT, runtime.func("rt_alloc")?);
    l.export_func("__synth_error_addr", runtime.func("__synth_error_addr")?);
    // Static data, then the heap starts after it.
    let heap_start = static_base + module.statics.len() as u32;
    let statics = std::mem::take(&mut module.statics);
    if !statics.is_empty() {
        l.data(static_base, statics);
    }
    l.data(runtime.address("rt_heap_top")?, heap_start.to_le_bytes().to_vec());
    let messages = module.messages;
    let mem_cap_addr = runtime.address("rt_mem_cap")?;
    Ok(WasmModule { bytes: l.finish()?, messages, entry_ty, mem_cap_addr })
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
        let mut cx = FnCx::new(self, 0, false);
        if let Some(e) = entry {
            cx.expr(e)?;
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
        let mut bytes = Vec::with_capacity(8 + s.len());
        bytes.extend_from_slice(&(s.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&(s.chars().count() as u32).to_le_bytes());
        bytes.extend_from_slice(s.as_bytes());
        let addr = self.static_bytes(&bytes);
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
        let pos = self.labels.iter().rposition(|l| *l == want).unwrap_or(0);
        (self.labels.len() - 1 - pos) as u32
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

    // ------------------------------------------------------------ statements

    fn block(&mut self, stmts: &[Stmt]) -> R<()> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> R<()> {
        stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || self.stmt_inner(s))
    }

    fn stmt_inner(&mut self, s: &Stmt) -> R<()> {
        match s {
            Stmt::Expr(e) => {
                self.expr(e)?;
                if e.ty != Type::None {
                    self.code.push(I::Drop);
                }
            }
            // `a, b = b, a + b`: a tuple display unpacked into plain targets
            // needs no tuple: evaluate every item, then assign left to right.
            Stmt::Assign { targets, value: Expr { kind: K::Tuple(items), .. }, span }
                if matches!(targets.as_slice(), [Target::Unpack(ts, _)] if ts.len() == items.len()
                    && ts.iter().all(|t| matches!(t, Target::Local(_)))) =>
            {
                let Some(Target::Unpack(ts, _)) = targets.first() else { return Ok(()) };
                let mut temps = Vec::new();
                for item in items {
                    self.expr(item)?;
                    let t = self.save(val_type(&item.ty, item.span)?);
                    temps.push((t, item.ty.clone()));
                }
                for (target, (t, ty)) in ts.iter().zip(temps) {
                    self.code.push(I::LocalGet(t));
                    self.store(target, &ty, *span)?;
                }
            }
            Stmt::Assign { targets, value, span } => {
                self.expr(value)?;
                if targets.len() > 1 {
                    let t = self.save(val_type(&value.ty, *span)?);
                    for target in targets {
                        self.code.push(I::LocalGet(t));
                        self.store(target, &value.ty, *span)?;
                    }
                } else if let Some(target) = targets.first() {
                    self.store(target, &value.ty, *span)?;
                }
            }
            Stmt::AugAssign { target, op, value, span } => self.aug_assign(target, *op, value, *span)?,
            Stmt::Return(e, _) => {
                if let Some(e) = e {
                    self.expr(e)?;
                }
                self.leave();
                self.code.push(I::Return);
            }
            Stmt::If(c, a, b) => {
                // block $end { block $else { (c false: br $else) a; br $end } b }
                let before = self.assigned.clone();
                let end = self.fresh_mark();
                if !b.is_empty() {
                    self.open(BlockType::Empty, end);
                }
                let orelse = self.fresh_mark();
                self.open(BlockType::Empty, orelse);
                self.branch_on(c, false, orelse)?;
                self.block(a)?;
                let after_a = self.branch_end(a, before.clone());
                if !b.is_empty() {
                    let d = self.br_depth(end);
                    self.code.push(I::Br(d));
                }
                self.end_block();
                if !b.is_empty() {
                    self.block(b)?;
                    self.end_block();
                }
                let after_b = self.branch_end(b, before);
                // Assigned after the `if`: assigned on both paths that go on.
                self.assigned = after_a.iter().zip(&after_b).map(|(x, y)| *x && *y).collect();
            }
            Stmt::While(c, body) => {
                let before = self.assigned.clone();
                self.open(BlockType::Empty, Label::Break);
                self.open_loop(Label::Continue);
                self.branch_on(c, false, Label::Break)?;
                self.block(body)?;
                self.code.push(I::Br(0));
                self.end_block();
                self.end_block();
                // The body may not have run.
                self.assigned = before;
            }
            Stmt::For { target, iter, body, span } => {
                let before = self.assigned.clone();
                let saved_hoisted = self.hoisted.clone();
                let saved_nonneg = self.nonneg.len();
                let scan = Scan::of(body);
                if headers_stable_stmts(body, self.current_locals()) && headers_stable_expr(iter) {
                    self.hoist_headers(target, &scan);
                }
                if let (Target::Local(id), K::Builtin(Builtin::Range, r)) = (target, &iter.kind)
                    && !scan.assigned.contains(id)
                {
                    if matches!((&r[0].kind, &r[2].kind), (K::Int(a), K::Int(st)) if *a >= 0 && *st > 0) {
                        self.nonneg.push(*id);
                    }
                    // Lists indexed by the loop variable in an innermost
                    // range loop: the loop is versioned on their lengths.
                    let pairs: Vec<(usize, usize)> = scan
                        .indexed_by
                        .iter()
                        .filter(|(l, k)| k == id && self.hoisted.contains_key(l))
                        .copied()
                        .collect();
                    if matches!(r[2].kind, K::Int(1)) && !pairs.is_empty() && !contains_loop(body) {
                        let mut lens: Vec<u32> = pairs.iter().map(|(l, _)| self.hoisted[l].0).collect();
                        lens.sort_unstable();
                        lens.dedup();
                        self.version = Some(Version { lens, pairs });
                    }
                }
                self.open(BlockType::Empty, Label::Break);
                let elem = iter.ty.elem().unwrap_or(Type::Int);
                self.for_each(iter, &mut |cx, item| {
                    cx.open(BlockType::Empty, Label::Continue);
                    cx.code.push(I::LocalGet(item));
                    cx.store(target, &elem, *span)?;
                    cx.block(body)?;
                    cx.end_block();
                    Ok(())
                })?;
                self.end_block();
                self.assigned = before;
                self.hoisted = saved_hoisted;
                self.nonneg.truncate(saved_nonneg);
                self.version = None;
            }
            Stmt::Break => {
                let d = self.br_depth(Label::Break);
                self.code.push(I::Br(d));
            }
            Stmt::Continue => {
                let d = self.br_depth(Label::Continue);
                self.code.push(I::Br(d));
            }
            Stmt::Assert(c, msg, span) => {
                self.expr(c)?;
                self.code.push(I::I32Eqz);
                match msg {
                    None => self.raise_if(ErrorKind::AssertionError, *span, ""),
                    Some(m) => {
                        self.code.push(I::If(BlockType::Empty));
                        self.labels.push(Label::Plain);
                        self.expr(m)?;
                        self.emit_to_str(&m.ty)?;
                        self.site(*span);
                        self.call_rt("rt_assert_fail")?;
                        self.code.push(I::Unreachable);
                        self.end_block();
                    }
                }
            }
        }
        Ok(())
    }

    /// Branches to `target` when the truthiness of `c` is `when`, else
    /// falls through. `and`, `or` and `not` become jumps (short-circuiting
    /// as they do as values), so a condition is never materialized as a
    /// boolean: comparisons fuse with their branches.
    fn branch_on(&mut self, c: &Expr, when: bool, target: Label) -> R<()> {
        match &c.kind {
            K::Unary(UnaryOp::Not, x) => self.branch_on(x, !when, target),
            K::Truthy(x) => self.branch_on(x, when, target),
            K::BoolOp(op, values) if !values.is_empty() => {
                // `and` jumps on the first falsy operand, `or` on the first
                // truthy one; the other way, every operand must agree.
                if (*op == BoolOp::And) != when {
                    return values.iter().try_for_each(|v| self.branch_on(v, when, target));
                }
                let (first, last) = values.split_at(values.len() - 1);
                let skip = self.fresh_mark();
                self.open(BlockType::Empty, skip);
                for v in first {
                    self.branch_on(v, !when, skip)?;
                }
                self.branch_on(&last[0], when, target)?;
                self.end_block();
                Ok(())
            }
            _ => {
                self.expr(c)?;
                self.truthy(&c.ty)?;
                if !when && matches!(c.kind, K::Compare(..)) {
                    // Jump when false as `if c {} else br`: the branch
                    // takes the comparison's inverse (`eqz` of a float
                    // comparison would not fuse with it: NaN).
                    self.code.push(I::If(BlockType::Empty));
                    self.code.push(I::Else);
                    let d = self.br_depth(target) + 1;
                    self.code.push(I::Br(d));
                    self.code.push(I::End);
                    return Ok(());
                }
                if !when {
                    self.code.push(I::I32Eqz);
                }
                let d = self.br_depth(target);
                self.code.push(I::BrIf(d));
                Ok(())
            }
        }
    }

    /// The assigned set at the end of a branch that began with `before`:
    /// everything, when the branch cannot fall through (it ends in
    /// `return`, `break` or `continue`).
    fn branch_end(&mut self, stmts: &[Stmt], before: Vec<bool>) -> Vec<bool> {
        let now = std::mem::replace(&mut self.assigned, before);
        match stmts.last() {
            Some(Stmt::Return(..) | Stmt::Break | Stmt::Continue) => vec![true; now.len()],
            _ => now,
        }
    }

    fn local_ty(&self, id: usize) -> Type {
        self.current_locals().get(id).map_or(Type::Int, |l| l.ty.clone())
    }

    /// The locals of the function being generated (none for init and entry).
    fn current_locals(&self) -> &'p [crate::tir::Local] {
        let program: &'p Program = self.m.program;
        match self.m.current_fn {
            Some(f) => &program.functions[f].locals,
            None => &[],
        }
    }

    /// Stores the value on the stack (of type `ty`) into a target.
    fn store(&mut self, target: &Target, ty: &Type, span: Span) -> R<()> {
        match target {
            Target::Local(id) => {
                let (v, flag) = self.slot(*id, span)?;
                self.code.push(I::LocalSet(v));
                if let Some(flag) = flag {
                    self.emit([I::I32Const(1), I::LocalSet(flag)]);
                }
                if let Some(a) = self.assigned.get_mut(*id) {
                    *a = true;
                }
                Ok(())
            }
            Target::Index { seq, index, span } => {
                self.emit_to_slot(ty);
                let v = self.save(ValType::I64);
                self.expr(seq)?;
                let l = self.save(ValType::I32);
                self.expr_int(index)?;
                let hoisted = match &seq.kind {
                    K::Local(id) => self.hoisted.get(id).copied(),
                    _ => None,
                };
                let check = self.check_for(seq, index);
                let addr = match hoisted {
                    Some(h) => self.hoisted_item_address(h, check, *span, "list assignment index out of range"),
                    None => self.item_address(l, &seq.ty, check, *span, "list assignment index out of range"),
                };
                self.emit([I::LocalGet(addr), I::LocalGet(v), I::I64Store(mem(0, 3))]);
                Ok(())
            }
            Target::Unpack(targets, uspan) => {
                let n = targets.len();
                let seq = if *ty == Type::Str {
                    // A string unpacks into its characters.
                    let s = self.save(ValType::I32);
                    let chars = self.collect_str(s)?;
                    self.code.push(I::LocalGet(chars));
                    Type::list(Type::Str)
                } else {
                    ty.clone()
                };
                let v = self.save(ValType::I32);
                self.emit([I::LocalGet(v), I::I32Load(mem(0, 2)), I::I32Const(n as i32)]);
                self.site(*uspan);
                self.call_rt("rt_unpack_check")?;
                // Read every item before assigning any (a target may be an item of the same list).
                let mut temps = Vec::new();
                for i in 0..n {
                    let ity = item_type(&seq, i);
                    self.load_item_const(v, &seq, i);
                    self.emit_from_slot(&ity);
                    let t = self.save(val_type(&ity, *uspan)?);
                    temps.push((t, ity));
                }
                for (t, (local, ity)) in targets.iter().zip(temps) {
                    self.code.push(I::LocalGet(local));
                    self.store(t, &ity, *uspan)?;
                }
                Ok(())
            }
        }
    }

    /// Loads, before a loop, the headers of the list locals its body indexes
    /// and does not assign (the caller checked that nothing in the loop can
    /// change a list's length or items pointer). An unbound local reads as
    /// address 0, harmlessly: its uses still check it before the value counts.
    fn hoist_headers(&mut self, target: &Target, scan: &Scan) {
        let mut assigned = Vec::new();
        target_locals(target, &mut assigned);
        let locals = self.current_locals();
        for &id in &scan.indexed {
            if assigned.contains(&id) || scan.assigned.contains(&id) || self.hoisted.contains_key(&id) {
                continue;
            }
            if !matches!(locals.get(id).map(|l| &l.ty), Some(Type::List(_))) {
                continue;
            }
            let Some(&(v, _)) = self.slots.get(id) else { continue };
            let (n, items) = (self.new_local(ValType::I64), self.new_local(ValType::I32));
            self.emit([
                I::LocalGet(v),
                I::I32Load(mem(0, 2)),
                I::I64ExtendI32U,
                I::LocalSet(n),
                I::LocalGet(v),
                I::I32Load(mem(8, 2)),
                I::LocalSet(items),
            ]);
            self.hoisted.insert(id, (n, items));
        }
    }

    /// Is `e` a local known to hold a non-negative int here?
    fn is_nonneg(&self, e: &Expr) -> bool {
        matches!(e.kind, K::Local(id) if self.nonneg.contains(&id))
    }

    /// How `seq[index]` must be checked here.
    fn check_for(&self, seq: &Expr, index: &Expr) -> Check {
        match (&seq.kind, &index.kind) {
            (K::Local(l), K::Local(k)) if self.in_bounds.contains(&(*l, *k)) => Check::None,
            _ if self.is_nonneg(index) => Check::Upper,
            _ => Check::Full,
        }
    }

    /// The address of an item of a list whose header was hoisted into the
    /// locals (length, items pointer), with the bounds check (the i64 index
    /// is on the stack).
    fn hoisted_item_address(&mut self, (n, items): (u32, u32), check: Check, span: Span, message: &str) -> u32 {
        let i = self.save(ValType::I64);
        self.slot_address(i, n, items, check, span, message)
    }

    /// With an i64 index on the stack: checks it against the length of the
    /// list or tuple in local `seq` (Python's negative indices included,
    /// raising IndexError with `message`) and returns a local holding the
    /// address of that item's slot.
    fn item_address(&mut self, seq: u32, ty: &Type, check: Check, span: Span, message: &str) -> u32 {
        let i = self.save(ValType::I64);
        let n = self.new_local(ValType::I64);
        self.emit([I::LocalGet(seq), I::I32Load(mem(0, 2)), I::I64ExtendI32U, I::LocalSet(n)]);
        if matches!(ty, Type::List(_)) {
            self.emit([I::LocalGet(seq), I::I32Load(mem(8, 2))]);
        } else {
            self.emit([I::LocalGet(seq), I::I32Const(8), I::I32Add]);
        }
        let base = self.save(ValType::I32);
        self.slot_address(i, n, base, check, span, message)
    }

    /// The address of slot `i` (an i64 local, negative counting from the
    /// end) of `n` slots starting at `base`, raising IndexError with
    /// `message` when out of range; returns it in a new local.
    fn slot_address(&mut self, i: u32, n: u32, base: u32, check: Check, span: Span, message: &str) -> u32 {
        let k = match check {
            Check::None => i,
            Check::Upper => {
                let k = self.new_local(ValType::I64);
                self.emit([I::LocalGet(i), I::LocalTee(k), I::LocalGet(n), I::I64GeU]);
                self.raise_if(ErrorKind::IndexError, span, message);
                k
            }
            Check::Full => {
                // k = i + (n if i < 0); unsigned k >= n covers both ends.
                let k = self.new_local(ValType::I64);
                self.emit([
                    I::LocalGet(i),
                    I::LocalGet(i),
                    I::I64Const(63),
                    I::I64ShrS,
                    I::LocalGet(n),
                    I::I64And,
                    I::I64Add,
                    I::LocalTee(k),
                    I::LocalGet(n),
                    I::I64GeU,
                ]);
                self.raise_if(ErrorKind::IndexError, span, message);
                k
            }
        };
        self.emit([I::LocalGet(base), I::LocalGet(k), I::I32WrapI64, I::I32Const(3), I::I32Shl, I::I32Add]);
        self.save(ValType::I32)
    }

    /// Pushes slot `i` (known in range) of the list or tuple in local `v`.
    fn load_item_const(&mut self, v: u32, ty: &Type, i: usize) {
        if matches!(ty, Type::List(_)) {
            self.emit([I::LocalGet(v), I::I32Load(mem(8, 2)), I::I64Load(mem(8 * i as u64, 3))]);
        } else {
            self.emit([I::LocalGet(v), I::I64Load(mem(8 + 8 * i as u64, 3))]);
        }
    }

    /// Pushes slot `i` (an i32 local, known in range) of the list or tuple in local `v`.
    fn load_item(&mut self, v: u32, ty: &Type, i: u32) {
        if matches!(ty, Type::List(_)) {
            self.emit([I::LocalGet(v), I::I32Load(mem(8, 2))]);
        } else {
            self.emit([I::LocalGet(v), I::I32Const(8), I::I32Add]);
        }
        self.emit([I::LocalGet(i), I::I32Const(3), I::I32Shl, I::I32Add, I::I64Load(mem(0, 3))]);
    }

    fn slot(&self, id: usize, span: Span) -> R<(u32, Option<u32>)> {
        match self.slots.get(id) {
            Some((v, flag)) if *v != u32::MAX => Ok((*v, *flag)),
            _ => unsupported("a local of this type", span),
        }
    }

    fn aug_assign(&mut self, target: &Target, op: BinOp, value: &Expr, span: Span) -> R<()> {
        match target {
            Target::Local(id) => {
                let ty = self.local_ty(*id);
                let current = Expr { kind: K::Local(*id), ty: ty.clone(), span };
                if matches!(ty, Type::List(_)) && matches!(op, BinOp::Add | BinOp::Mul) {
                    // `list += ...` and `list *= n` update the list in place.
                    self.expr(&current)?;
                    let l = self.save(ValType::I32);
                    self.list_inplace(l, op, value, span)?;
                    return Ok(());
                }
                let combined =
                    Expr { kind: K::Binary(op, Box::new(current), Box::new(value.clone())), ty: ty.clone(), span };
                self.expr(&combined)?;
                self.store(target, &ty, span)
            }
            Target::Index { seq, index, span: ispan } => {
                // The container and index are evaluated once, as in Python.
                self.expr(seq)?;
                let s = self.save(ValType::I32);
                self.expr_int(index)?;
                let i = self.save(ValType::I64);
                let ty = seq.ty.elem().unwrap_or(Type::Int);
                self.emit([I::LocalGet(s), I::LocalGet(i)]);
                self.site(*ispan);
                self.call_rt("rt_list_getitem")?;
                self.emit_from_slot(&ty);
                if matches!(ty, Type::List(_)) && matches!(op, BinOp::Add | BinOp::Mul) {
                    let l = self.save(ValType::I32);
                    self.list_inplace(l, op, value, span)?;
                    self.code.push(I::LocalGet(l));
                } else {
                    let cur = self.save(val_type(&ty, span)?);
                    self.expr(value)?;
                    let rhs = self.save(val_type(&value.ty, span)?);
                    self.binary_locals(op, cur, &ty, rhs, &value.ty, &ty, span)?;
                }
                self.emit_to_slot(&ty);
                let v = self.save(ValType::I64);
                self.emit([I::LocalGet(s), I::LocalGet(i), I::LocalGet(v)]);
                self.site(*ispan);
                self.call_rt("rt_list_setitem")
            }
            Target::Unpack(_, span) => unsupported("augmented assignment to several targets", *span),
        }
    }

    /// `l += value` / `l *= value` on the list in local `l`.
    fn list_inplace(&mut self, l: u32, op: BinOp, value: &Expr, span: Span) -> R<()> {
        if op == BinOp::Mul {
            self.code.push(I::LocalGet(l));
            self.expr_int(value)?;
            return self.call_rt("rt_list_imul");
        }
        let (src, is_tuple) = self.sequence_value(value)?;
        let _ = span;
        self.emit([I::LocalGet(l), I::LocalGet(src), I::I32Const(is_tuple as i32)]);
        self.call_rt("rt_list_extend")
    }

    /// Evaluates an iterable into a list or tuple local whose items can be
    /// read (a string or lazy iterable is collected); returns (local, is_tuple).
    fn sequence_value(&mut self, e: &Expr) -> R<(u32, bool)> {
        match &e.ty {
            Type::List(_) if !is_lazy(e) => {
                self.expr(e)?;
                Ok((self.save(ValType::I32), false))
            }
            Type::Tuple(_) | Type::TupleOf(_) => {
                self.expr(e)?;
                Ok((self.save(ValType::I32), true))
            }
            _ => Ok((self.collect(e)?, false)),
        }
    }

    // ------------------------------------------------------------ iteration

    /// Emits a loop calling `f` with a local holding each item of the
    /// iterable `iter`, lazily for `range`/`enumerate`/`zip`/`reversed`
    /// and comprehensions, as the interpreter's `for_each`. The loop runs
    /// to the end; `f` exits it by branching to a label outside.
    fn for_each(&mut self, iter: &Expr, f: &mut dyn FnMut(&mut Self, u32) -> R<()>) -> R<()> {
        match &iter.kind {
            K::Builtin(Builtin::Range, args) => self.range_loop(args, iter.span, f),
            K::Builtin(Builtin::Enumerate, args) => {
                self.expr_int(&args[1])?;
                let n = self.save(ValType::I64);
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                self.for_each(&args[0], &mut |cx, item| {
                    cx.emit([I::I32Const(2)]);
                    cx.call_rt("rt_tuple_new")?;
                    let t = cx.save(ValType::I32);
                    cx.emit([I::LocalGet(t), I::LocalGet(n), I::I64Store(mem(8, 3))]);
                    cx.emit([I::LocalGet(t), I::LocalGet(item)]);
                    cx.emit_to_slot(&elem);
                    cx.emit([I::I64Store(mem(16, 3))]);
                    cx.emit([I::LocalGet(n), I::I64Const(1), I::I64Add, I::LocalSet(n)]);
                    f(cx, t)
                })
            }
            K::Builtin(Builtin::Zip, args) => {
                let mut cols = Vec::new();
                for a in args {
                    cols.push(self.collect(a)?);
                }
                // n = min of the lengths.
                let n = self.new_local(ValType::I32);
                self.emit([I::I32Const(i32::MAX), I::LocalSet(n)]);
                for c in &cols {
                    self.emit([
                        I::LocalGet(*c),
                        I::I32Load(mem(0, 2)),
                        I::LocalGet(n),
                        I::LocalGet(*c),
                        I::I32Load(mem(0, 2)),
                        I::LocalGet(n),
                        I::I32LtU,
                        I::Select,
                        I::LocalSet(n),
                    ]);
                }
                let i = self.new_local(ValType::I32);
                self.emit([I::I32Const(0), I::LocalSet(i)]);
                let done = self.fresh_mark();
                self.open(BlockType::Empty, done);
                self.open_loop(Label::Plain);
                self.emit([I::LocalGet(i), I::LocalGet(n), I::I32GeU]);
                let d = self.br_depth(done);
                self.code.push(I::BrIf(d));
                self.emit([I::I32Const(cols.len() as i32)]);
                self.call_rt("rt_tuple_new")?;
                let t = self.save(ValType::I32);
                for (j, c) in cols.iter().enumerate() {
                    self.code.push(I::LocalGet(t));
                    self.load_item(*c, &Type::list(Type::Int), i);
                    self.code.push(I::I64Store(mem(8 + 8 * j as u64, 3)));
                }
                self.emit([I::LocalGet(i), I::I32Const(1), I::I32Add, I::LocalSet(i)]);
                f(self, t)?;
                self.code.push(I::Br(0));
                self.end_block();
                self.end_block();
                Ok(())
            }
            K::Builtin(Builtin::Reversed, args) => {
                let l = self.collect(&args[0])?;
                let elem = iter.ty.elem().unwrap_or(Type::Int);
                let i = self.new_local(ValType::I32);
                self.emit([I::LocalGet(l), I::I32Load(mem(0, 2)), I::LocalSet(i)]);
                let done = self.fresh_mark();
                self.open(BlockType::Empty, done);
                self.open_loop(Label::Plain);
                self.emit([I::LocalGet(i), I::I32Eqz]);
                let d = self.br_depth(done);
                self.code.push(I::BrIf(d));
                self.emit([I::LocalGet(i), I::I32Const(1), I::I32Sub, I::LocalSet(i)]);
                self.load_item(l, &Type::list(elem.clone()), i);
                self.emit_from_slot(&elem);
                let item = self.save(val_type(&elem, iter.span)?);
                f(self, item)?;
                self.code.push(I::Br(0));
                self.end_block();
                self.end_block();
                Ok(())
            }
            K::Comprehension(elt, clauses) => self.comprehension(elt, clauses, 0, f),
            _ => {
                self.expr(iter)?;
                let v = self.save(ValType::I32);
                self.sequence_loop(v, &iter.ty, iter.span, f)
            }
        }
    }

    /// Iterates over the list, tuple or string in local `v`. A list's
    /// length is re-read at every step (appending while iterating is seen).
    fn sequence_loop(&mut self, v: u32, ty: &Type, span: Span, f: &mut dyn FnMut(&mut Self, u32) -> R<()>) -> R<()> {
        let i = self.new_local(ValType::I32);
        self.emit([I::I32Const(0), I::LocalSet(i)]);
        let done = self.fresh_mark();
        self.open(BlockType::Empty, done);
        self.open_loop(Label::Plain);
        // i (a byte offset for strings) >= length: done.
        self.emit([I::LocalGet(i), I::LocalGet(v), I::I32Load(mem(0, 2)), I::I32GeU]);
        let d = self.br_depth(done);
        self.code.push(I::BrIf(d));
        let item = if *ty == Type::Str {
            self.emit([I::LocalGet(v), I::LocalGet(i)]);
            self.call_rt("rt_str_char_at_byte")?;
            let c = self.save(ValType::I32);
            self.emit([I::LocalGet(i), I::LocalGet(c), I::I32Load(mem(0, 2)), I::I32Add, I::LocalSet(i)]);
            c
        } else {
            let elem = ty.elem().unwrap_or(Type::Int);
            self.load_item(v, ty, i);
            self.emit_from_slot(&elem);
            let item = self.save(val_type(&elem, span)?);
            self.emit([I::LocalGet(i), I::I32Const(1), I::I32Add, I::LocalSet(i)]);
            item
        };
        f(self, item)?;
        self.code.push(I::Br(0));
        self.end_block();
        self.end_block();
        Ok(())
    }

    /// One chunk of a `range(a, b)` loop: charges its `n` iterations to the
    /// budget, then runs them from `i` to `chunk_end` with no check inside.
    fn range_chunk(&mut self, i: u32, n: u32, chunk_end: u32, f: &mut dyn FnMut(&mut Self, u32) -> R<()>) -> R<()> {
        self.emit(meter::charge_start());
        self.code.push(I::LocalGet(n));
        let cost_at = self.code.len();
        self.emit([I::I64Const(0), I::I64Mul]);
        self.emit(meter::charge_end());
        // The chunk: at least one iteration, so the test is at the bottom.
        self.open_loop(Label::Plain);
        self.code.push(I::Nop);
        let body_start = self.code.len();
        // The item is the counter itself (the body cannot assign it), and
        // it steps at the bottom: one value live through the body, not two.
        f(self, i)?;
        self.emit([
            I::LocalGet(i),
            I::I64Const(1),
            I::I64Add,
            I::LocalTee(i),
            I::LocalGet(chunk_end),
            I::I64LtS,
            I::BrIf(0),
        ]);
        self.end_block();
        self.code[cost_at] = I::I64Const(meter::loop_cost(&self.code[body_start..]));
        Ok(())
    }

    /// `range(start, stop, step)` as a loop; stops rather than overflow.
    fn range_loop(&mut self, args: &[Expr], span: Span, f: &mut dyn FnMut(&mut Self, u32) -> R<()>) -> R<()> {
        // Taken first: a loop inside the arguments is not the one versioned.
        let version = self.version.take();
        let (i, stop, step) =
            (self.new_local(ValType::I64), self.new_local(ValType::I64), self.new_local(ValType::I64));
        self.expr_int(&args[0])?;
        self.code.push(I::LocalSet(i));
        self.expr_int(&args[1])?;
        self.code.push(I::LocalSet(stop));
        if matches!(args[2].kind, K::Int(1)) {
            // The common `range(a, b)`: i < stop <= i64::MAX, so i + 1 cannot
            // overflow. The iterations run in chunks of at most `meter::CHUNK`,
            // each charged to the budget at once, so the inner loop has no check.
            let done = self.fresh_mark();
            self.open(BlockType::Empty, done);
            self.open_loop(Label::Plain);
            self.code.push(I::Nop); // metered here, not by `meter::instrument`
            self.emit([I::LocalGet(i), I::LocalGet(stop), I::I64GeS]);
            let d = self.br_depth(done);
            self.code.push(I::BrIf(d));
            // n = min(stop - i, CHUNK); stop - i is exact as a u64 since i < stop.
            let (n, chunk_end) = (self.new_local(ValType::I64), self.new_local(ValType::I64));
            self.emit([
                I::LocalGet(stop),
                I::LocalGet(i),
                I::I64Sub,
                I::LocalTee(n),
                I::I64Const(meter::CHUNK),
                I::LocalGet(n),
                I::I64Const(meter::CHUNK),
                I::I64LtU,
                I::Select,
                I::LocalTee(n),
                I::LocalGet(i),
                I::I64Add,
                I::LocalSet(chunk_end),
            ]);
            match version {
                // Versioned: when the chunk starts at 0 or above and ends
                // within every length, the copy of the body that indexes
                // those lists by the loop variable has no bounds checks.
                Some(Version { lens, pairs }) => {
                    self.emit([I::LocalGet(i), I::I64Const(0), I::I64GeS]);
                    for n in lens {
                        self.emit([I::LocalGet(chunk_end), I::LocalGet(n), I::I64LeS, I::I32And]);
                    }
                    self.code.push(I::If(BlockType::Empty));
                    self.labels.push(Label::Plain);
                    let saved = self.in_bounds.len();
                    self.in_bounds.extend(pairs);
                    // Each copy starts from what is assigned before it.
                    let assigned = self.assigned.clone();
                    self.range_chunk(i, n, chunk_end, f)?;
                    self.in_bounds.truncate(saved);
                    self.assigned = assigned;
                    self.code.push(I::Else);
                    self.range_chunk(i, n, chunk_end, f)?;
                    self.end_block();
                }
                None => self.range_chunk(i, n, chunk_end, f)?,
            }
            // The chunk ran to its end (a `break` leaves the whole loop): the
            // next chunk starts there. Taking `chunk_end` rather than the
            // counter leaves the counter dead after the inner loop, so it can
            // step in place, with no copy on the back edge.
            self.emit([I::LocalGet(chunk_end), I::LocalSet(i)]);
            self.code.push(I::Br(0));
            self.end_block();
            self.end_block();
            return Ok(());
        }
        self.expr_int(&args[2])?;
        self.code.push(I::LocalTee(step));
        self.code.push(I::I64Eqz);
        self.raise_if(ErrorKind::ValueError, span, "range() arg 3 must not be zero");
        let done = self.fresh_mark();
        self.open(BlockType::Empty, done);
        self.open_loop(Label::Plain);
        // (step > 0 and i < stop) or (step < 0 and i > stop)
        self.emit([
            I::LocalGet(step),
            I::I64Const(0),
            I::I64GtS,
            I::If(BlockType::Result(ValType::I32)),
            I::LocalGet(i),
            I::LocalGet(stop),
            I::I64LtS,
            I::Else,
            I::LocalGet(i),
            I::LocalGet(stop),
            I::I64GtS,
            I::End,
            I::I32Eqz,
        ]);
        let d = self.br_depth(done);
        self.code.push(I::BrIf(d));
        let item = self.new_local(ValType::I64);
        self.emit([I::LocalGet(i), I::LocalSet(item)]);
        // i += step, leaving the loop after this item when that would
        // overflow (the interpreter's checked_add).
        let next = self.new_local(ValType::I64);
        let last = self.new_local(ValType::I32);
        self.emit([
            I::LocalGet(i),
            I::LocalGet(step),
            I::I64Add,
            I::LocalTee(next),
            I::LocalGet(i),
            I::I64Xor,
            I::LocalGet(next),
            I::LocalGet(step),
            I::I64Xor,
            I::I64And,
            I::I64Const(0),
            I::I64LtS,
            I::LocalSet(last),
            I::LocalGet(next),
            I::LocalSet(i),
        ]);
        f(self, item)?;
        self.code.push(I::LocalGet(last));
        let d = self.br_depth(done);
        self.code.push(I::BrIf(d));
        self.code.push(I::Br(0));
        self.end_block();
        self.end_block();
        Ok(())
    }

    /// The clauses of a comprehension from `depth` on; `f` gets each element.
    fn comprehension(
        &mut self,
        elt: &Expr,
        clauses: &[Clause],
        depth: usize,
        f: &mut dyn FnMut(&mut Self, u32) -> R<()>,
    ) -> R<()> {
        let Some(clause) = clauses.get(depth) else {
            self.expr(elt)?;
            let v = self.save(val_type(&elt.ty, elt.span)?);
            return f(self, v);
        };
        let elem = clause.iter.ty.elem().unwrap_or(Type::Int);
        let before = self.assigned.clone();
        let r = self.for_each(&clause.iter, &mut |cx, item| {
            let skip = cx.fresh_mark();
            cx.open(BlockType::Empty, skip);
            cx.code.push(I::LocalGet(item));
            cx.store(&clause.target, &elem, clause.iter.span)?;
            for cond in &clause.ifs {
                cx.expr(cond)?;
                cx.code.push(I::I32Eqz);
                let d = cx.br_depth(skip);
                cx.code.push(I::BrIf(d));
            }
            cx.comprehension(elt, clauses, depth + 1, f)?;
            cx.end_block();
            Ok(())
        });
        self.assigned = before;
        r
    }

    /// All items of an iterable, in a new list (a local).
    fn collect(&mut self, iter: &Expr) -> R<u32> {
        if !is_lazy(iter) && matches!(iter.ty, Type::List(_)) {
            self.expr(iter)?;
            self.call_rt("rt_list_copy")?;
            return Ok(self.save(ValType::I32));
        }
        self.code.push(I::I32Const(0));
        self.call_rt("rt_list_new")?;
        let l = self.save(ValType::I32);
        if !is_lazy(iter) && matches!(iter.ty, Type::Tuple(_) | Type::TupleOf(_)) {
            self.expr(iter)?;
            let t = self.save(ValType::I32);
            self.emit([I::LocalGet(l), I::LocalGet(t), I::I32Const(1)]);
            self.call_rt("rt_list_extend")?;
            return Ok(l);
        }
        let elem = iter.ty.elem().unwrap_or(Type::Int);
        self.for_each(iter, &mut |cx, item| {
            cx.emit([I::LocalGet(l), I::LocalGet(item)]);
            cx.emit_to_slot(&elem);
            cx.call_rt("rt_list_push")
        })?;
        Ok(l)
    }

    /// The characters of the string in local `s`, as a new list.
    fn collect_str(&mut self, s: u32) -> R<u32> {
        self.code.push(I::I32Const(0));
        self.call_rt("rt_list_new")?;
        let l = self.save(ValType::I32);
        self.sequence_loop(s, &Type::Str, Span::default(), &mut |cx, item| {
            cx.emit([I::LocalGet(l), I::LocalGet(item), I::I64ExtendI32U]);
            cx.call_rt("rt_list_push")
        })?;
        Ok(l)
    }

    /// An iterable that is already a list is used as is (for read-only
    /// consumers that run no program code while reading); others are collected.
    fn list_of(&mut self, iter: &Expr) -> R<u32> {
        if !is_lazy(iter) && matches!(iter.ty, Type::List(_)) {
            self.expr(iter)?;
            return Ok(self.save(ValType::I32));
        }
        self.collect(iter)
    }

    // ----------------------------------------------------------- expressions

    /// Evaluates an int-valued expression (a bool is widened).
    fn expr_int(&mut self, e: &Expr) -> R<()> {
        self.expr(e)?;
        if e.ty == Type::Bool {
            self.code.push(I::I64ExtendI32U);
        }
        Ok(())
    }

    fn expr(&mut self, e: &Expr) -> R<()> {
        // Nesting is bounded by the parser (MAX_NESTING); the stack grows on
        // the heap if a debug build's frames need more than the thread has.
        stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &Expr) -> R<()> {
        let span = e.span;
        match &e.kind {
            K::Int(v) => self.code.push(I::I64Const(*v)),
            K::Float(v) => self.code.push(I::F64Const(Ieee64::from(*v))),
            K::Bool(b) => self.code.push(I::I32Const(*b as i32)),
            K::Str(s) => {
                let a = self.m.str_const(s);
                self.code.push(I::I32Const(a as i32));
            }
            K::None => {}
            K::Local(id) => {
                let (v, flag) = self.slot(*id, span)?;
                let definitely = self.assigned.get(*id).copied().unwrap_or(false);
                if let Some(flag) = flag.filter(|_| !definitely) {
                    let name = self.current_locals().get(*id).map_or(String::new(), |l| l.name.clone());
                    self.emit([I::LocalGet(flag), I::I32Eqz]);
                    self.raise_if(
                        ErrorKind::UnboundLocalError,
                        span,
                        &format!("cannot access local variable '{name}' where it is not associated with a value"),
                    );
                }
                self.code.push(I::LocalGet(v));
            }
            K::Const(id) => {
                let g = self.m.const_globals[*id];
                self.code.push(I::GlobalGet(g));
            }
            K::Hole(i) => match self.m.options.holes.as_ref().and_then(|h| h.get(*i)) {
                Some(v) => self.code.push(I::I64Const(*v)),
                None => {
                    self.raise(ErrorKind::HoleError, span, "the program still has an unfilled hole `??`");
                }
            },
            K::IntToFloat(x) => {
                self.expr_int(x)?;
                self.code.push(I::F64ConvertI64S);
            }
            K::Truthy(x) => {
                self.expr(x)?;
                self.truthy(&x.ty)?;
            }
            K::Binary(op, l, r) => self.binary(*op, l, r, &e.ty, span)?,
            K::Unary(op, x) => match (op, &x.ty) {
                (UnaryOp::Neg, Type::Int) => {
                    self.code.push(I::I64Const(0));
                    self.expr(x)?;
                    self.code.push(I::I64Sub);
                }
                (UnaryOp::Neg, Type::Float) => {
                    self.expr(x)?;
                    self.code.push(I::F64Neg);
                }
                (UnaryOp::Pos, _) => self.expr(x)?,
                (UnaryOp::Invert, Type::Int) => {
                    self.expr(x)?;
                    self.emit([I::I64Const(-1), I::I64Xor]);
                }
                (UnaryOp::Not, _) => {
                    self.expr(x)?;
                    self.truthy(&x.ty)?;
                    self.code.push(I::I32Eqz);
                }
                _ => return unsupported(format!("`{op:?}` on `{}`", x.ty), span),
            },
            K::Compare(first, rest) => self.compare(first, rest)?,
            K::BoolOp(op, values) => self.bool_op(*op, values, &e.ty, span)?,
            K::IfExp(c, a, b) => {
                self.expr(c)?;
                let vt = val_type(&e.ty, span)?;
                self.code.push(I::If(BlockType::Result(vt)));
                self.labels.push(Label::Plain);
                self.expr(a)?;
                self.code.push(I::Else);
                self.expr(b)?;
                self.end_block();
            }
            K::Call(fid, args) => {
                for a in args {
                    self.expr(a)?;
                }
                let callee = &self.m.program.functions[*fid];
                if callee.is_stub {
                    // A batched candidate's functions are named `name#k` (tir::merge).
                    let name = callee.name.split('#').next().unwrap_or_default();
                    let message = format!("`{name}` has no body yet (it is a synthesis target)");
                    self.raise(ErrorKind::NotImplementedError, span, &message);
                    return Ok(());
                }
                let g = self.m.depth_global;
                let max = self.m.options.max_depth as i32;
                self.emit([I::GlobalGet(g), I::I32Const(max), I::I32GeU]);
                self.raise_if(ErrorKind::RecursionError, span, "maximum recursion depth exceeded");
                self.code.push(I::Call(self.m.user_base + *fid as u32));
            }
            K::Builtin(b, args) => self.builtin(*b, args, e)?,
            K::Method(m, args) => self.method(*m, args, e)?,
            K::Index(s, i) => {
                self.expr(s)?;
                if s.ty == Type::Str {
                    self.expr_int(i)?;
                    self.site(span);
                    self.call_rt("rt_str_getitem")?;
                } else if let Some(h) = match &s.kind {
                    K::Local(id) => self.hoisted.get(id).copied(),
                    _ => None,
                } {
                    // The list's header was loaded before the loop.
                    self.code.push(I::Drop);
                    self.expr_int(i)?;
                    let check = self.check_for(s, i);
                    let addr = self.hoisted_item_address(h, check, span, "list index out of range");
                    self.code.push(I::LocalGet(addr));
                    self.load_slot(&e.ty);
                } else {
                    // Inline: evaluators index lists in their hottest loops.
                    let seq = self.save(ValType::I32);
                    self.expr_int(i)?;
                    let what = if matches!(s.ty, Type::List(_)) { "list" } else { "tuple" };
                    let check = self.check_for(s, i);
                    let addr = self.item_address(seq, &s.ty, check, span, &format!("{what} index out of range"));
                    self.code.push(I::LocalGet(addr));
                    self.load_slot(&e.ty);
                }
            }
            K::Slice(s, lo, hi, st) => {
                self.expr(s)?;
                for b in [lo, hi] {
                    match b {
                        Some(b) => {
                            self.expr_int(b)?;
                            self.code.push(I::I32Const(1));
                        }
                        None => self.emit([I::I64Const(0), I::I32Const(0)]),
                    }
                }
                match st {
                    Some(st) => self.expr_int(st)?,
                    None => self.code.push(I::I64Const(1)),
                }
                self.site(span);
                match &s.ty {
                    Type::Str => self.call_rt("rt_str_slice")?,
                    Type::List(_) => self.call_rt("rt_list_slice")?,
                    _ => self.call_rt("rt_tuple_slice")?,
                }
            }
            K::List(items) => {
                self.code.push(I::I32Const(items.len() as i32));
                self.call_rt("rt_list_new")?;
                let l = self.save(ValType::I32);
                for item in items {
                    self.code.push(I::LocalGet(l));
                    self.expr_slot(item)?;
                    self.call_rt("rt_list_push")?;
                }
                self.code.push(I::LocalGet(l));
            }
            K::Tuple(items) => {
                // Items first (a failing item allocates nothing), then the tuple.
                let mut temps = Vec::new();
                for item in items {
                    self.expr_slot(item)?;
                    temps.push(self.save(ValType::I64));
                }
                self.code.push(I::I32Const(items.len() as i32));
                self.call_rt("rt_tuple_new")?;
                let t = self.save(ValType::I32);
                for (i, v) in temps.into_iter().enumerate() {
                    self.emit([I::LocalGet(t), I::LocalGet(v), I::I64Store(mem(8 + 8 * i as u64, 3))]);
                }
                self.code.push(I::LocalGet(t));
            }
            K::Comprehension(elt, clauses) => {
                self.code.push(I::I32Const(0));
                self.call_rt("rt_list_new")?;
                let l = self.save(ValType::I32);
                let ety = elt.ty.clone();
                self.comprehension(elt, clauses, 0, &mut |cx, item| {
                    cx.emit([I::LocalGet(l), I::LocalGet(item)]);
                    cx.emit_to_slot(&ety);
                    cx.call_rt("rt_list_push")
                })?;
                self.code.push(I::LocalGet(l));
            }
        }
        Ok(())
    }

    /// Replaces the value on the stack by its truthiness (an i32).
    fn truthy(&mut self, ty: &Type) -> R<()> {
        match ty {
            Type::Int => self.emit([I::I64Const(0), I::I64Ne]),
            // NaN is truthy, and `nan != 0.0` holds.
            Type::Float => self.emit([I::F64Const(Ieee64::from(0.0)), I::F64Ne]),
            Type::Bool => {}
            // Strings, lists and tuples: a non-zero length (the first word).
            Type::Str | Type::List(_) | Type::Tuple(_) | Type::TupleOf(_) => {
                self.emit([I::I32Load(mem(0, 2)), I::I32Const(0), I::I32Ne]);
            }
            Type::None => self.code.push(I::I32Const(0)),
        }
        Ok(())
    }

    /// Evaluates `e` as a float (converting an int or bool operand).
    fn expr_as_float(&mut self, e: &Expr) -> R<()> {
        self.expr(e)?;
        self.emit_to_float(&e.ty);
        Ok(())
    }

    fn emit_to_float(&mut self, ty: &Type) {
        match ty {
            Type::Int => self.code.push(I::F64ConvertI64S),
            Type::Bool => self.emit([I::I64ExtendI32U, I::F64ConvertI64S]),
            _ => {}
        }
    }

    /// Converts the value on the stack (of `from`) to `str()` of it.
    fn emit_to_str(&mut self, from: &Type) -> R<()> {
        match from {
            Type::Str => {}
            Type::Int => self.call_rt("rt_int_str")?,
            Type::Float => self.call_rt("rt_float_repr")?,
            Type::Bool => {
                let t = self.m.str_const("True");
                let f = self.m.str_const("False");
                let b = self.save(ValType::I32);
                self.emit([I::I32Const(t as i32), I::I32Const(f as i32), I::LocalGet(b), I::Select]);
            }
            other => {
                self.emit_to_slot(other);
                let v = self.save(ValType::I64);
                self.desc(other);
                self.code.push(I::LocalGet(v));
                self.call_rt("rt_to_str")?;
            }
        }
        Ok(())
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, ty: &Type, span: Span) -> R<()> {
        // `x % c` and `x // c` with a positive constant: no zero or -1 cases,
        // and cranelift turns the division into a multiplication.
        if let (Type::Int, Type::Int, K::Int(c), BinOp::Mod | BinOp::FloorDiv) = (ty, &l.ty, &r.kind, op)
            && *c > 0
        {
            self.expr(l)?;
            let x = self.save(ValType::I64);
            let rem = self.new_local(ValType::I64);
            self.emit([I::LocalGet(x), I::I64Const(*c), I::I64RemS, I::LocalSet(rem)]);
            if op == BinOp::Mod {
                // rem + (c if rem < 0)
                self.emit([
                    I::LocalGet(rem),
                    I::LocalGet(rem),
                    I::I64Const(63),
                    I::I64ShrS,
                    I::I64Const(*c),
                    I::I64And,
                ]);
                self.code.push(I::I64Add);
            } else {
                // x / c - (1 if rem < 0)
                self.emit([I::LocalGet(x), I::I64Const(*c), I::I64DivS, I::LocalGet(rem), I::I64Const(63), I::I64ShrU]);
                self.code.push(I::I64Sub);
            }
            return Ok(());
        }
        self.expr(l)?;
        let a = self.save(val_type(&l.ty, l.span)?);
        self.expr(r)?;
        let b = self.save(val_type(&r.ty, r.span)?);
        self.binary_locals(op, a, &l.ty, b, &r.ty, ty, span)
    }

    /// `a op b` for two locals, pushing a value of type `ty`.
    #[allow(clippy::too_many_arguments)]
    fn binary_locals(&mut self, op: BinOp, a: u32, at: &Type, b: u32, bt: &Type, ty: &Type, span: Span) -> R<()> {
        let get = |cx: &mut Self, v: u32, t: &Type, want: &Type| {
            cx.code.push(I::LocalGet(v));
            match (t, want) {
                (Type::Bool, Type::Int) => cx.code.push(I::I64ExtendI32U),
                (Type::Int | Type::Bool, Type::Float) => cx.emit_to_float(t),
                _ => {}
            }
        };
        match ty {
            Type::Int if is_numeric(at) && is_numeric(bt) => {
                get(self, a, at, &Type::Int);
                get(self, b, bt, &Type::Int);
                self.int_binary(op, span)
            }
            Type::Float if matches!(at, Type::Int | Type::Bool) && matches!(bt, Type::Int | Type::Bool) => {
                // int / int, correctly rounded.
                get(self, a, at, &Type::Int);
                get(self, b, bt, &Type::Int);
                let y = self.save(ValType::I64);
                self.emit([I::LocalGet(y), I::I64Eqz]);
                self.raise_if(ErrorKind::ZeroDivisionError, span, "division by zero");
                self.code.push(I::LocalGet(y));
                self.call_rt("rt_int_true_div")
            }
            Type::Float => {
                get(self, a, at, &Type::Float);
                get(self, b, bt, &Type::Float);
                self.float_binary(op, span)
            }
            Type::Bool => {
                self.emit([I::LocalGet(a), I::LocalGet(b)]);
                match op {
                    BinOp::BitAnd => self.code.push(I::I32And),
                    BinOp::BitOr => self.code.push(I::I32Or),
                    BinOp::BitXor => self.code.push(I::I32Xor),
                    _ => return unsupported(format!("`{}` on bools", op.as_str()), span),
                }
                Ok(())
            }
            Type::Str | Type::List(_) | Type::Tuple(_) | Type::TupleOf(_) => {
                let kind = match ty {
                    Type::Str => "str",
                    Type::List(_) => "list",
                    _ => "tuple",
                };
                match op {
                    BinOp::Add => {
                        self.emit([I::LocalGet(a), I::LocalGet(b)]);
                        self.call_rt(match kind {
                            "str" => "rt_str_concat",
                            "list" => "rt_list_concat",
                            _ => "rt_tuple_concat",
                        })
                    }
                    BinOp::Mul => {
                        // The int may be on either side.
                        let (seq, n, nt) = if is_numeric(at) { (b, a, at) } else { (a, b, bt) };
                        self.code.push(I::LocalGet(seq));
                        get(self, n, nt, &Type::Int);
                        self.site(span);
                        self.call_rt(match kind {
                            "str" => "rt_str_repeat",
                            "list" => "rt_list_repeat",
                            _ => "rt_tuple_repeat",
                        })
                    }
                    _ => unsupported(format!("`{}` on `{at}` and `{bt}`", op.as_str()), span),
                }
            }
            _ => unsupported(format!("`{}` on `{at}` and `{bt}`", op.as_str()), span),
        }
    }

    fn float_binary(&mut self, op: BinOp, span: Span) -> R<()> {
        match op {
            BinOp::Add => self.code.push(I::F64Add),
            BinOp::Sub => self.code.push(I::F64Sub),
            BinOp::Mul => self.code.push(I::F64Mul),
            BinOp::Div | BinOp::FloorDiv | BinOp::Mod => {
                let y = self.save(ValType::F64);
                self.emit([I::LocalGet(y), I::F64Const(Ieee64::from(0.0)), I::F64Eq]);
                let msg = match op {
                    BinOp::Div => "float division by zero",
                    BinOp::FloorDiv => "float floor division by zero",
                    _ => "float modulo",
                };
                self.raise_if(ErrorKind::ZeroDivisionError, span, msg);
                self.code.push(I::LocalGet(y));
                match op {
                    BinOp::Div => self.code.push(I::F64Div),
                    BinOp::FloorDiv => {
                        self.code.push(I::I32Const(0));
                        self.call_rt("rt_float_divmod")?;
                    }
                    _ => {
                        self.code.push(I::I32Const(1));
                        self.call_rt("rt_float_divmod")?;
                    }
                }
            }
            BinOp::Pow => {
                self.site(span);
                self.call_rt("rt_float_pow")?;
            }
            _ => return unsupported(format!("`{}` on floats", op.as_str()), span),
        }
        Ok(())
    }

    /// `x op y` on the two i64s on the stack.
    fn int_binary(&mut self, op: BinOp, span: Span) -> R<()> {
        let simple = match op {
            BinOp::Add => Some(I::I64Add),
            BinOp::Sub => Some(I::I64Sub),
            BinOp::Mul => Some(I::I64Mul),
            BinOp::BitAnd => Some(I::I64And),
            BinOp::BitOr => Some(I::I64Or),
            BinOp::BitXor => Some(I::I64Xor),
            _ => None,
        };
        if let Some(ins) = simple {
            self.code.push(ins);
            return Ok(());
        }
        let (x, y) = (self.new_local(ValType::I64), self.new_local(ValType::I64));
        self.emit([I::LocalSet(y), I::LocalSet(x)]);
        match op {
            BinOp::FloorDiv => {
                self.emit([I::LocalGet(y), I::I64Eqz]);
                self.raise_if(ErrorKind::ZeroDivisionError, span, "integer division or modulo by zero");
                // x // -1 wraps (Wasm's div_s would trap on i64::MIN / -1).
                self.emit([
                    I::LocalGet(y),
                    I::I64Const(-1),
                    I::I64Eq,
                    I::If(BlockType::Result(ValType::I64)),
                    I::I64Const(0),
                    I::LocalGet(x),
                    I::I64Sub,
                    I::Else,
                    I::LocalGet(x),
                    I::LocalGet(y),
                    I::I64DivS,
                    // Floor: subtract 1 when inexact and the signs differ.
                    I::LocalGet(x),
                    I::LocalGet(y),
                    I::I64RemS,
                    I::I64Const(0),
                    I::I64Ne,
                    I::LocalGet(x),
                    I::LocalGet(y),
                    I::I64Xor,
                    I::I64Const(0),
                    I::I64LtS,
                    I::I32And,
                    I::I64ExtendI32U,
                    I::I64Sub,
                    I::End,
                ]);
            }
            BinOp::Mod => {
                self.emit([I::LocalGet(y), I::I64Eqz]);
                self.raise_if(ErrorKind::ZeroDivisionError, span, "integer division or modulo by zero");
                let rem = self.new_local(ValType::I64);
                // rem_s(i64::MIN, -1) is 0 in Wasm, as Python's result.
                self.emit([
                    I::LocalGet(x),
                    I::LocalGet(y),
                    I::I64RemS,
                    I::LocalTee(rem),
                    I::LocalGet(y),
                    I::I64Const(0),
                    I::LocalGet(rem),
                    I::I64Const(0),
                    I::I64Ne,
                    I::LocalGet(rem),
                    I::LocalGet(y),
                    I::I64Xor,
                    I::I64Const(0),
                    I::I64LtS,
                    I::I32And,
                    I::Select,
                    I::I64Add,
                ]);
            }
            BinOp::Pow => {
                self.emit([I::LocalGet(y), I::I64Const(0), I::I64LtS]);
                self.raise_if(
                    ErrorKind::ValueError,
                    span,
                    "negative exponent for int ** int (Python would return a float; write float(x) ** y)",
                );
                self.emit([I::LocalGet(x), I::LocalGet(y), I::Call(self.m.pow_idx)]);
            }
            BinOp::LShift | BinOp::RShift => {
                self.emit([I::LocalGet(y), I::I64Const(0), I::I64LtS]);
                self.raise_if(ErrorKind::ValueError, span, "negative shift count");
                if op == BinOp::LShift {
                    self.emit([
                        I::LocalGet(y),
                        I::I64Const(64),
                        I::I64GeS,
                        I::If(BlockType::Result(ValType::I64)),
                        I::I64Const(0),
                        I::Else,
                        I::LocalGet(x),
                        I::LocalGet(y),
                        I::I64Shl,
                        I::End,
                    ]);
                } else {
                    // Shifting right by 63 or more leaves the sign.
                    self.emit([
                        I::LocalGet(x),
                        I::LocalGet(y),
                        I::I64Const(63),
                        I::LocalGet(y),
                        I::I64Const(63),
                        I::I64LtS,
                        I::Select,
                        I::I64ShrS,
                    ]);
                }
            }
            _ => return unsupported(format!("`{}` on ints", op.as_str()), span),
        }
        Ok(())
    }

    fn compare(&mut self, first: &Expr, rest: &[(CmpOp, Expr)]) -> R<()> {
        // A chain in a block (result i32): each failing link exits with 0.
        // A single comparison has no block, so a branch on it sits in the
        // same basic block as the comparison and fuses with it.
        let chain = rest.len() > 1;
        if chain {
            self.open(BlockType::Result(ValType::I32), Label::Plain);
        }
        self.expr(first)?;
        let mut prev = self.save(val_type(&first.ty, first.span)?);
        let mut prev_ty = first.ty.clone();
        for (i, (op, r)) in rest.iter().enumerate() {
            let last = i + 1 == rest.len();
            let (cur, cur_ty) = match (op, &r.kind) {
                // `x in range(...)` ending a chain: by arithmetic, as CPython.
                (CmpOp::In | CmpOp::NotIn, K::Builtin(Builtin::Range, args)) if last => {
                    self.in_range(prev, &prev_ty, args, r.span)?;
                    (prev, prev_ty.clone())
                }
                (CmpOp::In | CmpOp::NotIn, _) => {
                    let (c, cty) = if is_lazy(r) {
                        (self.collect(r)?, Type::list(r.ty.elem().unwrap_or(Type::Int)))
                    } else {
                        self.expr(r)?;
                        (self.save(ValType::I32), r.ty.clone())
                    };
                    self.contains(prev, &prev_ty, c, &cty)?;
                    (c, cty)
                }
                _ => {
                    self.expr(r)?;
                    let cur = self.save(val_type(&r.ty, r.span)?);
                    self.compare_locals(*op, prev, &prev_ty, cur, &r.ty)?;
                    (cur, r.ty.clone())
                }
            };
            if *op == CmpOp::NotIn {
                self.code.push(I::I32Eqz);
            }
            if !last {
                self.emit([I::I32Eqz, I::If(BlockType::Empty), I::I32Const(0), I::Br(1), I::End]);
            }
            prev = cur;
            prev_ty = cur_ty;
        }
        if rest.is_empty() {
            self.code.push(I::I32Const(1));
        }
        if chain {
            self.end_block();
        }
        Ok(())
    }

    /// Pushes `needle in container` (an i32) for two locals.
    fn contains(&mut self, needle: u32, nty: &Type, c: u32, cty: &Type) -> R<()> {
        if *cty == Type::Str {
            self.emit([I::LocalGet(c), I::LocalGet(needle)]);
            return self.call_rt("rt_str_contains");
        }
        self.desc(cty);
        self.code.push(I::LocalGet(c));
        self.code.push(I::I64ExtendI32U);
        self.desc(nty);
        self.code.push(I::LocalGet(needle));
        self.emit_to_slot(nty);
        self.call_rt("rt_contains")
    }

    /// Pushes `needle in range(a, b, s)` (an i32), by arithmetic.
    fn in_range(&mut self, needle: u32, nty: &Type, args: &[Expr], span: Span) -> R<()> {
        for a in args {
            self.expr_int(a)?;
        }
        let s = self.save(ValType::I64);
        let b = self.save(ValType::I64);
        let a = self.save(ValType::I64);
        self.emit([I::LocalGet(s), I::I64Eqz]);
        self.raise_if(ErrorKind::ValueError, span, "range() arg 3 must not be zero");
        match nty {
            Type::Int | Type::Bool => {
                self.code.push(I::LocalGet(needle));
                if *nty == Type::Bool {
                    self.code.push(I::I64ExtendI32U);
                }
                self.emit([I::LocalGet(a), I::LocalGet(b), I::LocalGet(s)]);
                self.call_rt("rt_in_range")
            }
            Type::Float => {
                self.emit([I::LocalGet(needle), I::LocalGet(a), I::LocalGet(b), I::LocalGet(s)]);
                self.call_rt("rt_in_range_float")
            }
            _ => {
                self.code.push(I::I32Const(0));
                Ok(())
            }
        }
    }

    /// Pushes `a op b` (an i32) for two locals of any comparable types.
    fn compare_locals(&mut self, op: CmpOp, a: u32, at: &Type, b: u32, bt: &Type) -> R<()> {
        if is_numeric(at) && is_numeric(bt) {
            let num = |cx: &mut Self, v: u32, t: &Type| -> ValType {
                cx.code.push(I::LocalGet(v));
                match t {
                    Type::Float => ValType::F64,
                    Type::Bool => {
                        cx.code.push(I::I64ExtendI32U);
                        ValType::I64
                    }
                    _ => ValType::I64,
                }
            };
            let avt = num(self, a, at);
            let a2 = self.save(avt);
            let bvt = num(self, b, bt);
            let b2 = self.save(bvt);
            return self.compare_numeric(op, a2, avt, b2, bvt);
        }
        // c = -1, 0, 1, or 2 (unordered); equality separately (lists compare by identity first).
        let c = self.new_local(ValType::I32);
        if *at == Type::Str && *bt == Type::Str {
            self.emit([I::LocalGet(a), I::LocalGet(b)]);
            if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                self.call_rt("rt_str_eq")?;
                if op == CmpOp::Ne {
                    self.code.push(I::I32Eqz);
                }
                return Ok(());
            }
            self.call_rt("rt_str_cmp")?;
        } else {
            self.desc(at);
            self.code.push(I::LocalGet(a));
            self.emit_to_slot(at);
            self.desc(bt);
            self.code.push(I::LocalGet(b));
            self.emit_to_slot(bt);
            if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                self.call_rt("rt_eq")?;
                if op == CmpOp::Ne {
                    self.code.push(I::I32Eqz);
                }
                return Ok(());
            }
            self.call_rt("rt_cmp")?;
        }
        self.code.push(I::LocalSet(c));
        self.ordering_test(op, c);
        Ok(())
    }

    /// Pushes `op` (an i32) read off a three-way comparison in local `c`:
    /// -1, 0, 1, or 2 when unordered (NaN), which fails every ordering.
    fn ordering_test(&mut self, op: CmpOp, c: u32) {
        let test = |cx: &mut Self, v: i32| cx.emit([I::LocalGet(c), I::I32Const(v), I::I32Eq]);
        match op {
            CmpOp::Eq => test(self, 0),
            CmpOp::Ne => {
                test(self, 0);
                self.code.push(I::I32Eqz);
            }
            CmpOp::Lt => test(self, -1),
            CmpOp::Gt => test(self, 1),
            CmpOp::Le => {
                test(self, -1);
                test(self, 0);
                self.code.push(I::I32Or);
            }
            _ => {
                test(self, 1);
                test(self, 0);
                self.code.push(I::I32Or);
            }
        }
    }

    /// Pushes `a op b` (an i32) for two numeric locals (i64 or f64).
    fn compare_numeric(&mut self, op: CmpOp, a: u32, a_ty: ValType, b: u32, b_ty: ValType) -> R<()> {
        match (a_ty, b_ty) {
            (ValType::I64, ValType::I64) => {
                let ins = match op {
                    CmpOp::Eq => I::I64Eq,
                    CmpOp::Ne => I::I64Ne,
                    CmpOp::Lt => I::I64LtS,
                    CmpOp::Le => I::I64LeS,
                    CmpOp::Gt => I::I64GtS,
                    _ => I::I64GeS,
                };
                self.emit([I::LocalGet(a), I::LocalGet(b), ins]);
            }
            (ValType::F64, ValType::F64) => {
                let ins = match op {
                    CmpOp::Eq => I::F64Eq,
                    CmpOp::Ne => I::F64Ne,
                    CmpOp::Lt => I::F64Lt,
                    CmpOp::Le => I::F64Le,
                    CmpOp::Gt => I::F64Gt,
                    _ => I::F64Ge,
                };
                self.emit([I::LocalGet(a), I::LocalGet(b), ins]);
            }
            _ => {
                // Exact int/float comparison in the runtime: c = cmp(int, float) in {-1, 0, 1, 2}.
                let (int, float, op) = if a_ty == ValType::I64 { (a, b, op) } else { (b, a, flip(op)) };
                let c = self.new_local(ValType::I32);
                self.emit([I::LocalGet(int), I::LocalGet(float)]);
                self.call_rt("rt_cmp_int_float")?;
                self.code.push(I::LocalSet(c));
                self.ordering_test(op, c);
            }
        }
        Ok(())
    }

    fn bool_op(&mut self, op: BoolOp, values: &[Expr], ty: &Type, span: Span) -> R<()> {
        let vt = val_type(ty, span)?;
        let t = self.new_local(vt);
        self.open(BlockType::Result(vt), Label::Plain);
        for (i, v) in values.iter().enumerate() {
            self.expr(v)?;
            if i + 1 == values.len() {
                break;
            }
            self.code.push(I::LocalTee(t));
            self.truthy(ty)?;
            if op == BoolOp::And {
                self.code.push(I::I32Eqz);
            }
            // The deciding operand is the result.
            self.emit([I::If(BlockType::Empty), I::LocalGet(t), I::Br(1), I::End]);
        }
        self.end_block();
        Ok(())
    }

    /// Pushes optional int arguments as (value i64, present i32) pairs.
    fn optional_ints(&mut self, args: &[&Expr], n: usize) -> R<()> {
        for i in 0..n {
            match args.get(i) {
                Some(a) => {
                    self.expr_int(a)?;
                    self.code.push(I::I32Const(1));
                }
                None => self.emit([I::I64Const(0), I::I32Const(0)]),
            }
        }
        Ok(())
    }

    fn builtin(&mut self, b: Builtin, args: &[Expr], e: &Expr) -> R<()> {
        let (ty, span) = (&e.ty, e.span);
        match b {
            Builtin::Range | Builtin::Enumerate | Builtin::Zip | Builtin::Reversed => {
                let l = self.collect(e)?;
                self.code.push(I::LocalGet(l));
            }
            Builtin::Len => match (&args[0].kind, &args[0].ty) {
                (K::Builtin(Builtin::Range, r), _) => {
                    for a in r {
                        self.expr_int(a)?;
                    }
                    self.site(span);
                    self.call_rt("rt_range_len")?;
                }
                (_, Type::Str) => {
                    self.expr(&args[0])?;
                    self.emit([I::I32Load(mem(4, 2)), I::I64ExtendI32U]);
                }
                _ => {
                    self.expr(&args[0])?;
                    self.emit([I::I32Load(mem(0, 2)), I::I64ExtendI32U]);
                }
            },
            Builtin::Abs => {
                self.expr(&args[0])?;
                match args[0].ty {
                    Type::Int => {
                        let x = self.new_local(ValType::I64);
                        // select(-x, x, x < 0); abs(i64::MIN) wraps, as in the interpreter.
                        self.emit([
                            I::LocalSet(x),
                            I::I64Const(0),
                            I::LocalGet(x),
                            I::I64Sub,
                            I::LocalGet(x),
                            I::LocalGet(x),
                            I::I64Const(0),
                            I::I64LtS,
                            I::Select,
                        ]);
                    }
                    Type::Bool => self.code.push(I::I64ExtendI32U),
                    _ => self.code.push(I::F64Abs),
                }
            }
            Builtin::MinIter | Builtin::MaxIter => {
                let l = self.list_of(&args[0])?;
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                let vt = val_type(ty, span)?;
                self.emit([I::LocalGet(l), I::I32Load(mem(0, 2)), I::I32Eqz]);
                self.code.push(I::If(BlockType::Result(vt)));
                self.labels.push(Label::Plain);
                match args.get(1) {
                    Some(d) => self.expr(d)?,
                    None => {
                        let name = if b == Builtin::MinIter { "min" } else { "max" };
                        self.raise(ErrorKind::ValueError, span, &format!("{name}() arg is an empty sequence"));
                    }
                }
                self.code.push(I::Else);
                self.desc(&elem);
                self.emit([I::LocalGet(l), I::I32Const((b == Builtin::MaxIter) as i32)]);
                self.call_rt("rt_list_extremum")?;
                self.emit_from_slot(ty);
                self.end_block();
            }
            Builtin::MinArgs | Builtin::MaxArgs => {
                let vt = val_type(ty, span)?;
                self.expr(&args[0])?;
                let best = self.save(vt);
                for a in &args[1..] {
                    self.expr(a)?;
                    let cand = self.save(vt);
                    // Replace only when strictly better, as CPython does.
                    let (x, y) = if b == Builtin::MinArgs { (cand, best) } else { (best, cand) };
                    self.compare_locals(CmpOp::Lt, x, ty, y, ty)?;
                    self.emit([I::If(BlockType::Empty), I::LocalGet(cand), I::LocalSet(best), I::End]);
                }
                self.code.push(I::LocalGet(best));
            }
            Builtin::Sum => {
                // The start first, then the items, as the interpreter.
                self.expr(&args[1])?;
                let acc = self.save(val_type(ty, span)?);
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                let item_span = args[0].span;
                self.for_each(&args[0], &mut |cx, item| {
                    cx.binary_locals(BinOp::Add, acc, ty, item, &elem, ty, item_span)?;
                    cx.code.push(I::LocalSet(acc));
                    Ok(())
                })?;
                self.code.push(I::LocalGet(acc));
            }
            Builtin::Sorted => {
                let l = self.collect(&args[0])?;
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                self.desc(&elem);
                self.code.push(I::LocalGet(l));
                self.expr(&args[1])?;
                self.truthy(&args[1].ty)?;
                self.site(span);
                self.call_rt("rt_list_sort")?;
                self.code.push(I::LocalGet(l));
            }
            Builtin::Any | Builtin::All => {
                let want = b == Builtin::Any;
                let result = self.new_local(ValType::I32);
                self.emit([I::I32Const(!want as i32), I::LocalSet(result)]);
                let out = self.fresh_mark();
                self.open(BlockType::Empty, out);
                let elem = args[0].ty.elem().unwrap_or(Type::Int);
                self.for_each(&args[0], &mut |cx, item| {
                    cx.code.push(I::LocalGet(item));
                    cx.truthy(&elem)?;
                    if !want {
                        cx.code.push(I::I32Eqz);
                    }
                    cx.emit([I::If(BlockType::Empty), I::I32Const(want as i32), I::LocalSet(result)]);
                    cx.labels.push(Label::Plain);
                    let d = cx.br_depth(out);
                    cx.code.push(I::Br(d));
                    cx.end_block();
                    Ok(())
                })?;
                self.end_block();
                self.code.push(I::LocalGet(result));
            }
            Builtin::Round => match (args.get(1), &args[0].ty) {
                (None, Type::Float) => {
                    self.expr(&args[0])?;
                    self.code.push(I::F64Nearest);
                    self.float_to_int(span);
                }
                (None, _) => self.expr_int(&args[0])?,
                (Some(n), Type::Float) => {
                    self.expr(&args[0])?;
                    self.expr_int(n)?;
                    self.call_rt("rt_round_float")?;
                }
                (Some(n), _) => {
                    self.expr_int(&args[0])?;
                    self.expr_int(n)?;
                    self.call_rt("rt_round_int")?;
                }
            },
            Builtin::Str => {
                self.expr(&args[0])?;
                self.emit_to_str(&args[0].ty)?;
            }
            Builtin::Repr => {
                self.expr(&args[0])?;
                match &args[0].ty {
                    Type::Str => self.call_rt("rt_str_repr")?,
                    t @ (Type::Int | Type::Float | Type::Bool) => self.emit_to_str(t)?,
                    other => {
                        self.emit_to_slot(other);
                        let v = self.save(ValType::I64);
                        self.desc(other);
                        self.code.push(I::LocalGet(v));
                        self.call_rt("rt_repr")?;
                    }
                }
            }
            Builtin::Int => match &args[0].ty {
                Type::Int => self.expr(&args[0])?,
                Type::Bool => self.expr_int(&args[0])?,
                Type::Float => {
                    self.expr(&args[0])?;
                    self.code.push(I::F64Trunc);
                    self.float_to_int(span);
                }
                Type::Str => {
                    self.expr(&args[0])?;
                    let base: Vec<&Expr> = args.get(1).into_iter().collect();
                    self.optional_ints(&base, 1)?;
                    self.site(span);
                    self.call_rt("rt_parse_int")?;
                }
                other => return unsupported(format!("int() of `{other}`"), span),
            },
            Builtin::Float => match &args[0].ty {
                Type::Str => {
                    self.expr(&args[0])?;
                    self.site(span);
                    self.call_rt("rt_parse_float")?;
                }
                _ => self.expr_as_float(&args[0])?,
            },
            Builtin::Bool => {
                self.expr(&args[0])?;
                self.truthy(&args[0].ty)?;
            }
            Builtin::List | Builtin::Tuple => {
                match args.first() {
                    Some(a) => {
                        let l = self.collect(a)?;
                        self.code.push(I::LocalGet(l));
                    }
                    None => {
                        self.code.push(I::I32Const(0));
                        self.call_rt("rt_list_new")?;
                    }
                }
                if b == Builtin::Tuple {
                    self.call_rt("rt_tuple_from_list")?;
                }
            }
            Builtin::Ord => {
                self.expr(&args[0])?;
                self.site(span);
                self.call_rt("rt_ord")?;
            }
            Builtin::Chr => {
                self.expr_int(&args[0])?;
                self.site(span);
                self.call_rt("rt_chr")?;
            }
            Builtin::Divmod => {
                self.expr(&args[0])?;
                let a = self.save(val_type(&args[0].ty, span)?);
                self.expr(&args[1])?;
                let c = self.save(val_type(&args[1].ty, span)?);
                let item = item_type(ty, 0);
                self.binary_locals(BinOp::FloorDiv, a, &args[0].ty, c, &args[1].ty, &item, span)?;
                self.emit_to_slot(&item);
                let q = self.save(ValType::I64);
                self.binary_locals(BinOp::Mod, a, &args[0].ty, c, &args[1].ty, &item, span)?;
                self.emit_to_slot(&item);
                let r = self.save(ValType::I64);
                self.code.push(I::I32Const(2));
                self.call_rt("rt_tuple_new")?;
                let t = self.save(ValType::I32);
                self.emit([I::LocalGet(t), I::LocalGet(q), I::I64Store(mem(8, 3))]);
                self.emit([I::LocalGet(t), I::LocalGet(r), I::I64Store(mem(16, 3)), I::LocalGet(t)]);
            }
            Builtin::Bin | Builtin::Hex | Builtin::Oct => {
                self.expr_int(&args[0])?;
                let radix = match b {
                    Builtin::Bin => 2,
                    Builtin::Hex => 16,
                    _ => 8,
                };
                self.code.push(I::I32Const(radix));
                self.call_rt("rt_int_radix")?;
            }
            Builtin::PowMod => {
                for a in args {
                    self.expr_int(a)?;
                }
                let r = self.new_local(ValType::I64);
                let status = self.new_local(ValType::I32);
                self.call_rt("rt_pow_mod")?;
                self.code.push(I::LocalSet(r));
                self.call_rt("rt_take_status")?;
                self.emit([I::LocalTee(status), I::I32Const(1), I::I32Eq]);
                self.raise_if(ErrorKind::ValueError, span, "pow() 3rd argument cannot be 0");
                self.emit([I::LocalGet(status), I::I32Const(2), I::I32Eq]);
                self.raise_if(ErrorKind::ValueError, span, "base is not invertible for the given modulus");
                self.code.push(I::LocalGet(r));
            }
            Builtin::Pow => {
                let e = Expr {
                    kind: K::Binary(BinOp::Pow, Box::new(args[0].clone()), Box::new(args[1].clone())),
                    ty: ty.clone(),
                    span,
                };
                self.expr(&e)?;
            }
        }
        Ok(())
    }

    fn method(&mut self, m: Method, args: &[Expr], e: &Expr) -> R<()> {
        let span = e.span;
        let recv = &args[0];
        let rest: Vec<&Expr> = args[1..].iter().collect();
        // join and extend consume their iterable argument themselves.
        if m == Method::StrJoin {
            self.expr(recv)?;
            let sep = self.save(ValType::I32);
            let l = self.list_of(&args[1])?;
            self.emit([I::LocalGet(sep), I::LocalGet(l)]);
            return self.call_rt("rt_str_join");
        }
        if m == Method::ListExtend {
            self.expr(recv)?;
            let l = self.save(ValType::I32);
            let (src, is_tuple) = self.sequence_value(&args[1])?;
            self.emit([I::LocalGet(l), I::LocalGet(src), I::I32Const(is_tuple as i32)]);
            return self.call_rt("rt_list_extend");
        }
        if let Some(class) = str_class(m) {
            self.expr(recv)?;
            self.code.push(I::I32Const(class));
            return self.call_rt("rt_str_is");
        }
        let simple_str = match m {
            Method::StrUpper => Some("rt_str_upper"),
            Method::StrLower => Some("rt_str_lower"),
            Method::StrCapitalize => Some("rt_str_capitalize"),
            Method::StrTitle => Some("rt_str_title"),
            Method::StrSwapcase => Some("rt_str_swapcase"),
            Method::StrSplitlines => Some("rt_str_splitlines"),
            _ => None,
        };
        if let Some(f) = simple_str {
            self.expr(recv)?;
            return self.call_rt(f);
        }
        match m {
            Method::StrStrip | Method::StrLstrip | Method::StrRstrip => {
                self.expr(recv)?;
                match rest.first() {
                    Some(c) => self.expr(c)?,
                    None => self.code.push(I::I32Const(0)),
                }
                let mode = match m {
                    Method::StrLstrip => 1,
                    Method::StrRstrip => 2,
                    _ => 3,
                };
                self.code.push(I::I32Const(mode));
                self.call_rt("rt_str_strip")
            }
            Method::StrSplit | Method::StrRsplit => {
                self.expr(recv)?;
                match rest.first() {
                    Some(sep) => self.expr(sep)?,
                    None => self.code.push(I::I32Const(0)),
                }
                match rest.get(1) {
                    Some(n) => self.expr_int(n)?,
                    None => self.code.push(I::I64Const(-1)),
                }
                self.code.push(I::I32Const((m == Method::StrRsplit) as i32));
                self.site(span);
                self.call_rt("rt_str_split")
            }
            Method::StrSplitWsMax | Method::StrRsplitWsMax => {
                self.expr(recv)?;
                self.code.push(I::I32Const(0));
                self.expr_int(rest[0])?;
                self.code.push(I::I32Const((m == Method::StrRsplitWsMax) as i32));
                self.call_rt("rt_str_split")
            }
            Method::StrFind | Method::StrRfind | Method::StrIndex | Method::StrRindex => {
                self.expr(recv)?;
                self.expr(rest[0])?;
                self.optional_ints(&rest[1..], 2)?;
                let flags = match m {
                    Method::StrFind => 0,
                    Method::StrRfind => 1,
                    Method::StrIndex => 2,
                    _ => 3,
                };
                self.code.push(I::I32Const(flags));
                self.site(span);
                self.call_rt("rt_str_find")
            }
            Method::StrCount => {
                self.expr(recv)?;
                self.expr(rest[0])?;
                self.optional_ints(&rest[1..], 2)?;
                self.call_rt("rt_str_count")
            }
            Method::StrReplace => {
                self.expr(recv)?;
                self.expr(rest[0])?;
                self.expr(rest[1])?;
                match rest.get(2) {
                    Some(n) => self.expr_int(n)?,
                    None => self.code.push(I::I64Const(-1)),
                }
                self.site(span);
                self.call_rt("rt_str_replace")
            }
            Method::StrStartswith | Method::StrEndswith => {
                self.expr(recv)?;
                self.expr(rest[0])?;
                self.code.push(I::I32Const((rest[0].ty != Type::Str) as i32));
                self.optional_ints(&rest[1..], 2)?;
                self.code.push(I::I32Const((m == Method::StrEndswith) as i32));
                self.call_rt("rt_str_affix")
            }
            Method::StrZfill => {
                self.expr(recv)?;
                self.expr_int(rest[0])?;
                self.site(span);
                self.call_rt("rt_str_zfill")
            }
            Method::StrCenter | Method::StrLjust | Method::StrRjust => {
                self.expr(recv)?;
                self.expr_int(rest[0])?;
                match rest.get(1) {
                    Some(f) => self.expr(f)?,
                    None => self.code.push(I::I32Const(0)),
                }
                let how = match m {
                    Method::StrCenter => 'c',
                    Method::StrLjust => 'l',
                    _ => 'r',
                };
                self.code.push(I::I32Const(how as i32));
                self.site(span);
                self.call_rt("rt_str_justify")
            }
            Method::ListAppend => {
                self.expr(recv)?;
                self.expr_slot(rest[0])?;
                self.site(span);
                self.call_rt("rt_list_push")
            }
            Method::ListPop => {
                self.expr(recv)?;
                self.optional_ints(&rest, 1)?;
                self.site(span);
                self.call_rt("rt_list_pop")?;
                self.emit_from_slot(&e.ty);
                Ok(())
            }
            Method::ListInsert => {
                self.expr(recv)?;
                self.expr_int(rest[0])?;
                self.expr_slot(rest[1])?;
                self.site(span);
                self.call_rt("rt_list_insert")
            }
            Method::ListRemove => {
                self.expr(recv)?;
                let l = self.save(ValType::I32);
                self.expr(rest[0])?;
                self.emit_to_slot(&rest[0].ty);
                let x = self.save(ValType::I64);
                self.desc(&recv.ty);
                self.code.push(I::LocalGet(l));
                self.desc(&rest[0].ty);
                self.code.push(I::LocalGet(x));
                self.site(span);
                self.call_rt("rt_list_remove")
            }
            Method::ListClear | Method::ListCopy | Method::ListReverse => {
                self.expr(recv)?;
                self.call_rt(match m {
                    Method::ListClear => "rt_list_clear",
                    Method::ListCopy => "rt_list_copy",
                    _ => "rt_list_reverse",
                })
            }
            Method::ListSort => {
                self.expr(recv)?;
                let l = self.save(ValType::I32);
                self.expr(rest[0])?;
                self.truthy(&rest[0].ty)?;
                let rev = self.save(ValType::I32);
                self.desc(&recv.ty.elem().unwrap_or(Type::Int));
                self.emit([I::LocalGet(l), I::LocalGet(rev)]);
                self.site(span);
                self.call_rt("rt_list_sort")
            }
            Method::SeqCount
                if matches!(&recv.ty, Type::List(t) | Type::TupleOf(t)
                    if **t == rest[0].ty && matches!(rest[0].ty, Type::Int | Type::Bool)) =>
            {
                // Ints and bools are equal exactly when their slots are: count
                // inline, without the runtime's generic comparison per item.
                self.expr(recv)?;
                let s = self.save(ValType::I32);
                self.expr_slot(rest[0])?;
                let x = self.save(ValType::I64);
                let (n, items, i, k) = (
                    self.new_local(ValType::I32),
                    self.new_local(ValType::I32),
                    self.new_local(ValType::I32),
                    self.new_local(ValType::I64),
                );
                let items_at = if matches!(recv.ty, Type::List(_)) {
                    [I::LocalGet(s), I::I32Load(mem(8, 2))]
                } else {
                    [I::LocalGet(s), I::I32Const(8)]
                };
                self.emit([I::LocalGet(s), I::I32Load(mem(0, 2)), I::LocalSet(n)]);
                self.emit(items_at);
                if !matches!(recv.ty, Type::List(_)) {
                    self.code.push(I::I32Add);
                }
                self.emit([I::LocalSet(items), I::I32Const(0), I::LocalSet(i), I::I64Const(0), I::LocalSet(k)]);
                let done = self.fresh_mark();
                self.open(BlockType::Empty, done);
                self.open_loop(Label::Plain);
                self.emit([I::LocalGet(i), I::LocalGet(n), I::I32GeU]);
                let d = self.br_depth(done);
                self.emit([
                    I::BrIf(d),
                    I::LocalGet(k),
                    I::LocalGet(items),
                    I::LocalGet(i),
                    I::I32Const(3),
                    I::I32Shl,
                    I::I32Add,
                    I::I64Load(mem(0, 3)),
                    I::LocalGet(x),
                    I::I64Eq,
                    I::I64ExtendI32U,
                    I::I64Add,
                    I::LocalSet(k),
                    I::LocalGet(i),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(i),
                    I::Br(0),
                ]);
                self.end_block();
                self.end_block();
                self.code.push(I::LocalGet(k));
                Ok(())
            }
            Method::SeqIndex | Method::SeqCount => {
                self.expr(recv)?;
                let s = self.save(ValType::I32);
                self.expr(rest[0])?;
                self.emit_to_slot(&rest[0].ty);
                let x = self.save(ValType::I64);
                self.desc(&recv.ty);
                self.emit([I::LocalGet(s), I::I64ExtendI32U]);
                self.desc(&rest[0].ty);
                self.code.push(I::LocalGet(x));
                if m == Method::SeqCount {
                    return self.call_rt("rt_seq_count");
                }
                self.optional_ints(&rest[1..], 2)?;
                self.site(span);
                self.call_rt("rt_seq_index")
            }
            other => unsupported(format!("the method {other:?}"), span),
        }
    }

    /// Converts the integral f64 on the stack to i64 with Python's errors.
    fn float_to_int(&mut self, span: Span) {
        let f = self.new_local(ValType::F64);
        self.emit([I::LocalTee(f), I::LocalGet(f), I::F64Ne]);
        self.raise_if(ErrorKind::ValueError, span, "cannot convert float NaN to integer");
        self.emit([I::LocalGet(f), I::F64Abs, I::F64Const(Ieee64::from(f64::INFINITY)), I::F64Eq]);
        self.raise_if(ErrorKind::OverflowError, span, "cannot convert float infinity to integer");
        self.emit([
            I::LocalGet(f),
            I::F64Const(Ieee64::from(9_223_372_036_854_775_808.0)),
            I::F64Ge,
            I::LocalGet(f),
            I::F64Const(Ieee64::from(-9_223_372_036_854_775_808.0)),
            I::F64Lt,
            I::I32Or,
        ]);
        self.raise_if(ErrorKind::OverflowError, span, "float too large for a 64-bit int");
        self.emit([I::LocalGet(f), I::I64TruncF64S]);
    }
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
