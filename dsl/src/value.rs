//! Runtime values of the reference interpreter, and the parts of Python's
//! data model every backend must reproduce exactly: `repr`/`str` (CPython's
//! shortest round-trip float formatting and string quoting), equality,
//! ordering and truthiness.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt::Write;
use std::rc::Rc;
use unicode_general_category::{GeneralCategory, get_general_category};

/// A runtime value. Lists are shared and mutable, as in Python (`b = a`
/// aliases); strings and tuples are immutable and shared freely.
#[derive(Clone, Debug)]
pub enum Value {
    /// `int`.
    Int(i64),
    /// `float`.
    Float(f64),
    /// `bool`.
    Bool(bool),
    /// `str`.
    Str(Rc<str>),
    /// `list[T]`.
    List(Rc<RefCell<Vec<Value>>>),
    /// Any tuple type.
    Tuple(Rc<[Value]>),
    /// The result of a `-> None` function.
    None,
}

impl Value {
    /// A new string value.
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::Str(s.into())
    }

    /// A new list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    /// A new tuple value.
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(items.into())
    }

    /// Python's `repr(self)`.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        write_repr(&mut out, self);
        out
    }

    /// Python's `str(self)`: like `repr` except that a string is itself.
    pub fn to_str(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            other => other.repr(),
        }
    }

    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Bool(b) => *b,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::None => false,
        }
    }

    /// A deep copy sharing nothing mutable with `self` (for inputs reused across runs).
    pub fn deep_clone(&self) -> Value {
        match self {
            Value::List(l) => Value::list(l.borrow().iter().map(Value::deep_clone).collect()),
            Value::Tuple(t) => Value::tuple(t.iter().map(Value::deep_clone).collect()),
            other => other.clone(),
        }
    }
}

/// A value with nothing shared or mutable in it, so it can cross threads
/// (`Value` holds `Rc`s): test cases, counterexamples and results kept by the
/// engine are `Frozen`, and become `Value`s where a backend runs them.
#[derive(Clone, Debug)]
pub enum Frozen {
    /// `int`.
    Int(i64),
    /// `float`.
    Float(f64),
    /// `bool`.
    Bool(bool),
    /// `str`.
    Str(std::sync::Arc<str>),
    /// `list[T]`.
    List(std::sync::Arc<[Frozen]>),
    /// Any tuple type.
    Tuple(std::sync::Arc<[Frozen]>),
    /// The result of a `-> None` function.
    None,
}

impl Frozen {
    /// A fresh `Value` with the same content (lists are new lists).
    pub fn thaw(&self) -> Value {
        match self {
            Frozen::Int(i) => Value::Int(*i),
            Frozen::Float(f) => Value::Float(*f),
            Frozen::Bool(b) => Value::Bool(*b),
            Frozen::Str(s) => Value::str(&**s),
            Frozen::List(items) => Value::list(items.iter().map(Frozen::thaw).collect()),
            Frozen::Tuple(items) => Value::tuple(items.iter().map(Frozen::thaw).collect()),
            Frozen::None => Value::None,
        }
    }

    /// Python's `repr`.
    pub fn repr(&self) -> String {
        self.thaw().repr()
    }
}

impl Value {
    /// A snapshot of this value that can cross threads.
    pub fn freeze(&self) -> Frozen {
        match self {
            Value::Int(i) => Frozen::Int(*i),
            Value::Float(f) => Frozen::Float(*f),
            Value::Bool(b) => Frozen::Bool(*b),
            Value::Str(s) => Frozen::Str(std::sync::Arc::from(&**s)),
            Value::List(l) => Frozen::List(l.borrow().iter().map(Value::freeze).collect()),
            Value::Tuple(t) => Frozen::Tuple(t.iter().map(Value::freeze).collect()),
            Value::None => Frozen::None,
        }
    }
}

impl PartialEq for Value {
    /// Python's `==` (with exact int/float comparison).
    fn eq(&self, other: &Value) -> bool {
        py_eq(self, other)
    }
}

/// Python's `==`.
pub fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => {
            cmp_int_float(*i, *f) == Some(Ordering::Equal)
        }
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Bool(b), n @ (Value::Int(_) | Value::Float(_)))
        | (n @ (Value::Int(_) | Value::Float(_)), Value::Bool(b)) => py_eq(&Value::Int(*b as i64), n),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            // Identity first, as CPython's list comparison does for items.
            Rc::ptr_eq(x, y) || seq_eq(&x.borrow(), &y.borrow())
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq_eq(x, y),
        (Value::None, Value::None) => true,
        _ => false,
    }
}

fn seq_eq(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| item_eq(x, y))
}

/// Item equality inside containers: CPython checks identity before `==`,
/// which only matters for NaN (`[x] == [x]` is True when x is NaN). Values
/// here have no identity, so an item NaN equals itself.
fn item_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) if x.is_nan() && y.is_nan() => x.to_bits() == y.to_bits(),
        _ => py_eq(a, b),
    }
}

/// Exact comparison of an int with a float, as CPython does (no rounding of
/// the int): `2**53 + 1 == 2.0**53` is False. `None` when the float is NaN.
pub fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // 2^63 as f64 is exact; every i64 is below it.
    if f >= 9_223_372_036_854_775_808.0 {
        return Some(Ordering::Less);
    }
    if f < -9_223_372_036_854_775_808.0 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    let ti = t as i64;
    match i.cmp(&ti) {
        Ordering::Equal => {
            let frac = f - t;
            Some(if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            })
        }
        o => Some(o),
    }
}

/// Python's ordering (`<`), for values of one orderable type (or int/float).
/// `None` when unordered (NaN involved).
pub fn py_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(i), Value::Float(f)) => cmp_int_float(*i, *f),
        (Value::Float(f), Value::Int(i)) => cmp_int_float(*i, *f).map(Ordering::reverse),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Bool(b), n @ (Value::Int(_) | Value::Float(_))) => py_cmp(&Value::Int(*b as i64), n),
        (n @ (Value::Int(_) | Value::Float(_)), Value::Bool(b)) => py_cmp(n, &Value::Int(*b as i64)),

        // Rust's str ordering is by bytes, which for UTF-8 equals code-point order.
        (Value::Str(x), Value::Str(y)) => Some(x.as_ref().cmp(y.as_ref())),
        (Value::List(x), Value::List(y)) => seq_cmp(&x.borrow(), &y.borrow()),
        (Value::Tuple(x), Value::Tuple(y)) => seq_cmp(x, y),
        _ => None,
    }
}

/// Lexicographic order as CPython computes it: find the first pair of items
/// that are not equal, then compare those with `<`.
fn seq_cmp(a: &[Value], b: &[Value]) -> Option<Ordering> {
    for (x, y) in a.iter().zip(b) {
        if !item_eq(x, y) {
            return py_cmp(x, y);
        }
    }
    Some(a.len().cmp(&b.len()))
}

/// Python's `a < b` (and friends) as a bool: NaN makes every ordering False.
pub fn py_lt(a: &Value, b: &Value) -> bool {
    py_cmp(a, b) == Some(Ordering::Less)
}

fn write_repr(out: &mut String, v: &Value) {
    match v {
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&float_repr(*f)),
        Value::Bool(true) => out.push_str("True"),
        Value::Bool(false) => out.push_str("False"),
        Value::None => out.push_str("None"),
        Value::Str(s) => str_repr_into(out, s),
        Value::List(l) => {
            out.push('[');
            for (i, x) in l.borrow().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, x);
            }
            out.push(']');
        }
        Value::Tuple(t) => {
            out.push('(');
            for (i, x) in t.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_repr(out, x);
            }
            if t.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
    }
}

/// CPython's `repr(float)`: the shortest string that round-trips, in
/// positional notation when the decimal exponent is in `-4 <= exp < 16`,
/// otherwise in scientific notation with a signed two-digit exponent.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `d.ddddde<exp>`.
    // When two strings of that length round-trip and the value lies exactly
    // between them, CPython takes the even one (correct rounding) where Rust
    // rounds up: the correctly rounded string of that length, from Rust's
    // exact formatting (half to even), wins whenever it round-trips.
    let shortest = format!("{:e}", f.abs());
    let n_digits = shortest.split('e').next().unwrap_or("").bytes().filter(u8::is_ascii_digit).count();
    let exact = format!("{:.*e}", n_digits.saturating_sub(1), f.abs());
    let sci = if exact.parse::<f64>() == Ok(f.abs()) { exact } else { shortest };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if f < 0.0 { "-" } else { "" };
    // Position of the decimal point relative to the digit string.
    let decpt = exp + 1;
    if (-3..=16).contains(&decpt) {
        let n = digits.len() as i32;
        let body = if decpt <= 0 {
            format!("0.{}{}", "0".repeat((-decpt) as usize), digits)
        } else if decpt >= n {
            format!("{}{}.0", digits, "0".repeat((decpt - n) as usize))
        } else {
            format!("{}.{}", &digits[..decpt as usize], &digits[decpt as usize..])
        };
        format!("{sign}{body}")
    } else {
        let frac = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits.clone() };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{frac}e{esign}{:02}", exp.abs())
    }
}

/// CPython's `repr(str)`.
pub fn str_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    str_repr_into(&mut out, s);
    out
}

fn str_repr_into(out: &mut String, s: &str) {
    // Single quotes unless the string has a single quote and no double quote.
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => {
                let n = c as u32;
                let _ = if n < 0x100 {
                    write!(out, "\\x{n:02x}")
                } else if n < 0x10000 {
                    write!(out, "\\u{n:04x}")
                } else {
                    write!(out, "\\U{n:08x}")
                };
            }
        }
    }
    out.push(quote);
}

/// CPython's `str.isprintable` for one character: everything except the
/// categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs, but with the space printable.
pub fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    !matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::Unassigned
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::SpaceSeparator
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_reprs_match_cpython() {
        let cases = [
            (3.5, "3.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-0.0, "-0.0"),
            (1.0 / 3.0, "0.3333333333333333"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (2.5e-300, "2.5e-300"),
            (1.5e300, "1.5e+300"),
            (100.0, "100.0"),
            (-12.25, "-12.25"),
            // A tie at 17 digits: CPython rounds half to even.
            (f64::from_bits(0x42EC_22EB_BFB1_EA24), "247490477395793.12"), // exactly ...793.125
            (5e-324, "5e-324"),
        ];
        for (f, want) in cases {
            assert_eq!(float_repr(f), want, "repr({f:?})");
        }
    }

    #[test]
    fn str_reprs_match_cpython() {
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(str_repr("a\nb\t\\"), "'a\\nb\\t\\\\'");
        assert_eq!(str_repr("\x00\x7f\u{a0}é"), "'\\x00\\x7f\\xa0é'");
        assert_eq!(str_repr("\u{200b}"), "'\\u200b'");
    }

    #[test]
    fn int_float_comparison_is_exact() {
        assert_eq!(cmp_int_float((1 << 53) + 1, 9007199254740992.0), Some(Ordering::Greater));
        assert_eq!(cmp_int_float(3, 3.0), Some(Ordering::Equal));
        assert_eq!(cmp_int_float(-1, -0.5), Some(Ordering::Less));
        assert_eq!(cmp_int_float(i64::MAX, 9.3e18), Some(Ordering::Less));
        assert_eq!(cmp_int_float(0, f64::NAN), None);
    }
}
