//! The parser: tokens to an AST, by recursive descent over Python's grammar
//! restricted to synth's language. It never fails: a syntax error becomes a
//! diagnostic, the parser skips to the end of the logical line (and over a
//! block that line opened) and goes on, so every error is reported in one
//! pass. Constructs outside the language (classes, lambdas, dicts, ...) are
//! recognised and reported as unsupported rather than as syntax errors.

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::lexer::{Kw, Tok, Token, lex};
use crate::span::Span;

/// The deepest expression tree the parser builds (brackets, unary operators,
/// chained binary operators and trailers each count). Every later pass and
/// `Drop` recurse over trees, so this bound is what keeps them in the stack.
pub const MAX_NESTING: usize = 1000;

/// Parses a module. The tree always comes back, with `Error` nodes where
/// parsing failed; the diagnostics say what went wrong.
pub fn parse_module(src: &str) -> (Module, Vec<Diagnostic>) {
    let (tokens, diags) = lex(src);
    let mut p = Parser { tokens, pos: 0, diags, depth: 0 };
    let module = p.module();
    (module, p.diags)
}

/// Parses a single expression (e.g. the `--call` argument of `synth exec`).
pub fn parse_expression(src: &str) -> (Expr, Vec<Diagnostic>) {
    parse_expression_at(src, 0)
}

/// Parses a single expression whose spans start at byte `base`, so that they
/// cannot be confused with spans of the program's own file.
pub fn parse_expression_at(src: &str, base: usize) -> (Expr, Vec<Diagnostic>) {
    let (mut tokens, mut diags) = lex(src);
    let shift = |s: &mut Span| {
        s.start += base as u32;
        s.end += base as u32;
    };
    tokens.iter_mut().for_each(|t| shift(&mut t.span));
    diags.iter_mut().for_each(|d| shift(&mut d.span));
    let mut p = Parser { tokens, pos: 0, diags, depth: 0 };
    let expr = match p.testlist() {
        Ok(e) => {
            while matches!(p.peek(), Tok::Newline) {
                p.bump();
            }
            if !matches!(p.peek(), Tok::Eof) {
                let _ = p.fail::<()>("expected the end of the expression");
            }
            e
        }
        Err(Fail) => Expr::new(ExprKind::Error, Span::new(base, base + src.len())),
    };
    (expr, p.diags)
}

/// Marks a failure whose diagnostic has already been recorded.
#[derive(Debug)]
struct Fail;

type PResult<T> = Result<T, Fail>;

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    diags: Vec<Diagnostic>,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos.min(self.tokens.len() - 1)].tok
    }

    fn peek_nth(&self, n: usize) -> &Tok {
        &self.tokens[(self.pos + n).min(self.tokens.len() - 1)].tok
    }

    fn span(&self) -> Span {
        self.tokens[self.pos.min(self.tokens.len() - 1)].span
    }

    fn prev_span(&self) -> Span {
        if self.pos == 0 { Span::default() } else { self.tokens[self.pos - 1].span }
    }

    fn bump(&mut self) -> Token {
        let t = self.tokens[self.pos.min(self.tokens.len() - 1)].clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }

    fn at_kw(&self, kw: Kw) -> bool {
        matches!(self.peek(), Tok::Kw(k) if *k == kw)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_kw(&mut self, kw: Kw) -> bool {
        if self.at_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Records "`expected`, found <current token>" at the current token.
    fn fail<T>(&mut self, expected: &str) -> PResult<T> {
        let found = self.peek().describe();
        let span = self.span();
        self.diags.push(Diagnostic::error(span, format!("{expected}, found {found}"), expected.to_string()));
        Err(Fail)
    }

    fn unsupported<T>(&mut self, span: Span, what: &str) -> PResult<T> {
        self.diags.push(
            Diagnostic::error(span, format!("{what} is not supported in synth's language"), "unsupported")
                .with_note("see docs/language.md for the supported subset of Python"),
        );
        Err(Fail)
    }

    fn expect_op(&mut self, op: &str) -> PResult<Span> {
        if self.at_op(op) { Ok(self.bump().span) } else { self.fail(&format!("expected `{op}`")) }
    }

    fn expect_name(&mut self, what: &str) -> PResult<Ident> {
        match self.peek().clone() {
            Tok::Name(name) => {
                let span = self.bump().span;
                Ok(Ident { name, span })
            }
            _ => self.fail(&format!("expected {what}")),
        }
    }

    fn expect_newline(&mut self) -> PResult<()> {
        match self.peek() {
            Tok::Newline => {
                self.bump();
                Ok(())
            }
            Tok::Eof | Tok::Dedent => Ok(()),
            _ => self.fail("expected the end of the statement"),
        }
    }

    /// Error recovery: skip to the end of the logical line, then over the
    /// indented block that the line may have opened.
    fn recover_line(&mut self) {
        self.skip_to_line_end();
        // Parse (and drop) the block a broken header opened, so that the
        // errors inside it are reported too.
        if matches!(self.peek(), Tok::Indent) {
            let _ = self.indented_statements();
        }
    }

    /// Skips the rest of the logical line and any block it opened, reporting nothing.
    fn skip_line(&mut self) {
        self.skip_to_line_end();
        if matches!(self.peek(), Tok::Indent) {
            self.skip_block();
        }
    }

    fn skip_to_line_end(&mut self) {
        while !matches!(self.peek(), Tok::Newline | Tok::Eof) {
            self.bump();
        }
        if matches!(self.peek(), Tok::Newline) {
            self.bump();
        }
    }

    fn skip_block(&mut self) {
        let mut level = 0usize;
        loop {
            match self.peek() {
                Tok::Indent => level += 1,
                Tok::Dedent => {
                    level -= 1;
                    if level == 0 {
                        self.bump();
                        return;
                    }
                }
                Tok::Eof => return,
                _ => {}
            }
            self.bump();
        }
    }

    // ---------------------------------------------------------------- module

    fn module(&mut self) -> Module {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Tok::Eof => break,
                Tok::Newline => {
                    self.bump();
                }
                Tok::Indent => {
                    let span = self.span();
                    self.diags.push(Diagnostic::error(span, "unexpected indent", "this line is indented"));
                    self.skip_block();
                }
                Tok::Dedent => {
                    self.bump();
                }
                _ => {
                    let start = self.pos;
                    match self.item() {
                        Ok(Some(item)) => items.push(item),
                        Ok(None) => {}
                        Err(Fail) => {
                            // A failure inside a block was recovered there; only
                            // recover here when the item's own line failed.
                            if self.pos == start || !matches!(self.tokens[self.pos - 1].tok, Tok::Newline | Tok::Dedent)
                            {
                                self.recover_line();
                            }
                        }
                    }
                }
            }
        }
        Module { items }
    }

    fn item(&mut self) -> PResult<Option<Item>> {
        if self.at_op("@") || self.at_kw(Kw::Def) {
            return Ok(Some(Item::Function(self.function()?)));
        }
        if let Some(kw) = self.unsupported_compound() {
            return self.unsupported_block(kw);
        }
        let start = self.span();
        // A module-level docstring or constant.
        let stmt = self.simple_statement()?;
        self.expect_newline()?;
        match stmt {
            Stmt::Expr(Expr { kind: ExprKind::Str(_), .. }) | Stmt::Pass(_) => Ok(None),
            Stmt::Assign { mut targets, value, span } if targets.len() == 1 => match targets.pop() {
                Some(Expr { kind: ExprKind::Name(name), span: name_span }) => {
                    Ok(Some(Item::Const(ConstDef { name: Ident { name, span: name_span }, ann: None, value, span })))
                }
                _ => self.top_level_error(start.to(span)),
            },
            Stmt::AnnAssign { target, ann, value: Some(value), span } => {
                Ok(Some(Item::Const(ConstDef { name: target, ann: Some(ann), value, span })))
            }
            Stmt::Error(_) => Err(Fail),
            other => self.top_level_error(other.span()),
        }
    }

    fn top_level_error<T>(&mut self, span: Span) -> PResult<T> {
        self.diags.push(
            Diagnostic::error(
                span,
                "only `def` and constants `NAME = value` may appear at the top level",
                "not allowed here",
            )
            .with_note("statements belong inside a function"),
        );
        Err(Fail)
    }

    fn unsupported_compound(&self) -> Option<Kw> {
        match self.peek() {
            Tok::Kw(kw @ (Kw::Class | Kw::Try | Kw::With | Kw::Async)) => Some(*kw),
            _ => None,
        }
    }

    fn unsupported_block<T>(&mut self, kw: Kw) -> PResult<T> {
        let span = self.span();
        let what = match kw {
            Kw::Class => "a class definition",
            Kw::Try => "`try`/`except`",
            Kw::With => "a `with` statement",
            _ => "`async`",
        };
        let _ = self.unsupported::<()>(span, what);
        self.skip_line();
        // Skip `except`/`finally`/`else` clauses that belong to a `try`.
        while matches!(self.peek(), Tok::Kw(Kw::Except | Kw::Finally | Kw::Else)) && kw == Kw::Try {
            self.skip_line();
        }
        Err(Fail)
    }

    fn function(&mut self) -> PResult<Function> {
        let mut decorators = Vec::new();
        while self.eat_op("@") {
            let name = self.expect_name("a decorator name")?;
            if self.at_op("(") {
                let span = self.span();
                return self.unsupported(span, "a decorator with arguments");
            }
            decorators.push(Decorator { name });
            self.expect_newline()?;
            while matches!(self.peek(), Tok::Newline) {
                self.bump();
            }
        }
        let def_span = self.span();
        if !self.eat_kw(Kw::Def) {
            return self.fail("expected `def` after decorators");
        }
        let name = self.expect_name("a function name")?;
        self.expect_op("(")?;
        let mut params = Vec::new();
        while !self.at_op(")") {
            if self.at_op("*") || self.at_op("**") || self.at_op("/") {
                let span = self.span();
                return self.unsupported(span, "`*args`, `**kwargs` or a positional-only marker");
            }
            let pname = self.expect_name("a parameter name")?;
            let ann = if self.eat_op(":") { Some(self.type_expr()?) } else { None };
            let default = if self.eat_op("=") { Some(self.test()?) } else { None };
            params.push(Param { name: pname, ann, default });
            if !self.eat_op(",") {
                break;
            }
        }
        self.expect_op(")")?;
        let ret = if self.eat_op("->") { Some(self.type_expr()?) } else { None };
        let colon = self.expect_op(":")?;
        let span = def_span.to(colon);
        let body = self.block()?;
        Ok(Function { decorators, name, params, ret, body, span })
    }

    fn type_expr(&mut self) -> PResult<TypeExpr> {
        self.nest(|p| {
            let name = match p.peek().clone() {
                Tok::Name(n) => {
                    let span = p.bump().span;
                    Ident { name: n, span }
                }
                Tok::Kw(Kw::None) => {
                    let span = p.bump().span;
                    Ident { name: "None".into(), span }
                }
                _ => return p.fail("expected a type"),
            };
            if !p.eat_op("[") {
                return Ok(TypeExpr::Name(name));
            }
            let mut args = Vec::new();
            let mut ellipsis = false;
            loop {
                if p.eat_op("...") {
                    ellipsis = true;
                } else {
                    args.push(p.type_expr()?);
                }
                if !p.eat_op(",") || p.at_op("]") {
                    break;
                }
            }
            let close = p.expect_op("]")?;
            let span = name.span.to(close);
            Ok(TypeExpr::Generic { name, args, ellipsis, span })
        })
    }

    // ------------------------------------------------------------ statements

    /// `:` followed by an indented block or simple statements on the same line.
    /// Nested blocks count toward the nesting bound, like nested expressions.
    fn block(&mut self) -> PResult<Vec<Stmt>> {
        self.nest(Self::block_inner)
    }

    fn block_inner(&mut self) -> PResult<Vec<Stmt>> {
        if !matches!(self.peek(), Tok::Newline) {
            return self.simple_statements();
        }
        self.bump();
        if !matches!(self.peek(), Tok::Indent) {
            return self.fail("expected an indented block");
        }
        Ok(self.indented_statements())
    }

    /// The statements of an indented block, from its INDENT to its DEDENT.
    fn indented_statements(&mut self) -> Vec<Stmt> {
        self.bump();
        let mut body = Vec::new();
        loop {
            match self.peek() {
                Tok::Dedent => {
                    self.bump();
                    break;
                }
                Tok::Eof => break,
                Tok::Newline => {
                    self.bump();
                }
                Tok::Indent => {
                    let span = self.span();
                    self.diags.push(Diagnostic::error(span, "unexpected indent", "this line is indented"));
                    self.skip_block();
                }
                _ => {
                    let start = self.pos;
                    match self.statement() {
                        Ok(mut stmts) => body.append(&mut stmts),
                        Err(Fail) => {
                            let span = self.tokens[start.min(self.tokens.len() - 1)].span;
                            body.push(Stmt::Error(span));
                            if self.pos == start || !matches!(self.tokens[self.pos - 1].tok, Tok::Newline | Tok::Dedent)
                            {
                                self.recover_line();
                            }
                        }
                    }
                }
            }
        }
        body
    }

    fn statement(&mut self) -> PResult<Vec<Stmt>> {
        let span = self.span();
        match self.peek() {
            Tok::Kw(Kw::If) => Ok(vec![self.if_statement()?]),
            Tok::Kw(Kw::While) => {
                self.bump();
                let cond = self.named_test()?;
                let colon = self.expect_op(":")?;
                let body = self.block()?;
                Ok(vec![Stmt::While { cond, body, span: span.to(colon) }])
            }
            Tok::Kw(Kw::For) => {
                self.bump();
                let target = self.target_list()?;
                if !self.eat_kw(Kw::In) {
                    return self.fail("expected `in`");
                }
                let iter = self.testlist()?;
                let colon = self.expect_op(":")?;
                let body = self.block()?;
                if self.at_kw(Kw::Else) {
                    let span = self.span();
                    return self.unsupported(span, "`else` after a loop");
                }
                Ok(vec![Stmt::For { target, iter, body, span: span.to(colon) }])
            }
            Tok::Kw(Kw::Def) | Tok::Op("@") => {
                let _ = self.unsupported::<()>(span, "a nested function");
                // Parse it anyway so that errors inside are reported and the
                // rest of the enclosing body parses.
                let _ = self.function();
                Err(Fail)
            }
            Tok::Kw(kw @ (Kw::Class | Kw::Try | Kw::With | Kw::Async)) => {
                let kw = *kw;
                self.unsupported_block(kw)
            }
            _ => self.simple_statements(),
        }
    }

    fn if_statement(&mut self) -> PResult<Stmt> {
        let span = self.bump().span; // `if` or `elif`
        let cond = self.named_test()?;
        let colon = self.expect_op(":")?;
        let body = self.block()?;
        let orelse = if self.at_kw(Kw::Elif) {
            vec![self.if_statement()?]
        } else if self.eat_kw(Kw::Else) {
            self.expect_op(":")?;
            self.block()?
        } else {
            Vec::new()
        };
        Ok(Stmt::If { cond, body, orelse, span: span.to(colon) })
    }

    /// `small (; small)* NEWLINE`.
    fn simple_statements(&mut self) -> PResult<Vec<Stmt>> {
        let mut out = vec![self.simple_statement()?];
        while self.eat_op(";") {
            if matches!(self.peek(), Tok::Newline | Tok::Eof) {
                break;
            }
            out.push(self.simple_statement()?);
        }
        self.expect_newline()?;
        Ok(out)
    }

    fn simple_statement(&mut self) -> PResult<Stmt> {
        let span = self.span();
        match self.peek().clone() {
            Tok::Kw(Kw::Pass) => {
                self.bump();
                Ok(Stmt::Pass(span))
            }
            Tok::Kw(Kw::Break) => {
                self.bump();
                Ok(Stmt::Break(span))
            }
            Tok::Kw(Kw::Continue) => {
                self.bump();
                Ok(Stmt::Continue(span))
            }
            Tok::Kw(Kw::Return) => {
                self.bump();
                let value = if matches!(self.peek(), Tok::Newline | Tok::Eof | Tok::Dedent) || self.at_op(";") {
                    None
                } else {
                    Some(self.testlist()?)
                };
                let end = self.prev_span();
                Ok(Stmt::Return { value, span: span.to(end) })
            }
            Tok::Kw(Kw::Assert) => {
                self.bump();
                let cond = self.test()?;
                let msg = if self.eat_op(",") { Some(self.test()?) } else { None };
                let end = self.prev_span();
                Ok(Stmt::Assert { cond, msg, span: span.to(end) })
            }
            Tok::Kw(kw @ (Kw::Global | Kw::Nonlocal | Kw::Import | Kw::From | Kw::Raise | Kw::Del | Kw::Yield)) => {
                let what = match kw {
                    Kw::Global | Kw::Nonlocal => "`global`/`nonlocal` (global mutable state)",
                    Kw::Import | Kw::From => "`import`",
                    Kw::Raise => "`raise`",
                    Kw::Del => "`del`",
                    _ => "`yield`",
                };
                self.unsupported(span, what)
            }
            Tok::Kw(Kw::Else | Kw::Elif | Kw::Except | Kw::Finally) => self.fail("expected a statement"),
            _ => self.expression_statement(),
        }
    }

    fn expression_statement(&mut self) -> PResult<Stmt> {
        let start = self.span();
        let first = self.testlist()?;
        if self.at_op(":") {
            // Annotated assignment: `name: T [= value]`.
            self.bump();
            let ann = self.type_expr()?;
            let value = if self.eat_op("=") { Some(self.testlist()?) } else { None };
            let span = start.to(self.prev_span());
            return match first.kind {
                ExprKind::Name(name) => {
                    Ok(Stmt::AnnAssign { target: Ident { name, span: first.span }, ann, value, span })
                }
                _ => {
                    self.diags.push(Diagnostic::error(
                        first.span,
                        "only a plain name can be annotated",
                        "expected a name here",
                    ));
                    Err(Fail)
                }
            };
        }
        if let Tok::Op(op) = self.peek().clone()
            && let Some(bin) = aug_op(op)
        {
            self.bump();
            let value = self.testlist()?;
            let span = start.to(self.prev_span());
            self.check_target(&first, false)?;
            return Ok(Stmt::AugAssign { target: first, op: bin, value, span });
        }
        if self.at_op("=") {
            let mut targets = vec![first];
            let mut value;
            loop {
                self.bump();
                value = self.testlist()?;
                if !self.at_op("=") {
                    break;
                }
                targets.push(value);
            }
            for t in &targets {
                self.check_target(t, true)?;
            }
            let span = start.to(self.prev_span());
            return Ok(Stmt::Assign { targets, value, span });
        }
        if self.at_op(":=") {
            let span = self.span();
            return self.unsupported(span, "the walrus operator `:=`");
        }
        Ok(Stmt::Expr(first))
    }

    /// Checks that an expression can be assigned to.
    fn check_target(&mut self, e: &Expr, allow_tuple: bool) -> PResult<()> {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Index(..) => Ok(()),
            ExprKind::Tuple(items) | ExprKind::List(items) if allow_tuple => {
                for item in items {
                    self.check_target(item, true)?;
                }
                Ok(())
            }
            ExprKind::Slice { .. } => self.unsupported(e.span, "assignment to a slice"),
            ExprKind::Attribute(..) => self.unsupported(e.span, "assignment to an attribute"),
            _ => {
                self.diags.push(Diagnostic::error(
                    e.span,
                    "cannot assign to this expression",
                    "expected a name, a subscript or a tuple of them",
                ));
                Err(Fail)
            }
        }
    }

    /// A `for` target: names, subscripts, or tuples of them (parenthesised or not).
    fn target_list(&mut self) -> PResult<Expr> {
        let start = self.span();
        let mut items = vec![self.bitor()?];
        let mut trailing_comma = false;
        while self.eat_op(",") {
            trailing_comma = true;
            if self.at_kw(Kw::In) {
                break;
            }
            trailing_comma = false;
            items.push(self.bitor()?);
        }
        let e = if items.len() == 1 && !trailing_comma {
            items.pop().unwrap_or(Expr::new(ExprKind::Error, start))
        } else {
            Expr::new(ExprKind::Tuple(items), start.to(self.prev_span()))
        };
        self.check_target(&e, true)?;
        Ok(e)
    }

    // ----------------------------------------------------------- expressions

    /// Runs `f` one nesting level deeper: bounds recursion and grows the
    /// stack when needed, so no input can overflow it.
    fn nest<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        self.deeper()?;
        let r = stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || f(self));
        self.depth -= 1;
        r
    }

    /// `test (, test)* [,]`: a bare tuple when there is a comma.
    fn testlist(&mut self) -> PResult<Expr> {
        let first = self.test()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let start = first.span;
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_expr_end() {
                break;
            }
            items.push(self.test()?);
        }
        Ok(Expr::new(ExprKind::Tuple(items), start.to(self.prev_span())))
    }

    fn at_expr_end(&self) -> bool {
        matches!(self.peek(), Tok::Newline | Tok::Eof | Tok::Dedent)
            || matches!(self.peek(), Tok::Op(op) if matches!(*op, "=" | ")" | "]" | "}" | ":" | ";") || aug_op(op).is_some())
    }

    /// A condition: a `test`, with a clear message for `:=`.
    fn named_test(&mut self) -> PResult<Expr> {
        let e = self.test()?;
        if self.at_op(":=") {
            let span = self.span();
            return self.unsupported(span, "the walrus operator `:=`");
        }
        Ok(e)
    }

    /// `or_test [if or_test else test]` or `lambda`.
    fn test(&mut self) -> PResult<Expr> {
        self.nest(|p| {
            if p.at_kw(Kw::Lambda) {
                let span = p.span();
                return p.unsupported(span, "`lambda`");
            }
            if p.at_kw(Kw::Yield) || p.at_kw(Kw::Await) {
                let span = p.span();
                return p.unsupported(span, "`yield`/`await`");
            }
            let body = p.or_test()?;
            if !p.at_kw(Kw::If) {
                return Ok(body);
            }
            // Inside a comprehension, `if` after the element starts a filter,
            // which never has an `else`: only take it when `else` follows.
            let save = p.pos;
            p.bump();
            let cond = p.or_test()?;
            if !p.eat_kw(Kw::Else) {
                p.pos = save;
                return Ok(body);
            }
            let orelse = p.test()?;
            let span = body.span.to(orelse.span);
            Ok(Expr::new(
                ExprKind::IfExp { cond: Box::new(cond), body: Box::new(body), orelse: Box::new(orelse) },
                span,
            ))
        })
    }

    fn or_test(&mut self) -> PResult<Expr> {
        self.bool_chain(Kw::Or, BoolOp::Or, Self::and_test)
    }

    fn and_test(&mut self) -> PResult<Expr> {
        self.bool_chain(Kw::And, BoolOp::And, Self::not_test)
    }

    fn bool_chain(&mut self, kw: Kw, op: BoolOp, next: fn(&mut Self) -> PResult<Expr>) -> PResult<Expr> {
        let first = next(self)?;
        if !self.at_kw(kw) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_kw(kw) {
            items.push(next(self)?);
        }
        let span = items[0].span.to(items[items.len() - 1].span);
        Ok(Expr::new(ExprKind::BoolOp(op, items), span))
    }

    fn not_test(&mut self) -> PResult<Expr> {
        if self.at_kw(Kw::Not) {
            let span = self.bump().span;
            let operand = self.nest(Self::not_test)?;
            let span = span.to(operand.span);
            return Ok(Expr::new(ExprKind::Unary(UnaryOp::Not, Box::new(operand)), span));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let first = self.bitor()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::Op("==") => CmpOp::Eq,
                Tok::Op("!=") => CmpOp::Ne,
                Tok::Op("<") => CmpOp::Lt,
                Tok::Op("<=") => CmpOp::Le,
                Tok::Op(">") => CmpOp::Gt,
                Tok::Op(">=") => CmpOp::Ge,
                Tok::Kw(Kw::In) => CmpOp::In,
                Tok::Kw(Kw::Not) if matches!(self.peek_nth(1), Tok::Kw(Kw::In)) => {
                    self.bump();
                    CmpOp::NotIn
                }
                Tok::Kw(Kw::Is) => {
                    let span = self.span();
                    return self.unsupported(span, "`is` (identity comparison)");
                }
                _ => break,
            };
            self.bump();
            rest.push((op, self.bitor()?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        let span = first.span.to(rest[rest.len() - 1].1.span);
        Ok(Expr::new(ExprKind::Compare(Box::new(first), rest), span))
    }

    /// Counts one more level of tree depth for a left-nested chain (`a + b + c`,
    /// `x[0][1]`), so that no tree is deeper than [`MAX_NESTING`]: every pass
    /// over it, and dropping it, then fits the stack.
    fn deeper(&mut self) -> PResult<()> {
        if self.depth >= MAX_NESTING {
            let span = self.span();
            self.diags.push(Diagnostic::error(
                span,
                "expression nested too deeply",
                format!("more than {MAX_NESTING} levels"),
            ));
            return Err(Fail);
        }
        self.depth += 1;
        Ok(())
    }

    fn binary_level(&mut self, ops: &[(&str, BinOp)], next: fn(&mut Self) -> PResult<Expr>) -> PResult<Expr> {
        let saved = self.depth;
        let r = self.binary_chain(ops, next);
        self.depth = saved;
        r
    }

    fn binary_chain(&mut self, ops: &[(&str, BinOp)], next: fn(&mut Self) -> PResult<Expr>) -> PResult<Expr> {
        let mut lhs = next(self)?;
        'outer: loop {
            for (tok, op) in ops {
                if self.at_op(tok) {
                    self.bump();
                    self.deeper()?;
                    let rhs = next(self)?;
                    let span = lhs.span.to(rhs.span);
                    lhs = Expr::new(ExprKind::Binary(*op, Box::new(lhs), Box::new(rhs)), span);
                    continue 'outer;
                }
            }
            return Ok(lhs);
        }
    }

    fn bitor(&mut self) -> PResult<Expr> {
        self.binary_level(&[("|", BinOp::BitOr)], Self::bitxor)
    }

    fn bitxor(&mut self) -> PResult<Expr> {
        self.binary_level(&[("^", BinOp::BitXor)], Self::bitand)
    }

    fn bitand(&mut self) -> PResult<Expr> {
        self.binary_level(&[("&", BinOp::BitAnd)], Self::shift)
    }

    fn shift(&mut self) -> PResult<Expr> {
        self.binary_level(&[("<<", BinOp::LShift), (">>", BinOp::RShift)], Self::arith)
    }

    fn arith(&mut self) -> PResult<Expr> {
        self.binary_level(&[("+", BinOp::Add), ("-", BinOp::Sub)], Self::term)
    }

    fn term(&mut self) -> PResult<Expr> {
        if self.at_op("@") {
            let span = self.span();
            return self.unsupported(span, "the matrix operator `@`");
        }
        self.binary_level(
            &[("*", BinOp::Mul), ("//", BinOp::FloorDiv), ("/", BinOp::Div), ("%", BinOp::Mod)],
            Self::factor,
        )
    }

    fn factor(&mut self) -> PResult<Expr> {
        let op = match self.peek() {
            Tok::Op("-") => UnaryOp::Neg,
            Tok::Op("+") => UnaryOp::Pos,
            Tok::Op("~") => UnaryOp::Invert,
            _ => return self.power(),
        };
        let span = self.bump().span;
        let operand = self.nest(Self::factor)?;
        let span = span.to(operand.span);
        Ok(Expr::new(ExprKind::Unary(op, Box::new(operand)), span))
    }

    fn power(&mut self) -> PResult<Expr> {
        let base = self.primary()?;
        if self.eat_op("**") {
            // Right-associative, and binds tighter than a unary minus on its left.
            let exp = self.nest(Self::factor)?;
            let span = base.span.to(exp.span);
            return Ok(Expr::new(ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exp)), span));
        }
        Ok(base)
    }

    fn primary(&mut self) -> PResult<Expr> {
        let saved = self.depth;
        let r = self.trailers();
        self.depth = saved;
        r
    }

    fn trailers(&mut self) -> PResult<Expr> {
        let mut e = self.atom()?;
        loop {
            if self.at_op("(") || self.at_op("[") || self.at_op(".") {
                self.deeper()?;
            }

            if self.at_op("(") {
                self.bump();
                let (args, keywords) = self.call_args()?;
                let close = self.expect_op(")")?;
                let span = e.span.to(close);
                e = Expr::new(ExprKind::Call { func: Box::new(e), args, keywords }, span);
            } else if self.at_op("[") {
                self.bump();
                e = self.subscript(e)?;
            } else if self.at_op(".") {
                self.bump();
                let attr = self.expect_name("an attribute name")?;
                let span = e.span.to(attr.span);
                e = Expr::new(ExprKind::Attribute(Box::new(e), attr), span);
            } else {
                return Ok(e);
            }
        }
    }

    fn call_args(&mut self) -> PResult<(Vec<Expr>, Vec<Keyword>)> {
        let mut args = Vec::new();
        let mut keywords: Vec<Keyword> = Vec::new();
        while !self.at_op(")") {
            if self.at_op("*") || self.at_op("**") {
                let span = self.span();
                return self.unsupported(span, "argument unpacking with `*` or `**`");
            }
            if let (Tok::Name(name), Tok::Op("=")) = (self.peek().clone(), self.peek_nth(1).clone()) {
                let span = self.bump().span;
                self.bump();
                let value = self.test()?;
                keywords.push(Keyword { name: Ident { name, span }, value });
            } else {
                let arg = self.test()?;
                if self.at_kw(Kw::For) {
                    let clauses = self.comp_clauses()?;
                    let span = arg.span.to(self.prev_span());
                    args.push(Expr::new(ExprKind::GeneratorExp(Box::new(arg), clauses), span));
                } else {
                    if !keywords.is_empty() {
                        self.diags.push(Diagnostic::error(
                            arg.span,
                            "positional argument follows keyword argument",
                            "move it before the keyword arguments",
                        ));
                        return Err(Fail);
                    }
                    args.push(arg);
                }
            }
            if !self.eat_op(",") {
                break;
            }
        }
        Ok((args, keywords))
    }

    fn subscript(&mut self, value: Expr) -> PResult<Expr> {
        let slice_part = |p: &mut Self| -> PResult<Option<Box<Expr>>> {
            if p.at_op(":") || p.at_op("]") { Ok(None) } else { Ok(Some(Box::new(p.test()?))) }
        };
        let lower = slice_part(self)?;
        if !self.at_op(":") {
            let index = match lower {
                Some(i) => *i,
                None => return self.fail("expected an index"),
            };
            let index = if self.at_op(",") {
                let start = index.span;
                let mut items = vec![index];
                while self.eat_op(",") {
                    if self.at_op("]") {
                        break;
                    }
                    items.push(self.test()?);
                }
                Expr::new(ExprKind::Tuple(items), start.to(self.prev_span()))
            } else {
                index
            };
            let close = self.expect_op("]")?;
            let span = value.span.to(close);
            return Ok(Expr::new(ExprKind::Index(Box::new(value), Box::new(index)), span));
        }
        self.bump();
        let upper = slice_part(self)?;
        let step = if self.eat_op(":") { slice_part(self)? } else { None };
        let close = self.expect_op("]")?;
        let span = value.span.to(close);
        Ok(Expr::new(ExprKind::Slice { value: Box::new(value), lower, upper, step }, span))
    }

    /// `for target in iter [if cond]*` clauses, one or more.
    fn comp_clauses(&mut self) -> PResult<Vec<Comprehension>> {
        let mut clauses = Vec::new();
        while self.eat_kw(Kw::For) {
            let target = self.target_list()?;
            if !self.eat_kw(Kw::In) {
                return self.fail("expected `in`");
            }
            let iter = self.or_test()?;
            let mut ifs = Vec::new();
            while self.eat_kw(Kw::If) {
                ifs.push(self.nest(Self::or_test)?);
            }
            clauses.push(Comprehension { target, iter, ifs });
        }
        if self.at_kw(Kw::Async) {
            let span = self.span();
            return self.unsupported(span, "`async for`");
        }
        Ok(clauses)
    }

    fn atom(&mut self) -> PResult<Expr> {
        let span = self.span();
        let kind = match self.peek().clone() {
            Tok::Name(n) => ExprKind::Name(n),
            Tok::Int(v) => ExprKind::Int(v),
            Tok::Float(v) => ExprKind::Float(v),
            Tok::Str(first) => {
                // Adjacent string literals concatenate.
                let mut s = first;
                self.bump();
                let mut end = span;
                while let Tok::Str(next) = self.peek().clone() {
                    s.push_str(&next);
                    end = self.bump().span;
                }
                return Ok(Expr::new(ExprKind::Str(s), span.to(end)));
            }
            Tok::Unsupported(what) => return self.unsupported(span, what),
            Tok::Kw(Kw::True) => ExprKind::Bool(true),
            Tok::Kw(Kw::False) => ExprKind::Bool(false),
            Tok::Kw(Kw::None) => ExprKind::None,
            Tok::Op("...") => ExprKind::Ellipsis,
            Tok::Op("??") => ExprKind::Hole,
            Tok::Op("(") => return self.nest(Self::paren),
            Tok::Op("[") => return self.nest(Self::list_display),
            Tok::Op("{") => return self.unsupported(span, "a dict or set"),
            Tok::Op("*") => return self.unsupported(span, "starred expression"),
            _ => return self.fail("expected an expression"),
        };
        self.bump();
        Ok(Expr::new(kind, span))
    }

    fn paren(&mut self) -> PResult<Expr> {
        let open = self.bump().span;
        if self.at_op(")") {
            let close = self.bump().span;
            return Ok(Expr::new(ExprKind::Tuple(Vec::new()), open.to(close)));
        }
        let first = self.test()?;
        if self.at_kw(Kw::For) {
            let clauses = self.comp_clauses()?;
            let close = self.expect_op(")")?;
            return Ok(Expr::new(ExprKind::GeneratorExp(Box::new(first), clauses), open.to(close)));
        }
        if self.at_op(":=") {
            let span = self.span();
            return self.unsupported(span, "the walrus operator `:=`");
        }
        if self.eat_op(")") {
            // Parentheses only group: keep the inner node (and its span).
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_op(")") {
                break;
            }
            items.push(self.test()?);
        }
        let close = self.expect_op(")")?;
        Ok(Expr::new(ExprKind::Tuple(items), open.to(close)))
    }

    fn list_display(&mut self) -> PResult<Expr> {
        let open = self.bump().span;
        if self.at_op("]") {
            let close = self.bump().span;
            return Ok(Expr::new(ExprKind::List(Vec::new()), open.to(close)));
        }
        let first = self.test()?;
        if self.at_kw(Kw::For) {
            let clauses = self.comp_clauses()?;
            let close = self.expect_op("]")?;
            return Ok(Expr::new(ExprKind::ListComp(Box::new(first), clauses), open.to(close)));
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.at_op("]") {
                break;
            }
            items.push(self.test()?);
        }
        let close = self.expect_op("]")?;
        Ok(Expr::new(ExprKind::List(items), open.to(close)))
    }
}

fn aug_op(op: &str) -> Option<BinOp> {
    Some(match op {
        "+=" => BinOp::Add,
        "-=" => BinOp::Sub,
        "*=" => BinOp::Mul,
        "/=" => BinOp::Div,
        "//=" => BinOp::FloorDiv,
        "%=" => BinOp::Mod,
        "**=" => BinOp::Pow,
        "&=" => BinOp::BitAnd,
        "|=" => BinOp::BitOr,
        "^=" => BinOp::BitXor,
        "<<=" => BinOp::LShift,
        ">>=" => BinOp::RShift,
        _ => return None,
    })
}
