//! The language's types. Values carry no runtime type tags: the checker
//! proves every operation's operand types, so each backend can pick a
//! representation per static type.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A static type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Type {
    /// 64-bit two's-complement integer with wrapping arithmetic.
    Int,
    /// IEEE 754 binary64.
    Float,
    /// `True` / `False`.
    Bool,
    /// A sequence of Unicode code points.
    Str,
    /// Only as the result of a function declared `-> None`.
    None,
    /// `list[T]`: mutable, shared by reference like Python's.
    List(Box<Type>),
    /// `tuple[A, B, ...]`: fixed length, one type per position.
    Tuple(Vec<Type>),
    /// `tuple[T, ...]`: any length, one element type.
    TupleOf(Box<Type>),
}

impl Type {
    /// Is a value of this type a heap object (a pointer in the Wasm
    /// backend, reference counted)?
    pub fn is_heap(&self) -> bool {
        matches!(self, Type::Str | Type::List(_) | Type::Tuple(_) | Type::TupleOf(_))
    }

    /// `list[t]`.
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }

    /// `tuple[t, ...]`.
    pub fn tuple_of(t: Type) -> Type {
        Type::TupleOf(Box::new(t))
    }

    /// Can a value of type `self` be used where `to` is expected, with no
    /// conversion? Lists are invariant (they are mutable); tuples are
    /// covariant and a fixed tuple fits a homogeneous one. `int` does not
    /// fit `float`: Python would keep the value an `int` (its `repr` differs),
    /// so the program must convert explicitly.
    pub fn fits(&self, to: &Type) -> bool {
        match (self, to) {
            (a, b) if a == b => true,
            (Type::Tuple(items), Type::TupleOf(t)) => items.iter().all(|i| i.fits(t)),
            (Type::TupleOf(a), Type::TupleOf(b)) => a.fits(b),
            (Type::Tuple(a), Type::Tuple(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.fits(y)),
            _ => false,
        }
    }

    /// The element type when iterating: `list[T]`/`tuple[T, ...]` give `T`,
    /// a fixed tuple whose items share one type gives it, `str` gives `str`.
    pub fn elem(&self) -> Option<Type> {
        match self {
            Type::List(t) | Type::TupleOf(t) => Some((**t).clone()),
            Type::Str => Some(Type::Str),
            Type::Tuple(items) => common_type(items),
            _ => None,
        }
    }

    /// Is it `int` or `float`?
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Float)
    }

    /// Is it a sequence (`str`, list or tuple)?
    pub fn is_sequence(&self) -> bool {
        matches!(self, Type::Str | Type::List(_) | Type::Tuple(_) | Type::TupleOf(_))
    }

    /// Do `<`, `<=`, `>`, `>=` order values of this type? (Python orders
    /// numbers, bools, strings, and lists/tuples of orderable items.)
    pub fn is_ordered(&self) -> bool {
        match self {
            Type::Int | Type::Float | Type::Bool | Type::Str => true,
            Type::List(t) | Type::TupleOf(t) => t.is_ordered(),
            Type::Tuple(items) => items.iter().all(Type::is_ordered),
            Type::None => false,
        }
    }
}

/// The one type all `items` share, if any (an empty tuple has none).
pub fn common_type(items: &[Type]) -> Option<Type> {
    let first = items.first()?;
    items.iter().all(|t| t == first).then(|| first.clone())
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => write!(f, "int"),
            Type::Float => write!(f, "float"),
            Type::Bool => write!(f, "bool"),
            Type::Str => write!(f, "str"),
            Type::None => write!(f, "None"),
            Type::List(t) => write!(f, "list[{t}]"),
            Type::TupleOf(t) => write!(f, "tuple[{t}, ...]"),
            Type::Tuple(items) if items.is_empty() => write!(f, "tuple[()]"),
            Type::Tuple(items) => {
                write!(f, "tuple[")?;
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{t}")?;
                }
                write!(f, "]")
            }
        }
    }
}
