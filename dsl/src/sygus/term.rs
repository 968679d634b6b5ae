//! SyGuS-IF terms: sorts, sort-checked terms over the SMT-LIB theories of
//! the SLIA, BV and LIA/CLIA logics, and their canonical SMT-LIB 2.6 text
//! (what the independent Z3 check reads; v1 names come out in 2.6 spelling).

use crate::smt::sexp::str_literal;
use std::fmt;

/// A sort of the supported logics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sort {
    /// Unbounded integers (synth's `int`: 64 bits, so bounded in specs).
    Int,
    /// Booleans.
    Bool,
    /// Unicode strings.
    Str,
    /// Bit-vectors of a width from 1 to 64.
    Bv(u32),
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sort::Int => f.write_str("Int"),
            Sort::Bool => f.write_str("Bool"),
            Sort::Str => f.write_str("String"),
            Sort::Bv(w) => write!(f, "(_ BitVec {w})"),
        }
    }
}

impl Sort {
    /// The language type that represents it.
    pub fn py(self) -> &'static str {
        match self {
            Sort::Int | Sort::Bv(_) => "int",
            Sort::Bool => "bool",
            Sort::Str => "str",
        }
    }

    /// The language type.
    pub fn ty(self) -> crate::Type {
        match self {
            Sort::Int | Sort::Bv(_) => crate::Type::Int,
            Sort::Bool => crate::Type::Bool,
            Sort::Str => crate::Type::Str,
        }
    }
}

/// A sort-checked term.
#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    /// A parameter or a declared variable.
    Var(String, Sort),
    /// A non-terminal of a grammar (a hole of a production), by index.
    Hole(usize, Sort),
    /// An integer literal.
    Int(i128),
    /// A Boolean literal.
    Bool(bool),
    /// A string literal.
    Str(String),
    /// A bit-vector literal: value and width.
    Bv(u128, u32),
    /// A theory operator (canonical name), its indices and arguments.
    App(String, Vec<u32>, Vec<Term>, Sort),
    /// A call of a `define-fun` or `synth-fun`.
    Call(String, Vec<Term>, Sort),
}

impl Term {
    /// Its sort.
    pub fn sort(&self) -> Sort {
        match self {
            Term::Var(_, s) | Term::Hole(_, s) | Term::App(.., s) | Term::Call(_, _, s) => *s,
            Term::Int(_) => Sort::Int,
            Term::Bool(_) => Sort::Bool,
            Term::Str(_) => Sort::Str,
            Term::Bv(_, w) => Sort::Bv(*w),
        }
    }

    /// Visits every subterm, this one first.
    pub fn walk(&self, f: &mut dyn FnMut(&Term)) {
        f(self);
        if let Term::App(_, _, args, _) | Term::Call(_, args, _) = self {
            for a in args {
                a.walk(f);
            }
        }
    }

    /// Does it mention no variable (a ground term)?
    pub fn is_ground(&self) -> bool {
        let mut ground = true;
        self.walk(&mut |t| ground &= !matches!(t, Term::Var(..) | Term::Hole(..)));
        ground
    }
}

/// An SMT-LIB symbol, `|quoted|` when it needs to be.
pub fn symbol(s: &str) -> String {
    let simple = !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "~!@$%^&*_-+=<>.?/".contains(c));
    if simple { s.to_string() } else { format!("|{s}|") }
}

/// A bit-vector literal of width `w`.
pub fn bv_literal(v: u128, w: u32) -> String {
    if w.is_multiple_of(4) {
        format!("#x{:0width$x}", v, width = (w / 4) as usize)
    } else {
        format!("#b{:0width$b}", v, width = w as usize)
    }
}

/// An integer literal (`(- 5)` for negatives).
pub fn int_literal(n: i128) -> String {
    if n < 0 { format!("(- {})", n.unsigned_abs()) } else { n.to_string() }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Var(n, _) => f.write_str(&symbol(n)),
            Term::Hole(i, _) => write!(f, "?{i}"),
            Term::Int(n) => f.write_str(&int_literal(*n)),
            Term::Bool(b) => write!(f, "{b}"),
            Term::Str(s) => f.write_str(&str_literal(s)),
            Term::Bv(v, w) => f.write_str(&bv_literal(*v, *w)),
            Term::App(op, idx, args, _) => {
                if idx.is_empty() {
                    write!(f, "({op}")?;
                } else {
                    let idx: Vec<String> = idx.iter().map(u32::to_string).collect();
                    write!(f, "((_ {op} {})", idx.join(" "))?;
                }
                for a in args {
                    write!(f, " {a}")?;
                }
                f.write_str(")")
            }
            Term::Call(name, args, _) => {
                if args.is_empty() {
                    return f.write_str(&symbol(name));
                }
                write!(f, "({}", symbol(name))?;
                for a in args {
                    write!(f, " {a}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// The canonical (SMT-LIB 2.6) name of an operator, for v1 aliases.
pub fn canonical(op: &str) -> &str {
    match op {
        "str.to.int" => "str.to_int",
        "int.to.str" => "str.from_int",
        "str.in.re" => "str.in_re",
        "str.to-int" => "str.to_int",
        "int.to-str" => "str.from_int",
        "str.replaceall" => "str.replace_all",
        other => other,
    }
}

/// The sort of theory operator `op` with these indices applied to these
/// argument sorts: `None` when `op` is not an operator of the supported
/// theories, `Some(Err(why))` when it is but the arguments do not fit.
pub fn op_sort(op: &str, idx: &[u32], args: &[Sort]) -> Option<Result<Sort, String>> {
    use Sort::*;
    let n = args.len();
    let all = |s: Sort| args.iter().all(|a| *a == s);
    let want = |ok: bool, sort: Sort, what: &str| -> Result<Sort, String> {
        if ok { Ok(sort) } else { Err(format!("`{op}` expects {what}, found ({})", sorts(args))) }
    };
    let bv = |i: usize| match args.get(i) {
        Some(Bv(w)) => Some(*w),
        _ => None,
    };
    let same_bv = n >= 1 && bv(0).is_some() && all(args[0]);
    let r = match op {
        "=" | "distinct" => want(n >= 2 && all(args[0]), Bool, "two or more arguments of one sort"),
        "not" => want(n == 1 && all(Bool), Bool, "one Bool"),
        "and" | "or" | "xor" | "=>" => want(n >= 2 && all(Bool), Bool, "two or more Bools"),
        "ite" => {
            want(n == 3 && args[0] == Bool && args[1] == args[2], args.get(1).copied().unwrap_or(Bool), "(Bool S S)")
        }
        "+" | "*" => want(n >= 2 && all(Int), Int, "two or more Ints"),
        "-" => want(n >= 1 && all(Int), Int, "Ints"),
        "div" | "mod" => want(n == 2 && all(Int), Int, "two Ints"),
        "abs" => want(n == 1 && all(Int), Int, "one Int"),
        "<" | "<=" | ">" | ">=" => want(n >= 2 && all(Int), Bool, "two or more Ints"),
        "str.++" => want(n >= 2 && all(Str), Str, "two or more Strings"),
        "str.len" => want(n == 1 && all(Str), Int, "one String"),
        "str.at" => want(args == [Str, Int], Str, "(String Int)"),
        "str.substr" => want(args == [Str, Int, Int], Str, "(String Int Int)"),
        "str.prefixof" | "str.suffixof" | "str.contains" | "str.<" | "str.<=" => {
            want(n == 2 && all(Str), Bool, "two Strings")
        }
        "str.indexof" => want(args == [Str, Str, Int], Int, "(String String Int)"),
        "str.replace" | "str.replace_all" => want(n == 3 && all(Str), Str, "three Strings"),
        "str.to_int" | "str.to_code" => want(args == [Str], Int, "one String"),
        "str.from_int" | "str.from_code" => want(args == [Int], Str, "one Int"),
        "str.is_digit" => want(args == [Str], Bool, "one String"),
        "str.to_upper" | "str.to_lower" => want(args == [Str], Str, "one String"),
        "bvnot" | "bvneg" => want(n == 1 && bv(0).is_some(), args.first().copied().unwrap_or(Bool), "one bit-vector"),
        "bvand" | "bvor" | "bvxor" | "bvadd" | "bvmul" => {
            want(n >= 2 && same_bv, args.first().copied().unwrap_or(Bool), "two or more bit-vectors of one width")
        }
        "bvnand" | "bvnor" | "bvxnor" | "bvsub" | "bvudiv" | "bvurem" | "bvsdiv" | "bvsrem" | "bvsmod" | "bvshl"
        | "bvlshr" | "bvashr" => {
            want(n == 2 && same_bv, args.first().copied().unwrap_or(Bool), "two bit-vectors of one width")
        }
        "bvult" | "bvule" | "bvugt" | "bvuge" | "bvslt" | "bvsle" | "bvsgt" | "bvsge" => {
            want(n == 2 && same_bv, Bool, "two bit-vectors of one width")
        }
        "bvcomp" => want(n == 2 && same_bv, Bv(1), "two bit-vectors of one width"),
        "concat" => match (n, bv(0), bv(1)) {
            (2, Some(a), Some(b)) if a + b <= 64 => Ok(Bv(a + b)),
            (2, Some(_), Some(_)) => Err("bit-vectors wider than 64 bits are not supported".into()),
            _ => want(false, Bool, "two bit-vectors"),
        },
        "extract" => match (idx, n, bv(0)) {
            ([i, j], 1, Some(w)) if j <= i && *i < w => Ok(Bv(i - j + 1)),
            ([_, _], 1, Some(w)) => Err(format!("`(_ extract i j)` needs w > i >= j (width {w})")),
            _ => want(false, Bool, "two indices and one bit-vector"),
        },
        "zero_extend" | "sign_extend" => match (idx, n, bv(0)) {
            ([k], 1, Some(w)) if w + k <= 64 => Ok(Bv(w + k)),
            ([_], 1, Some(_)) => Err("bit-vectors wider than 64 bits are not supported".into()),
            _ => want(false, Bool, "one index and one bit-vector"),
        },
        "rotate_left" | "rotate_right" => match (idx, n, bv(0)) {
            ([_], 1, Some(w)) => Ok(Bv(w)),
            _ => want(false, Bool, "one index and one bit-vector"),
        },
        "repeat" => match (idx, n, bv(0)) {
            ([k], 1, Some(w)) if *k >= 1 && w * k <= 64 => Ok(Bv(w * k)),
            ([_], 1, Some(_)) => Err("bit-vectors wider than 64 bits are not supported".into()),
            _ => want(false, Bool, "one index and one bit-vector"),
        },
        _ => return None,
    };
    Some(r)
}

fn sorts(args: &[Sort]) -> String {
    args.iter().map(Sort::to_string).collect::<Vec<_>>().join(" ")
}
