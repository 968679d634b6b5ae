//! The code generator: typed IR to a WebAssembly module, linked with the C
//! runtime (`link.rs`). Semantics follow the reference interpreter exactly:
//! 64-bit wrapping ints with Python's floor division and modulo, exact
//! int/float comparison, Python's shifts, the recursion limit, unbound-local
//! checks, and runtime errors raised through the runtime's error record with
//! the source span and a message id (the messages stay on the host).
//!
//! Status (issue 3): the scalar core — `int`, `float`, `bool`, every
//! statement, calls and recursion, constants, holes, scalar builtins.
//! Strings, lists, tuples, float `//`/`%`/`**` and formatting come next;
//! until then they are reported as [`CodegenError::Unsupported`].

use super::link::{LinkError, Linker};
use crate::ast::{BinOp, BoolOp, CmpOp, UnaryOp};
use crate::interp::ErrorKind;
use crate::span::Span;
use crate::tir::{Builtin, Expr, ExprKind as K, FuncId, Program, Stmt, Target};
use crate::types::Type;
use wasm_encoder::{BlockType, ExportKind, Function, GlobalType, Ieee64, Instruction as I, ValType};

/// The exported function that evaluates the module-level constants; the
/// host calls it once before anything else.
pub const INIT_EXPORT: &str = "__synth_init";
/// The exported zero-argument function that evaluates the entry expression.
pub const ENTRY_EXPORT: &str = "__synth_entry";
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
    /// The module: imports nothing, exports `memory`, every `def` by name,
    /// [`INIT_EXPORT`], [`ENTRY_EXPORT`] when an entry was given, and the
    /// runtime's `__synth_error_addr`.
    pub bytes: Vec<u8>,
    /// Runtime error messages by id (see [`MESSAGE_ID`]).
    pub messages: Vec<String>,
    /// The entry expression's type.
    pub entry_ty: Option<Type>,
}

/// Why a program could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    /// A construct the Wasm backend does not handle yet.
    #[error("the Wasm backend does not support {what} yet")]
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

/// The Wasm type of a value of `ty`, for the types the backend supports.
fn val_type(ty: &Type, span: Span) -> R<ValType> {
    match ty {
        Type::Int => Ok(ValType::I64),
        Type::Float => Ok(ValType::F64),
        Type::Bool => Ok(ValType::I32),
        other => unsupported(format!("values of type `{other}`"), span),
    }
}

fn result_types(ty: &Type, span: Span) -> R<Vec<ValType>> {
    if *ty == Type::None { Ok(Vec::new()) } else { Ok(vec![val_type(ty, span)?]) }
}

/// Runtime functions generated code calls.
struct Runtime {
    raise: u32,
    cmp_int_float: u32,
    int_true_div: u32,
    pow_mod: u32,
    take_status: u32,
    error_addr: u32,
}

/// Compiles `program`, plus an exported entry function evaluating `entry`
/// (a closed expression such as `f(1, 2)`) when given.
pub fn compile(program: &Program, entry: Option<&Expr>, options: &Options) -> R<WasmModule> {
    let mut l = Linker::new(super::RUNTIME_WASM)?;
    let rt = Runtime {
        raise: l.func("rt_raise")?,
        cmp_int_float: l.func("rt_cmp_int_float")?,
        int_true_div: l.func("rt_int_true_div")?,
        pow_mod: l.func("rt_pow_mod")?,
        take_status: l.func("rt_take_status")?,
        error_addr: l.func("__synth_error_addr")?,
    };
    let n_user = program.functions.len() as u32;
    let first = l.n_funcs;
    // Generated functions: the program's, then init, entry and helpers.
    let init_idx = first + n_user;
    let entry_idx = init_idx + 1;
    let pow_idx = entry_idx + 1;
    // Globals: the call depth, then one per constant.
    let depth_global = l.n_globals;
    l.globals.global(
        GlobalType { val_type: ValType::I32, mutable: true, shared: false },
        &wasm_encoder::ConstExpr::i32_const(0),
    );
    let mut const_globals = Vec::new();
    for (i, c) in program.consts.iter().enumerate() {
        let vt = val_type(&c.ty, c.span)?;
        let init = match vt {
            ValType::I64 => wasm_encoder::ConstExpr::i64_const(0),
            ValType::F64 => wasm_encoder::ConstExpr::f64_const(Ieee64::from(0.0)),
            _ => wasm_encoder::ConstExpr::i32_const(0),
        };
        l.globals.global(GlobalType { val_type: vt, mutable: true, shared: false }, &init);
        const_globals.push(depth_global + 1 + i as u32);
    }
    let mut types: Vec<(Vec<ValType>, Vec<ValType>)> = Vec::new();
    let mut type_of = |l: &mut Linker, params: Vec<ValType>, results: Vec<ValType>| -> u32 {
        if let Some(i) = types.iter().position(|(p, r)| *p == params && *r == results) {
            return l.n_types + i as u32;
        }
        l.types.ty().function(params.clone(), results.clone());
        types.push((params, results));
        l.n_types + types.len() as u32 - 1
    };
    let mut module = ModuleCx {
        program,
        options,
        rt,
        first_func: first,
        pow_idx,
        depth_global,
        const_globals,
        messages: Vec::new(),
        current_fn: None,
    };
    // With an entry, only what it (and the constants) can call is compiled;
    // without one, every function is, to be called by name.
    let needed = match entry {
        Some(e) => super::reach::reachable(program, &[e]),
        None => vec![true; program.functions.len()],
    };
    let mut bodies = Vec::new();
    for (fid, f) in program.functions.iter().enumerate() {
        if !needed[fid] {
            // Keeps the function indices; never called, never exported.
            let ty = type_of(&mut l, vec![], vec![]);
            l.functions.function(ty);
            let mut body = Function::new([]);
            body.instruction(&I::Unreachable).instruction(&I::End);
            bodies.push(body);
            continue;
        }
        let params: Vec<ValType> = f.params.iter().map(|p| val_type(&p.ty, f.span)).collect::<R<_>>()?;
        let results = result_types(&f.ret, f.span)?;
        let ty = type_of(&mut l, params, results);
        l.functions.function(ty);
        bodies.push(module.function(fid)?);
    }
    // __synth_init: evaluate constants in order.
    let ty_void = type_of(&mut l, vec![], vec![]);
    l.functions.function(ty_void);
    bodies.push(module.init()?);
    // __synth_entry.
    let entry_ty = entry.map(|e| e.ty.clone());
    let entry_results = match entry {
        Some(e) => result_types(&e.ty, e.span)?,
        None => Vec::new(),
    };
    let ty_entry = type_of(&mut l, vec![], entry_results);
    l.functions.function(ty_entry);
    bodies.push(module.entry(entry)?);
    // Helpers.
    let ty_pow = type_of(&mut l, vec![ValType::I64, ValType::I64], vec![ValType::I64]);
    l.functions.function(ty_pow);
    bodies.push(pow_i64_body());

    for b in &bodies {
        l.code.function(b);
    }
    for (fid, f) in program.functions.iter().enumerate() {
        if needed[fid] {
            l.exports.export(&f.name, ExportKind::Func, first + fid as u32);
        }
    }
    l.exports.export(INIT_EXPORT, ExportKind::Func, init_idx);
    if entry.is_some() {
        l.exports.export(ENTRY_EXPORT, ExportKind::Func, entry_idx);
    }
    l.exports.export("__synth_error_addr", ExportKind::Func, module.rt.error_addr);
    let messages = module.messages;
    Ok(WasmModule { bytes: l.finish(), messages, entry_ty })
}

/// `base ** exp` by squaring, wrapping like the interpreter (`exp >= 0`).
fn pow_i64_body() -> Function {
    let mut f = Function::new([(1, ValType::I64)]);
    let (b, e, r) = (0, 1, 2);
    for ins in [
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
        I::End,
    ] {
        f.instruction(&ins);
    }
    f
}

/// Module-wide state while generating functions.
struct ModuleCx<'p> {
    program: &'p Program,
    options: &'p Options,
    rt: Runtime,
    first_func: u32,
    pow_idx: u32,
    depth_global: u32,
    const_globals: Vec<u32>,
    messages: Vec<String>,
    /// The program function being generated, if any.
    current_fn: Option<usize>,
}

/// What a `br` can target.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    Plain,
    Break,
    Continue,
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
    labels: Vec<Label>,
    /// Does this function count call depth (program functions do)?
    counts_depth: bool,
}

impl<'p> ModuleCx<'p> {
    fn function(&mut self, fid: FuncId) -> R<Function> {
        let program = self.program;
        let f = &program.functions[fid];
        self.current_fn = Some(fid);
        let mut cx = FnCx::new(self, f.params.len() as u32, true);
        for (i, local) in f.locals.iter().enumerate() {
            if i < f.params.len() {
                cx.slots.push((i as u32, None));
                continue;
            }
            // A local of an unsupported type only matters if it is used.
            let vt = match val_type(&local.ty, f.span) {
                Ok(vt) => vt,
                Err(_) => {
                    cx.slots.push((u32::MAX, None));
                    continue;
                }
            };
            let v = cx.new_local(vt);
            let flag = cx.new_local(ValType::I32);
            cx.slots.push((v, Some(flag)));
        }
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
        Ok(cx.finish())
    }

    fn init(&mut self) -> R<Function> {
        let program = self.program;
        self.current_fn = None;
        let mut cx = FnCx::new(self, 0, false);
        for (i, c) in program.consts.iter().enumerate() {
            cx.expr(&c.value)?;
            let g = cx.m.const_globals[i];
            cx.code.push(I::GlobalSet(g));
        }
        Ok(cx.finish())
    }

    fn entry(&mut self, entry: Option<&Expr>) -> R<Function> {
        self.current_fn = None;
        let mut cx = FnCx::new(self, 0, false);
        if let Some(e) = entry {
            cx.expr(e)?;
        }
        Ok(cx.finish())
    }

    fn message(&mut self, text: &str) -> u32 {
        if let Some(i) = self.messages.iter().position(|m| m == text) {
            return i as u32;
        }
        self.messages.push(text.to_string());
        self.messages.len() as u32 - 1
    }
}

impl<'m, 'p> FnCx<'m, 'p> {
    fn new(m: &'m mut ModuleCx<'p>, n_params: u32, counts_depth: bool) -> FnCx<'m, 'p> {
        FnCx { m, code: Vec::new(), n_params, extra: Vec::new(), slots: Vec::new(), labels: Vec::new(), counts_depth }
    }

    fn new_local(&mut self, vt: ValType) -> u32 {
        self.extra.push(vt);
        self.n_params + self.extra.len() as u32 - 1
    }

    fn finish(self) -> Function {
        let mut f = Function::new(self.extra.iter().map(|vt| (1, *vt)));
        for ins in &self.code {
            f.instruction(ins);
        }
        f.instruction(&I::End);
        f
    }

    fn emit(&mut self, ins: impl IntoIterator<Item = I<'static>>) {
        self.code.extend(ins);
    }

    /// Records a runtime error and traps (the stack is polymorphic after it).
    fn raise(&mut self, kind: ErrorKind, span: Span, message: &str) {
        let id = self.m.message(message);
        self.emit([
            I::I32Const(kind.code() as i32),
            I::I32Const(span.start as i32),
            I::I32Const(span.end as i32),
            I::I32Const(id as i32),
            I::I32Const(MESSAGE_ID as i32),
            I::Call(self.m.rt.raise),
            I::Unreachable,
        ]);
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

    // ------------------------------------------------------------ statements

    fn block(&mut self, stmts: &[Stmt]) -> R<()> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> R<()> {
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
                    let t = self.new_local(val_type(&item.ty, item.span)?);
                    self.code.push(I::LocalSet(t));
                    temps.push(t);
                }
                for (target, t) in ts.iter().zip(temps) {
                    self.code.push(I::LocalGet(t));
                    self.store(target, *span)?;
                }
            }
            Stmt::Assign { targets, value, span } => {
                self.expr(value)?;
                if targets.len() > 1 {
                    let vt = val_type(&value.ty, *span)?;
                    let t = self.new_local(vt);
                    self.code.push(I::LocalSet(t));
                    for target in targets {
                        self.code.push(I::LocalGet(t));
                        self.store(target, *span)?;
                    }
                } else if let Some(target) = targets.first() {
                    self.store(target, *span)?;
                }
            }
            Stmt::AugAssign { target, op, value, span } => {
                let Target::Local(id) = target else {
                    return unsupported("assignment to an item", *span);
                };
                let ty = self.local_ty(*id);
                let current = Expr { kind: K::Local(*id), ty: ty.clone(), span: *span };
                let combined =
                    Expr { kind: K::Binary(*op, Box::new(current), Box::new(value.clone())), ty, span: *span };
                self.expr(&combined)?;
                self.store(target, *span)?;
            }
            Stmt::Return(e, _) => {
                if let Some(e) = e {
                    self.expr(e)?;
                }
                self.leave();
                self.code.push(I::Return);
            }
            Stmt::If(c, a, b) => {
                self.expr(c)?;
                self.code.push(I::If(BlockType::Empty));
                self.labels.push(Label::Plain);
                self.block(a)?;
                if !b.is_empty() {
                    self.code.push(I::Else);
                    self.block(b)?;
                }
                self.labels.pop();
                self.code.push(I::End);
            }
            Stmt::While(c, body) => {
                self.code.push(I::Block(BlockType::Empty));
                self.labels.push(Label::Break);
                self.code.push(I::Loop(BlockType::Empty));
                self.labels.push(Label::Continue);
                self.expr(c)?;
                self.code.push(I::I32Eqz);
                let d = self.br_depth(Label::Break);
                self.code.push(I::BrIf(d));
                self.block(body)?;
                self.code.push(I::Br(0));
                self.labels.pop();
                self.code.push(I::End);
                self.labels.pop();
                self.code.push(I::End);
            }
            Stmt::For { target, iter, body, span } => self.for_loop(target, iter, body, *span)?,
            Stmt::Break => {
                let d = self.br_depth(Label::Break);
                self.code.push(I::Br(d));
            }
            Stmt::Continue => {
                let d = self.br_depth(Label::Continue);
                self.code.push(I::Br(d));
            }
            Stmt::Assert(c, msg, span) => {
                if msg.is_some() {
                    return unsupported("assert messages (strings)", *span);
                }
                self.expr(c)?;
                self.code.push(I::I32Eqz);
                self.raise_if(ErrorKind::AssertionError, *span, "");
            }
        }
        Ok(())
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

    /// Stores the value on the stack into a target.
    fn store(&mut self, target: &Target, span: Span) -> R<()> {
        match target {
            Target::Local(id) => {
                let (v, flag) = self.slot(*id, span)?;
                self.code.push(I::LocalSet(v));
                if let Some(flag) = flag {
                    self.emit([I::I32Const(1), I::LocalSet(flag)]);
                }
                Ok(())
            }
            Target::Index { span, .. } => unsupported("assignment to a list item", *span),
            Target::Unpack(_, span) => unsupported("unpacking assignment (tuples)", *span),
        }
    }

    fn slot(&self, id: usize, span: Span) -> R<(u32, Option<u32>)> {
        match self.slots.get(id) {
            Some((v, flag)) if *v != u32::MAX => Ok((*v, *flag)),
            _ => unsupported("a local of this type", span),
        }
    }

    /// `for target in range(...)`: the only loop source of the scalar core.
    fn for_loop(&mut self, target: &Target, iter: &Expr, body: &[Stmt], span: Span) -> R<()> {
        let K::Builtin(Builtin::Range, args) = &iter.kind else {
            return unsupported("iterating over a sequence", iter.span);
        };
        let (i, stop, step) =
            (self.new_local(ValType::I64), self.new_local(ValType::I64), self.new_local(ValType::I64));
        self.expr(&args[0])?;
        self.code.push(I::LocalSet(i));
        self.expr(&args[1])?;
        self.code.push(I::LocalSet(stop));
        self.expr(&args[2])?;
        self.code.push(I::LocalTee(step));
        self.code.push(I::I64Eqz);
        self.raise_if(ErrorKind::ValueError, iter.span, "range() arg 3 must not be zero");
        self.code.push(I::Block(BlockType::Empty));
        self.labels.push(Label::Break);
        self.code.push(I::Loop(BlockType::Empty));
        self.labels.push(Label::Plain);
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
            I::BrIf(1),
            I::LocalGet(i),
        ]);
        self.store(target, span)?;
        self.code.push(I::Block(BlockType::Empty));
        self.labels.push(Label::Continue);
        self.block(body)?;
        self.labels.pop();
        self.code.push(I::End);
        // i += step; stop when it would overflow (as the interpreter's checked_add).
        let next = self.new_local(ValType::I64);
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
            I::BrIf(1),
            I::LocalGet(next),
            I::LocalSet(i),
            I::Br(0),
        ]);
        self.labels.pop();
        self.code.push(I::End);
        self.labels.pop();
        self.code.push(I::End);
        Ok(())
    }

    // ----------------------------------------------------------- expressions

    fn expr(&mut self, e: &Expr) -> R<()> {
        let span = e.span;
        match &e.kind {
            K::Int(v) => self.code.push(I::I64Const(*v)),
            K::Float(v) => self.code.push(I::F64Const(Ieee64::from(*v))),
            K::Bool(b) => self.code.push(I::I32Const(*b as i32)),
            K::None => {}
            K::Local(id) => {
                let (v, flag) = self.slot(*id, span)?;
                if let Some(flag) = flag {
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
                self.expr(x)?;
                self.code.push(I::F64ConvertI64S);
            }
            K::Truthy(x) => {
                self.expr(x)?;
                self.truthy(&x.ty, span)?;
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
                    self.code.push(I::I32Eqz);
                }
                _ => return unsupported("this unary operator", span),
            },
            K::Compare(first, rest) => self.compare(first, rest, span)?,
            K::BoolOp(op, values) => self.bool_op(*op, values, &e.ty, span)?,
            K::IfExp(c, a, b) => {
                self.expr(c)?;
                let vt = val_type(&e.ty, span)?;
                self.code.push(I::If(BlockType::Result(vt)));
                self.labels.push(Label::Plain);
                self.expr(a)?;
                self.code.push(I::Else);
                self.expr(b)?;
                self.labels.pop();
                self.code.push(I::End);
            }
            K::Call(fid, args) => {
                for a in args {
                    self.expr(a)?;
                }
                let callee = &self.m.program.functions[*fid];
                if callee.is_stub {
                    let message = format!("`{}` has no body yet (it is a synthesis target)", callee.name);
                    self.raise(ErrorKind::NotImplementedError, span, &message);
                    return Ok(());
                }
                let g = self.m.depth_global;
                let max = self.m.options.max_depth as i32;
                self.emit([I::GlobalGet(g), I::I32Const(max), I::I32GeU]);
                self.raise_if(ErrorKind::RecursionError, span, "maximum recursion depth exceeded");
                self.code.push(I::Call(self.m.first_func + *fid as u32));
            }
            K::Builtin(b, args) => self.builtin(*b, args, &e.ty, span)?,
            K::Str(_) => return unsupported("strings", span),
            K::Method(..) => return unsupported("methods", span),
            K::Index(..) | K::Slice(..) => return unsupported("indexing and slicing", span),
            K::List(_) | K::Comprehension(..) => return unsupported("lists", span),
            K::Tuple(_) => return unsupported("tuples", span),
        }
        Ok(())
    }

    /// Replaces the value on the stack by its truthiness (an i32).
    fn truthy(&mut self, ty: &Type, span: Span) -> R<()> {
        match ty {
            Type::Int => self.emit([I::I64Const(0), I::I64Ne]),
            // NaN is truthy, and `nan != 0.0` holds.
            Type::Float => self.emit([I::F64Const(Ieee64::from(0.0)), I::F64Ne]),
            Type::Bool => {}
            other => return unsupported(format!("truthiness of `{other}`"), span),
        }
        Ok(())
    }

    /// Evaluates `e` as a float (converting an int operand).
    fn expr_as_float(&mut self, e: &Expr) -> R<()> {
        self.expr(e)?;
        match e.ty {
            Type::Int => self.code.push(I::F64ConvertI64S),
            Type::Bool => self.emit([I::I64ExtendI32U, I::F64ConvertI64S]),
            _ => {}
        }
        Ok(())
    }

    fn binary(&mut self, op: BinOp, l: &Expr, r: &Expr, ty: &Type, span: Span) -> R<()> {
        match (ty, &l.ty, &r.ty) {
            (Type::Int, Type::Int, Type::Int) => self.int_binary(op, l, r, span),
            (Type::Float, Type::Int, Type::Int) if op == BinOp::Div => {
                self.expr(l)?;
                self.expr(r)?;
                let y = self.new_local(ValType::I64);
                self.emit([I::LocalTee(y), I::I64Eqz]);
                self.raise_if(ErrorKind::ZeroDivisionError, span, "division by zero");
                self.emit([I::LocalGet(y), I::Call(self.m.rt.int_true_div)]);
                Ok(())
            }
            (Type::Float, _, _) => {
                self.expr_as_float(l)?;
                self.expr_as_float(r)?;
                match op {
                    BinOp::Add => self.code.push(I::F64Add),
                    BinOp::Sub => self.code.push(I::F64Sub),
                    BinOp::Mul => self.code.push(I::F64Mul),
                    BinOp::Div => {
                        let y = self.new_local(ValType::F64);
                        self.emit([I::LocalTee(y), I::F64Const(Ieee64::from(0.0)), I::F64Eq]);
                        self.raise_if(ErrorKind::ZeroDivisionError, span, "float division by zero");
                        self.emit([I::LocalGet(y), I::F64Div]);
                    }
                    _ => return unsupported(format!("`{}` on floats", op.as_str()), span),
                }
                Ok(())
            }
            (Type::Bool, Type::Bool, Type::Bool) => {
                self.expr(l)?;
                self.expr(r)?;
                match op {
                    BinOp::BitAnd => self.code.push(I::I32And),
                    BinOp::BitOr => self.code.push(I::I32Or),
                    BinOp::BitXor => self.code.push(I::I32Xor),
                    _ => return unsupported("this operator on bools", span),
                }
                Ok(())
            }
            _ => unsupported(format!("`{}` on `{}` and `{}`", op.as_str(), l.ty, r.ty), span),
        }
    }

    fn int_binary(&mut self, op: BinOp, l: &Expr, r: &Expr, span: Span) -> R<()> {
        self.expr(l)?;
        self.expr(r)?;
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

    /// Pushes a value of a comparison operand as the numeric class it
    /// compares in: ints and bools as i64, floats as f64.
    fn numeric_operand(&mut self, e: &Expr) -> R<ValType> {
        self.expr(e)?;
        Ok(match e.ty {
            Type::Int => ValType::I64,
            Type::Bool => {
                self.code.push(I::I64ExtendI32U);
                ValType::I64
            }
            Type::Float => ValType::F64,
            ref other => return unsupported(format!("comparing `{other}` values"), e.span),
        })
    }

    fn compare(&mut self, first: &Expr, rest: &[(CmpOp, Expr)], span: Span) -> R<()> {
        // block (result i32): each failing link exits with 0.
        self.code.push(I::Block(BlockType::Result(ValType::I32)));
        self.labels.push(Label::Plain);
        let mut prev_ty = self.numeric_operand(first)?;
        let mut prev = self.new_local(prev_ty);
        self.code.push(I::LocalSet(prev));
        for (i, (op, r)) in rest.iter().enumerate() {
            if matches!(op, CmpOp::In | CmpOp::NotIn) {
                return unsupported("`in` (containers)", span);
            }
            let r_ty = self.numeric_operand(r)?;
            let cur = self.new_local(r_ty);
            self.code.push(I::LocalSet(cur));
            self.compare_pair(*op, prev, prev_ty, cur, r_ty);
            if i + 1 < rest.len() {
                self.emit([I::I32Eqz, I::If(BlockType::Empty), I::I32Const(0), I::Br(1), I::End]);
            }
            prev = cur;
            prev_ty = r_ty;
        }
        if rest.is_empty() {
            self.code.push(I::I32Const(1));
        }
        self.labels.pop();
        self.code.push(I::End);
        Ok(())
    }

    /// Pushes `a op b` (an i32) for two numeric locals.
    fn compare_pair(&mut self, op: CmpOp, a: u32, a_ty: ValType, b: u32, b_ty: ValType) {
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
                self.emit([I::LocalGet(int), I::LocalGet(float), I::Call(self.m.rt.cmp_int_float), I::LocalSet(c)]);
                let test = |this: &mut Self, v: i32| this.emit([I::LocalGet(c), I::I32Const(v), I::I32Eq]);
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
        }
    }

    fn bool_op(&mut self, op: BoolOp, values: &[Expr], ty: &Type, span: Span) -> R<()> {
        let vt = val_type(ty, span)?;
        let t = self.new_local(vt);
        self.code.push(I::Block(BlockType::Result(vt)));
        self.labels.push(Label::Plain);
        for (i, v) in values.iter().enumerate() {
            self.expr(v)?;
            if i + 1 == values.len() {
                break;
            }
            self.code.push(I::LocalTee(t));
            self.truthy(ty, span)?;
            if op == BoolOp::And {
                self.code.push(I::I32Eqz);
            }
            // The deciding operand is the result.
            self.emit([I::If(BlockType::Empty), I::LocalGet(t), I::Br(1), I::End]);
        }
        self.labels.pop();
        self.code.push(I::End);
        Ok(())
    }

    fn builtin(&mut self, b: Builtin, args: &[Expr], ty: &Type, span: Span) -> R<()> {
        match b {
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
                    _ => self.code.push(I::F64Abs),
                }
            }
            Builtin::MinArgs | Builtin::MaxArgs => {
                let vt = val_type(ty, span)?;
                let best = self.new_local(vt);
                let cand = self.new_local(vt);
                self.expr(&args[0])?;
                self.code.push(I::LocalSet(best));
                let numeric = if vt == ValType::I32 { ValType::I64 } else { vt };
                for a in &args[1..] {
                    self.expr(a)?;
                    self.code.push(I::LocalSet(cand));
                    // Replace only when strictly better, as CPython does.
                    let (lt_a, lt_b) = if b == Builtin::MinArgs { (cand, best) } else { (best, cand) };
                    if vt == ValType::I32 {
                        self.emit([I::LocalGet(lt_a), I::LocalGet(lt_b), I::I32LtU]);
                    } else {
                        self.compare_pair(CmpOp::Lt, lt_a, numeric, lt_b, numeric);
                    }
                    self.emit([I::If(BlockType::Empty), I::LocalGet(cand), I::LocalSet(best), I::End]);
                }
                self.code.push(I::LocalGet(best));
            }
            Builtin::Round if args.len() == 1 => {
                self.expr(&args[0])?;
                if args[0].ty == Type::Float {
                    self.code.push(I::F64Nearest);
                    self.float_to_int(span);
                }
            }
            Builtin::Int if args.len() == 1 => {
                self.expr(&args[0])?;
                match args[0].ty {
                    Type::Int => {}
                    Type::Bool => self.code.push(I::I64ExtendI32U),
                    Type::Float => {
                        self.code.push(I::F64Trunc);
                        self.float_to_int(span);
                    }
                    ref other => return unsupported(format!("int() of `{other}`"), span),
                }
            }
            Builtin::Float => {
                self.expr_as_float(&args[0])?;
                if !matches!(args[0].ty, Type::Int | Type::Bool | Type::Float) {
                    return unsupported("float() of a string", span);
                }
            }
            Builtin::Bool => {
                self.expr(&args[0])?;
                self.truthy(&args[0].ty, span)?;
            }
            Builtin::Pow if *ty == Type::Int => {
                let e = Expr {
                    kind: K::Binary(BinOp::Pow, Box::new(args[0].clone()), Box::new(args[1].clone())),
                    ty: Type::Int,
                    span,
                };
                self.expr(&e)?;
            }
            Builtin::PowMod => {
                for a in args {
                    self.expr(a)?;
                }
                let r = self.new_local(ValType::I64);
                let status = self.new_local(ValType::I32);
                self.emit([
                    I::Call(self.m.rt.pow_mod),
                    I::LocalSet(r),
                    I::Call(self.m.rt.take_status),
                    I::LocalTee(status),
                    I::I32Const(1),
                    I::I32Eq,
                ]);
                self.raise_if(ErrorKind::ValueError, span, "pow() 3rd argument cannot be 0");
                self.emit([I::LocalGet(status), I::I32Const(2), I::I32Eq]);
                self.raise_if(ErrorKind::ValueError, span, "base is not invertible for the given modulus");
                self.code.push(I::LocalGet(r));
            }
            other => return unsupported(format!("the builtin {other:?}"), span),
        }
        Ok(())
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

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}
