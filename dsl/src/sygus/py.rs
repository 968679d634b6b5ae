//! SyGuS terms in synth's language. Every operator becomes an expression
//! of the language or a call of a total helper function (`sy_bvudiv_8`)
//! with the SMT-LIB meaning, emitted once per operator and width.
//!
//! Bit-vectors of width w < 64 are `int`s in `0 .. 2**w`; width 64 is the
//! `int`'s own 64 bits (two's complement), so `bvadd` is `+` there. Integers
//! are the language's 64-bit `int`s: a term whose value leaves 64 bits is
//! where the two meanings part, which the independent Z3 check catches.

use super::term::{Sort, Term};
use std::collections::BTreeMap;

/// What a helper means in SMT-LIB, for printing a solution back.
#[derive(Clone, Debug)]
pub struct Helper {
    /// The operator as SMT-LIB writes its head (`bvadd`, `(_ extract 7 0)`).
    pub head: String,
    /// Argument sorts.
    pub args: Vec<Sort>,
    /// Result sort.
    pub ret: Sort,
    /// The definition in the language.
    pub def: String,
}

/// Translates terms, collecting the helpers they need.
#[derive(Default)]
pub struct Translator {
    /// Helpers by their name in the language.
    pub helpers: BTreeMap<String, Helper>,
    /// Names in the language of variables, define-funs and synth-funs.
    pub names: BTreeMap<String, String>,
}

fn mask(w: u32) -> String {
    if w >= 64 { "-1".into() } else { format!("{}", (1u128 << w) - 1) }
}

/// An `int` literal of the language for a bit-vector value of width `w`.
pub fn bv_value(v: u128, w: u32) -> i64 {
    if w >= 64 { v as u64 as i64 } else { (v & ((1u128 << w) - 1)) as i64 }
}

fn lit(n: i64) -> String {
    if n < 0 { if n == i64::MIN { "(1 << 63)".into() } else { format!("({n})") } } else { n.to_string() }
}

impl Translator {
    /// The language's name of an SMT symbol (set by the caller).
    fn name(&self, smt: &str) -> String {
        self.names.get(smt).cloned().unwrap_or_else(|| smt.to_string())
    }

    /// The expression for `t`; holes print as `{i}` (a grammar template),
    /// calls of `result_of` as `result` (a spec's view of the target).
    pub fn expr(&mut self, t: &Term, result_of: Option<&str>) -> String {
        match t {
            Term::Var(n, _) => self.name(n),
            Term::Hole(i, _) => format!("{{{i}}}"),
            // The parser keeps integer literals within 64 bits.
            Term::Int(n) => lit(*n as i64),
            Term::Bool(b) => if *b { "True" } else { "False" }.into(),
            Term::Str(s) => crate::value::str_repr(s),
            Term::Bv(v, w) => lit(bv_value(*v, *w)),
            Term::Call(f, args, _) => {
                if result_of == Some(f.as_str()) {
                    return "result".into();
                }
                let args: Vec<String> = args.iter().map(|a| self.expr(a, result_of)).collect();
                format!("{}({})", self.name(f), args.join(", "))
            }
            Term::App(op, idx, args, sort) => {
                let sorts: Vec<Sort> = args.iter().map(Term::sort).collect();
                let a: Vec<String> = args.iter().map(|x| self.expr(x, result_of)).collect();
                self.app(op, idx, &a, &sorts, *sort)
            }
        }
    }

    fn app(&mut self, op: &str, idx: &[u32], a: &[String], sorts: &[Sort], sort: Sort) -> String {
        let join = |sep: &str| format!("({})", a.join(sep));
        let chain = |cmp: &str| {
            let parts: Vec<String> = a.windows(2).map(|p| format!("({} {cmp} {})", p[0], p[1])).collect();
            if parts.len() == 1 { parts[0].clone() } else { format!("({})", parts.join(" and ")) }
        };
        let arg_sort = sorts.first().copied().unwrap_or(Sort::Bool);
        match op {
            "=" => chain("=="),
            "distinct" if a.len() == 2 => format!("({} != {})", a[0], a[1]),
            "not" => format!("(not {})", a[0]),
            "and" => join(" and "),
            "or" => join(" or "),
            "=>" => {
                // Right-associative.
                let mut s = a[a.len() - 1].clone();
                for x in a[..a.len() - 1].iter().rev() {
                    s = format!("((not {x}) or {s})");
                }
                s
            }
            "xor" => a[1..].iter().fold(a[0].clone(), |acc, x| format!("({acc} != {x})")),
            "ite" => format!("({} if {} else {})", a[1], a[0], a[2]),
            "+" if sort == Sort::Int => join(" + "),
            "*" => join(" * "),
            "-" if a.len() == 1 => format!("(-{})", a[0]),
            "-" => join(" - "),
            "<" | "<=" | ">" | ">=" => chain(op),
            "str.++" => join(" + "),
            "str.len" => format!("len({})", a[0]),
            _ => {
                let name = self.helper(op, idx, sorts, sort, arg_sort);
                format!("{name}({})", a.join(", "))
            }
        }
    }

    /// Declares (once) and names the helper for `op`.
    fn helper(&mut self, op: &str, idx: &[u32], sorts: &[Sort], sort: Sort, arg: Sort) -> String {
        let w = match arg {
            Sort::Bv(w) => w,
            _ => 0,
        };
        let tag: String = op.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let mut name = format!("sy_{tag}");
        for i in idx {
            name.push_str(&format!("_{i}"));
        }
        if w > 0 {
            name.push_str(&format!("_{w}"));
        }
        if op == "concat"
            && let Some(Sort::Bv(w2)) = sorts.get(1)
        {
            name.push_str(&format!("_{w2}"));
        }
        if op == "distinct" {
            name = format!("sy_distinct_{}_{}", sorts.len(), sort_tag(arg));
        }
        if self.helpers.contains_key(&name) {
            return name;
        }
        let params: Vec<String> = ["a", "b", "c", "d", "e", "f", "g", "h"].iter().map(|s| s.to_string()).collect();
        let n = sorts.len();
        let sig = (0..n).map(|i| format!("{}: {}", params.get(i).cloned().unwrap_or(format!("p{i}")), sorts[i].py()));
        let sig: Vec<String> = sig.collect();
        let mut deps: Vec<(String, Vec<u32>, Vec<Sort>, Sort)> = Vec::new();
        let body = self.body(op, idx, w, sorts, &mut deps);
        for (dop, didx, dsorts, dsort) in deps {
            let darg = dsorts.first().copied().unwrap_or(Sort::Bool);
            self.helper(&dop, &didx, &dsorts, dsort, darg);
        }
        let head = if idx.is_empty() {
            op.to_string()
        } else {
            format!("(_ {op} {})", idx.iter().map(u32::to_string).collect::<Vec<_>>().join(" "))
        };
        let def = format!("def {name}({}) -> {}:\n{body}\n", sig.join(", "), sort.py());
        self.helpers.insert(name.clone(), Helper { head, args: sorts.to_vec(), ret: sort, def });
        name
    }

    /// A helper's body (indented statements).
    fn body(
        &self,
        op: &str,
        idx: &[u32],
        w: u32,
        sorts: &[Sort],
        deps: &mut Vec<(String, Vec<u32>, Vec<Sort>, Sort)>,
    ) -> String {
        let m = mask(w);
        let bvw = Sort::Bv(w);
        let mut dep = |o: &str, n: usize, ret: Sort| {
            deps.push((o.to_string(), Vec::new(), vec![bvw; n], ret));
            format!("sy_{o}_{w}")
        };
        // The signed value of `x` (w < 64), or `x` itself (w = 64).
        let sv = |x: &str| {
            if w >= 64 {
                x.to_string()
            } else {
                // `1 << 63` wraps to the least int, and `x - (1 << 63)` is then still x - 2**63.
                let full = if w == 63 { "(1 << 63)".to_string() } else { (1u128 << w).to_string() };
                format!("({x} - {full} if {x} >= {} else {x})", 1u128 << (w - 1))
            }
        };
        let ret = |e: String| format!("    return {e}");
        let wide = w >= 64;
        match op {
            "distinct" => {
                let mut parts = Vec::new();
                for i in 0..sorts.len() {
                    for j in i + 1..sorts.len() {
                        parts.push(format!(
                            "{} != {}",
                            ["a", "b", "c", "d", "e", "f", "g", "h"][i],
                            ["a", "b", "c", "d", "e", "f", "g", "h"][j]
                        ));
                    }
                }
                ret(parts.join(" and "))
            }
            "div" => ret("0 if b == 0 else (a // b if b > 0 else -(a // -b))".into()),
            "mod" => ret("a if b == 0 else a % abs(b)".into()),
            "abs" => ret("abs(a)".into()),
            "str.at" => ret("a[b] if 0 <= b and b < len(a) else \"\"".into()),
            "str.substr" => ret("a[b:b + min(c, len(a))] if 0 <= b and b < len(a) and c > 0 else \"\"".into()),
            "str.prefixof" => ret("b.startswith(a)".into()),
            "str.suffixof" => ret("b.endswith(a)".into()),
            "str.contains" => ret("b in a".into()),
            "str.<" => ret("a < b".into()),
            "str.<=" => ret("a <= b".into()),
            "str.indexof" => ret("a.find(b, c) if 0 <= c and c <= len(a) else -1".into()),
            "str.replace" => ret("a.replace(b, c, 1)".into()),
            "str.replace_all" => ret("a if b == \"\" else a.replace(b, c)".into()),
            "str.to_int" => ret("int(a) if len(a) > 0 and len(a) < 19 and a.isdigit() and a.isascii() else -1".into()),
            "str.from_int" => ret("str(a) if a >= 0 else \"\"".into()),
            "str.is_digit" => ret("len(a) == 1 and a >= \"0\" and a <= \"9\"".into()),
            "str.to_code" => ret("ord(a) if len(a) == 1 else -1".into()),
            "str.from_code" => ret("chr(a) if 0 <= a and a <= 196607 else \"\"".into()),
            "str.to_upper" => ret("a.upper()".into()),
            "str.to_lower" => ret("a.lower()".into()),
            // Bit-vectors.
            "bvnot" => ret(if wide { "~a".into() } else { format!("a ^ {m}") }),
            "bvneg" => ret(if wide { "-a".into() } else { format!("(-a) & {m}") }),
            "bvand" => ret("a & b".into()),
            "bvor" => ret("a | b".into()),
            "bvxor" => ret("a ^ b".into()),
            "bvnand" => ret(if wide { "~(a & b)".into() } else { format!("(a & b) ^ {m}") }),
            "bvnor" => ret(if wide { "~(a | b)".into() } else { format!("(a | b) ^ {m}") }),
            "bvxnor" => ret(if wide { "~(a ^ b)".into() } else { format!("(a ^ b) ^ {m}") }),
            "bvadd" => ret(if wide { "a + b".into() } else { format!("(a + b) & {m}") }),
            "bvsub" => ret(if wide { "a - b".into() } else { format!("(a - b) & {m}") }),
            "bvmul" => ret(if wide { "a * b".into() } else { format!("(a * b) & {m}") }),
            "bvult" => ret(if wide { "(a ^ (1 << 63)) < (b ^ (1 << 63))".into() } else { "a < b".into() }),
            "bvule" => ret(if wide { "(a ^ (1 << 63)) <= (b ^ (1 << 63))".into() } else { "a <= b".into() }),
            "bvugt" => ret(if wide { "(a ^ (1 << 63)) > (b ^ (1 << 63))".into() } else { "a > b".into() }),
            "bvuge" => ret(if wide { "(a ^ (1 << 63)) >= (b ^ (1 << 63))".into() } else { "a >= b".into() }),
            "bvslt" => ret(format!("{} < {}", sv("a"), sv("b"))),
            "bvsle" => ret(format!("{} <= {}", sv("a"), sv("b"))),
            "bvsgt" => ret(format!("{} > {}", sv("a"), sv("b"))),
            "bvsge" => ret(format!("{} >= {}", sv("a"), sv("b"))),
            "bvcomp" => ret("1 if a == b else 0".into()),
            "bvudiv" if wide => {
                let ult = dep("bvult", 2, Sort::Bool);
                [
                    "    if b == 0:".to_string(),
                    "        return -1".into(),
                    "    if b < 0:".into(),
                    format!("        return 0 if {ult}(a, b) else 1"),
                    "    q = (((a >> 1) & 9223372036854775807) // b) << 1".into(),
                    format!("    return q if {ult}(a - q * b, b) else q + 1"),
                ]
                .join("\n")
            }
            "bvudiv" => ret(format!("{m} if b == 0 else a // b")),
            "bvurem" if wide => {
                let udiv = dep("bvudiv", 2, bvw);
                ret(format!("a - {udiv}(a, b) * b"))
            }
            "bvurem" => ret("a if b == 0 else a % b".into()),
            "bvsdiv" | "bvsrem" | "bvsmod" => {
                let neg = dep("bvneg", 1, bvw);
                let msb = if wide { "a < 0".to_string() } else { format!("a >= {}", 1u128 << (w - 1)) };
                let msb_b = msb.replace('a', "b");
                let (ua, ub) = (format!("({neg}(a) if {msb} else a)"), format!("({neg}(b) if {msb_b} else b)"));
                match op {
                    "bvsdiv" => {
                        let udiv = dep("bvudiv", 2, bvw);
                        [
                            format!("    q = {udiv}({ua}, {ub})"),
                            format!("    return {neg}(q) if ({msb}) != ({msb_b}) else q"),
                        ]
                        .join("\n")
                    }
                    "bvsrem" => {
                        let urem = dep("bvurem", 2, bvw);
                        [format!("    r = {urem}({ua}, {ub})"), format!("    return {neg}(r) if {msb} else r")]
                            .join("\n")
                    }
                    _ => {
                        let urem = dep("bvurem", 2, bvw);
                        let add = dep("bvadd", 2, bvw);
                        [
                            format!("    u = {urem}({ua}, {ub})"),
                            "    if u == 0:".into(),
                            "        return u".into(),
                            format!("    if not ({msb}) and not ({msb_b}):"),
                            "        return u".into(),
                            format!("    if ({msb}) and not ({msb_b}):"),
                            format!("        return {add}({neg}(u), b)"),
                            format!("    if not ({msb}) and ({msb_b}):"),
                            format!("        return {add}(u, b)"),
                            format!("    return {neg}(u)"),
                        ]
                        .join("\n")
                    }
                }
            }
            "bvshl" if wide => ret("0 if b < 0 or b >= 64 else a << b".into()),
            "bvshl" => ret(format!("0 if b >= {w} else (a << b) & {m}")),
            "bvlshr" if wide => {
                ret("0 if b < 0 or b >= 64 else (a if b == 0 else (a >> b) & ((1 << (64 - b)) - 1))".into())
            }
            "bvlshr" => ret(format!("0 if b >= {w} else a >> b")),
            "bvashr" if wide => ret("(-1 if a < 0 else 0) if b < 0 or b >= 64 else a >> b".into()),
            "bvashr" => {
                ret(format!("({m} if a >= {} else 0) if b >= {w} else ({} >> b) & {m}", 1u128 << (w - 1), sv("a")))
            }
            "concat" => {
                let w2 = match sorts.get(1) {
                    Some(Sort::Bv(w2)) => *w2,
                    _ => 0,
                };
                ret(format!("(a << {w2}) | b"))
            }
            "extract" => {
                let (i, j) = (idx[0], idx[1]);
                let r = i - j + 1;
                if r >= 64 { ret("a".into()) } else { ret(format!("(a >> {j}) & {}", mask(r))) }
            }
            "zero_extend" => ret("a".into()),
            "sign_extend" => {
                let r = w + idx[0];
                if idx[0] == 0 || w >= 64 {
                    ret("a".into())
                } else if r >= 64 {
                    ret(sv("a"))
                } else {
                    ret(format!("{} & {}", sv("a"), mask(r)))
                }
            }
            "rotate_left" | "rotate_right" => {
                let k = idx[0] % w;
                let k = if op == "rotate_right" { (w - k) % w } else { k };
                if k == 0 {
                    ret("a".into())
                } else if wide {
                    ret(format!("(a << {k}) | ((a >> {}) & {})", w - k, mask(k)))
                } else {
                    ret(format!("((a << {k}) | (a >> {})) & {m}", w - k))
                }
            }
            "repeat" => {
                let mut e = "a".to_string();
                for i in 1..idx[0] {
                    e = format!("{e} | (a << {})", w * i);
                }
                ret(e)
            }
            _ => ret("a".into()),
        }
    }
}

fn sort_tag(s: Sort) -> String {
    match s {
        Sort::Int => "int".into(),
        Sort::Bool => "bool".into(),
        Sort::Str => "str".into(),
        Sort::Bv(w) => format!("bv{w}"),
    }
}
