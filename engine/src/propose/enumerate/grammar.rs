//! The enumerator's grammar: source templates over holes (`{0}.split({1})`)
//! and the kinds of types each hole accepts; templates are instantiated at
//! the types in play and checked by the language's own checker.

use synth_dsl::tir::{Expr, Program};
use synth_dsl::{Type, check, parser};

/// Hole kinds of the grammar's templates: which types a hole accepts.
#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Int,
    Float,
    Bool,
    Str,
    /// `int` or `float`.
    Num,
    /// `int`, `float` or `str`: ordered by `<`.
    Ord,
    /// `str`, a list or a tuple.
    Seq,
    /// A list of `str`.
    StrList,
    /// Any type.
    Any,
    /// The type of hole `i`.
    Same(usize),
    /// The element type of hole `i`.
    Elem(usize),
}

/// The grammar: templates over holes `{0}`, `{1}`, `{2}`.
pub(super) const TEMPLATES: &[(&str, &[Kind])] = {
    use Kind::*;
    &[
        ("{0} + {1}", &[Num, Same(0)]),
        ("{0} - {1}", &[Num, Same(0)]),
        ("{0} * {1}", &[Num, Same(0)]),
        ("{0} // {1}", &[Int, Int]),
        ("{0} % {1}", &[Int, Int]),
        ("{0} / {1}", &[Num, Num]),
        ("{0} ** {1}", &[Int, Int]),
        ("-{0}", &[Num]),
        ("abs({0})", &[Num]),
        ("min({0}, {1})", &[Num, Same(0)]),
        ("max({0}, {1})", &[Num, Same(0)]),
        ("{0} & {1}", &[Int, Int]),
        ("{0} | {1}", &[Int, Int]),
        ("{0} ^ {1}", &[Int, Int]),
        ("{0} << {1}", &[Int, Int]),
        ("{0} >> {1}", &[Int, Int]),
        ("~{0}", &[Int]),
        ("{0} == {1}", &[Any, Same(0)]),
        ("{0} != {1}", &[Any, Same(0)]),
        ("{0} < {1}", &[Ord, Same(0)]),
        ("{0} <= {1}", &[Ord, Same(0)]),
        ("{0} > {1}", &[Ord, Same(0)]),
        ("{0} >= {1}", &[Ord, Same(0)]),
        ("{0} and {1}", &[Bool, Bool]),
        ("{0} or {1}", &[Bool, Bool]),
        ("not {0}", &[Bool]),
        ("{1} if {0} else {2}", &[Bool, Any, Same(1)]),
        ("len({0})", &[Seq]),
        ("{0}[{1}]", &[Seq, Int]),
        ("{0}[{1}:]", &[Seq, Int]),
        ("{0}[:{1}]", &[Seq, Int]),
        ("{0}[{1}:{2}]", &[Seq, Int, Int]),
        ("{0}[::-1]", &[Seq]),
        ("{0} + {1}", &[Seq, Same(0)]),
        ("{0} * {1}", &[Seq, Int]),
        ("{1} in {0}", &[Seq, Elem(0)]),
        ("sorted({0})", &[Seq]),
        ("sorted({0}, reverse=True)", &[Seq]),
        ("max({0})", &[Seq]),
        ("min({0})", &[Seq]),
        ("sum({0})", &[Seq]),
        ("{0}.index({1})", &[Seq, Elem(0)]),
        ("{0}.count({1})", &[Seq, Elem(0)]),
        ("{0}.upper()", &[Str]),
        ("{0}.lower()", &[Str]),
        ("{0}.strip()", &[Str]),
        ("{0}.lstrip()", &[Str]),
        ("{0}.rstrip()", &[Str]),
        ("{0}.capitalize()", &[Str]),
        ("{0}.title()", &[Str]),
        ("{0}.swapcase()", &[Str]),
        ("{0}.split()", &[Str]),
        ("{0}.split({1})", &[Str, Str]),
        ("{0}.strip({1})", &[Str, Str]),
        ("{0}.join({1})", &[Str, StrList]),
        ("{0}.find({1})", &[Str, Str]),
        ("{0}.rfind({1})", &[Str, Str]),
        ("{0}.replace({1}, {2})", &[Str, Str, Str]),
        ("{0}.startswith({1})", &[Str, Str]),
        ("{0}.endswith({1})", &[Str, Str]),
        ("{0}.isdigit()", &[Str]),
        ("{0}.isalpha()", &[Str]),
        ("{0}.isupper()", &[Str]),
        ("{0}.islower()", &[Str]),
        ("{0}.isspace()", &[Str]),
        ("{0}.zfill({1})", &[Str, Int]),
        ("list({0})", &[Str]),
        ("str({0})", &[Int]),
        ("int({0})", &[Str]),
        ("int({0})", &[Float]),
        ("float({0})", &[Int]),
        ("round({0})", &[Float]),
        ("ord({0})", &[Str]),
        ("chr({0})", &[Int]),
        ("bin({0})", &[Int]),
    ]
};

/// Nesting depth of a type: 0 for scalars, 1 for `list[int]`, ...
pub(super) fn depth(t: &Type) -> u32 {
    match t {
        Type::List(e) | Type::TupleOf(e) => 1 + depth(e),
        Type::Tuple(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn kind_accepts(kind: Kind, t: &Type, chosen: &[Type]) -> bool {
    match kind {
        Kind::Int => *t == Type::Int,
        Kind::Float => *t == Type::Float,
        Kind::Bool => *t == Type::Bool,
        Kind::Str => *t == Type::Str,
        Kind::Num => matches!(t, Type::Int | Type::Float),
        Kind::Ord => matches!(t, Type::Int | Type::Float | Type::Str),
        Kind::Seq => matches!(t, Type::Str | Type::List(_) | Type::TupleOf(_) | Type::Tuple(_)),
        Kind::StrList => *t == Type::list(Type::Str),
        Kind::Any => *t != Type::None,
        Kind::Same(i) => chosen.get(i) == Some(t),
        Kind::Elem(i) => chosen.get(i).and_then(Type::elem).as_ref() == Some(t),
    }
}

/// Every assignment of types in play to the holes.
pub(super) fn assignments(kinds: &[Kind], in_play: &[Type]) -> Vec<Vec<Type>> {
    let mut out = vec![Vec::new()];
    for &k in kinds {
        let mut next = Vec::new();
        for partial in &out {
            for t in in_play {
                if kind_accepts(k, t, partial) {
                    let mut p = partial.clone();
                    p.push(t.clone());
                    next.push(p);
                }
            }
        }
        out = next;
    }
    out
}

/// Checks a template at argument types; its result type and checked form.
pub(super) fn check_template(program: &Program, text: &str, args: &[Type]) -> Option<(Type, Expr)> {
    check_template_with(program, text, args, &[])
}

/// Checks a template whose text may also name `extra` locals (after the holes' slots).
pub(super) fn check_template_with(
    program: &Program,
    text: &str,
    args: &[Type],
    extra: &[(String, Type)],
) -> Option<(Type, Expr)> {
    let mut src = text.to_string();
    for i in 0..args.len() {
        src = src.replace(&format!("{{{i}}}"), &format!("__a{i}"));
    }
    let (ast, diags) = parser::parse_expression(&src);
    if !diags.is_empty() {
        return None;
    }
    let mut locals: Vec<(String, Type)> =
        args.iter().enumerate().map(|(i, t)| (format!("__a{i}"), t.clone())).collect();
    locals.extend(extra.iter().cloned());
    let (expr, diags) = check::check_expression_with_locals(program, &ast, &locals);
    if diags.iter().any(synth_dsl::Diagnostic::is_error) {
        return None;
    }
    let expr = expr?;
    if expr.ty == Type::None {
        return None;
    }
    Some((expr.ty.clone(), expr))
}
