//! Values as the enumerator compares them: exact equality and hashing (the
//! same `repr`, so `0.0` and `-0.0` differ) for observational equivalence.

use std::hash::{Hash, Hasher};
use synth_dsl::Value;

pub(super) fn walk_strings(v: &Value, f: &mut dyn FnMut(&str)) {
    match v {
        Value::Str(s) => f(s),
        Value::List(l) => l.borrow().iter().for_each(|x| walk_strings(x, f)),
        Value::Tuple(t) => t.iter().for_each(|x| walk_strings(x, f)),
        _ => {}
    }
}

/// Hashes a value by its exact content (floats by bits: `0.0` and `-0.0`
/// print differently, so they are different outputs).
pub(super) fn hash_value(v: &Value, h: &mut impl Hasher) {
    match v {
        Value::Int(i) => (0u8, i).hash(h),
        Value::Float(f) => (1u8, f.to_bits()).hash(h),
        Value::Bool(b) => (2u8, b).hash(h),
        Value::Str(s) => (3u8, &**s).hash(h),
        Value::List(l) => {
            let l = l.borrow();
            (4u8, l.len()).hash(h);
            l.iter().for_each(|x| hash_value(x, h));
        }
        Value::Tuple(t) => {
            (5u8, t.len()).hash(h);
            t.iter().for_each(|x| hash_value(x, h));
        }
        Value::None => 6u8.hash(h),
    }
}

/// Exact equality (the same `repr`), for observational equivalence.
pub(super) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same(a, b))
        }
        (Value::Tuple(x), Value::Tuple(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same(a, b)),
        (Value::None, Value::None) => true,
        _ => false,
    }
}

pub(super) fn same_vals(a: &[Option<Value>], b: &[Option<Value>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => same(x, y),
            (None, None) => true,
            _ => false,
        })
}
