//! The interpreter's builtin functions (`len`, `sorted`, `int`, ...).

use super::*;

impl<'p> Interpreter<'p> {
    pub(super) fn builtin(&mut self, frame: &mut Frame, b: Builtin, args: &[Expr], e: &Expr) -> R<Value> {
        let span = e.span;
        match b {
            Builtin::Range | Builtin::Enumerate | Builtin::Zip | Builtin::Reversed => {
                let items = self.collect(frame, e)?;
                Ok(Value::list(items))
            }
            Builtin::Len => {
                if let K::Builtin(Builtin::Range, r) = &args[0].kind {
                    let (a, z, s) =
                        (self.eval_int(frame, &r[0])?, self.eval_int(frame, &r[1])?, self.eval_int(frame, &r[2])?);
                    if s == 0 {
                        return err(ErrorKind::ValueError, "range() arg 3 must not be zero", span);
                    }
                    return Ok(Value::Int(range_len(a, z, s)));
                }
                let v = self.eval(frame, &args[0])?;
                Ok(Value::Int(match &v {
                    Value::Str(s) => strings::char_len(s) as i64,
                    Value::List(l) => l.borrow().len() as i64,
                    Value::Tuple(t) => t.len() as i64,
                    _ => {
                        let n = self.collect_value(&v, span)?.len();
                        n as i64
                    }
                }))
            }
            Builtin::Abs => match self.eval(frame, &args[0])? {
                Value::Int(i) => Ok(Value::Int(self.wrap(i.overflowing_abs()))),
                Value::Float(f) => Ok(Value::Float(f.abs())),
                _ => err(ErrorKind::TypeError, "bad operand type for abs()", span),
            },
            Builtin::MinIter | Builtin::MaxIter => {
                let items = self.collect(frame, &args[0])?;
                let name = if b == Builtin::MinIter { "min" } else { "max" };
                if items.is_empty() {
                    return match args.get(1) {
                        Some(d) => self.eval(frame, d),
                        None => err(ErrorKind::ValueError, format!("{name}() arg is an empty sequence"), span),
                    };
                }
                self.tick(items.len() as u64, span)?;
                Ok(extremum(items, b == Builtin::MinIter))
            }
            Builtin::MinArgs | Builtin::MaxArgs => {
                let mut items = Vec::new();
                for a in args {
                    items.push(self.eval(frame, a)?);
                }
                Ok(extremum(items, b == Builtin::MinArgs))
            }
            Builtin::Sum => {
                let mut acc = self.eval(frame, &args[1])?;
                let span = args[0].span;
                self.for_each(frame, &args[0], &mut |this, _, v| {
                    acc = this.binary(BinOp::Add, acc.clone(), v, span)?;
                    Ok(true)
                })?;
                Ok(acc)
            }
            Builtin::Sorted => {
                let mut items = self.collect(frame, &args[0])?;
                let rev = self.eval_bool(frame, &args[1])?;
                self.sort(&mut items, rev, span)?;
                Ok(Value::list(items))
            }
            Builtin::Any | Builtin::All => {
                let want = b == Builtin::Any;
                let mut result = !want;
                self.for_each(frame, &args[0], &mut |_, _, v| {
                    if v.truthy() == want {
                        result = want;
                        return Ok(false);
                    }
                    Ok(true)
                })?;
                Ok(Value::Bool(result))
            }
            Builtin::Round => {
                let x = self.eval(frame, &args[0])?;
                match args.get(1) {
                    None => match x {
                        Value::Int(i) => Ok(Value::Int(i)),
                        Value::Float(f) => self.float_to_int(f.round_ties_even(), span),
                        _ => err(ErrorKind::TypeError, "bad operand for round()", span),
                    },
                    Some(n) => {
                        let n = self.eval_int(frame, n)?;
                        match x {
                            Value::Int(i) => Ok(Value::Int(self.round_int(i, n))),
                            Value::Float(f) => Ok(Value::Float(round_float(f, n))),
                            _ => err(ErrorKind::TypeError, "bad operand for round()", span),
                        }
                    }
                }
            }
            Builtin::Str => {
                let v = self.eval(frame, &args[0])?;
                let s = v.to_str();
                self.new_str(s, span)
            }
            Builtin::Repr => {
                let v = self.eval(frame, &args[0])?;
                let s = v.repr();
                self.new_str(s, span)
            }
            Builtin::Int => {
                let v = self.eval(frame, &args[0])?;
                let base = match args.get(1) {
                    Some(b) => Some(self.eval_int(frame, b)?),
                    None => None,
                };
                match v {
                    Value::Int(i) => Ok(Value::Int(i)),
                    Value::Bool(b) => Ok(Value::Int(b as i64)),
                    Value::Float(f) => self.float_to_int(f.trunc(), span),
                    Value::Str(s) => self.parse_int(&s, base, span),
                    _ => err(ErrorKind::TypeError, "int() argument must be a string or a number", span),
                }
            }
            Builtin::Float => match self.eval(frame, &args[0])? {
                Value::Int(i) => Ok(Value::Float(i as f64)),
                Value::Bool(b) => Ok(Value::Float(b as i64 as f64)),
                Value::Float(f) => Ok(Value::Float(f)),
                Value::Str(s) => match parse_float(&s) {
                    Some(f) => Ok(Value::Float(f)),
                    None => err(
                        ErrorKind::ValueError,
                        format!("could not convert string to float: {}", crate::value::str_repr(&s)),
                        span,
                    ),
                },
                _ => err(ErrorKind::TypeError, "float() argument must be a string or a number", span),
            },
            Builtin::Bool => Ok(Value::Bool(self.eval(frame, &args[0])?.truthy())),
            Builtin::List => {
                let items = self.collect(frame, &args[0])?;
                Ok(Value::list(items))
            }
            Builtin::Tuple => {
                let items = self.collect(frame, &args[0])?;
                Ok(Value::tuple(items))
            }
            Builtin::Ord => {
                let v = self.eval(frame, &args[0])?;
                let Value::Str(s) = &v else {
                    return err(ErrorKind::TypeError, "ord() expected string", span);
                };
                let mut cs = s.chars();
                match (cs.next(), cs.next()) {
                    (Some(c), None) => Ok(Value::Int(c as i64)),
                    _ => err(
                        ErrorKind::TypeError,
                        format!("ord() expected a character, but string of length {} found", strings::char_len(s)),
                        span,
                    ),
                }
            }
            Builtin::Chr => {
                let i = self.eval_int(frame, &args[0])?;
                if !(0..=0x10FFFF).contains(&i) {
                    return err(ErrorKind::ValueError, "chr() arg not in range(0x110000)", span);
                }
                match char::from_u32(i as u32) {
                    Some(c) => self.new_str(c.to_string(), span),
                    None => {
                        // Python allows lone surrogates in strings; synth's strings cannot hold them.
                        self.overflowed = true;
                        err(ErrorKind::ValueError, "chr() of a surrogate code point is not supported", span)
                    }
                }
            }
            Builtin::Divmod => {
                let a = self.eval(frame, &args[0])?;
                let c = self.eval(frame, &args[1])?;
                let q = self.binary(BinOp::FloorDiv, a.clone(), c.clone(), span)?;
                let r = self.binary(BinOp::Mod, a, c, span)?;
                self.new_tuple(vec![q, r], span)
            }
            Builtin::Bin | Builtin::Hex | Builtin::Oct => {
                let i = self.eval_int(frame, &args[0])?;
                let m = i.unsigned_abs();
                let digits = match b {
                    Builtin::Bin => format!("0b{m:b}"),
                    Builtin::Hex => format!("0x{m:x}"),
                    _ => format!("0o{m:o}"),
                };
                let s = if i < 0 { format!("-{digits}") } else { digits };
                self.new_str(s, span)
            }
            Builtin::PowMod => {
                let base = self.eval_int(frame, &args[0])?;
                let exp = self.eval_int(frame, &args[1])?;
                let m = self.eval_int(frame, &args[2])?;
                Ok(Value::Int(pow_mod(base, exp, m, span)?))
            }
            Builtin::Pow => {
                let a = self.eval(frame, &args[0])?;
                let c = self.eval(frame, &args[1])?;
                self.binary(BinOp::Pow, a, c, span)
            }
        }
    }

    pub(super) fn float_to_int(&mut self, f: f64, span: Span) -> R<Value> {
        if f.is_nan() {
            return err(ErrorKind::ValueError, "cannot convert float NaN to integer", span);
        }
        if f.is_infinite() {
            return err(ErrorKind::OverflowError, "cannot convert float infinity to integer", span);
        }
        if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
            // Python would return a big int.
            self.overflowed = true;
            return err(ErrorKind::OverflowError, "float too large for a 64-bit int", span);
        }
        Ok(Value::Int(f as i64))
    }

    pub(super) fn round_int(&mut self, i: i64, n: i64) -> i64 {
        if n >= 0 {
            return i;
        }
        if n < -19 {
            return 0;
        }
        let m = 10i128.pow((-n) as u32);
        let x = i as i128;
        let q = x.div_euclid(m);
        let r = x.rem_euclid(m);
        // Round half to even.
        let q = if r * 2 > m || (r * 2 == m && q % 2 != 0) { q + 1 } else { q };
        let v = q * m;
        if v > i64::MAX as i128 || v < i64::MIN as i128 {
            self.overflowed = true;
        }
        v as i64
    }

    pub(super) fn parse_int(&mut self, s: &str, base: Option<i64>, span: Span) -> R<Value> {
        let shown_base = base.unwrap_or(10);
        let bad = || {
            err::<Value>(
                ErrorKind::ValueError,
                format!("invalid literal for int() with base {shown_base}: {}", crate::value::str_repr(s)),
                span,
            )
        };
        if let Some(b) = base
            && b != 0
            && !(2..=36).contains(&b)
        {
            return err(ErrorKind::ValueError, "int() base must be >= 2 and <= 36, or 0", span);
        }
        let t = s.trim_matches(strings::is_space);
        let (neg, mut digits) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let mut radix = base.unwrap_or(10) as u32;
        let lower = digits.to_ascii_lowercase();
        for (p, r) in [("0x", 16), ("0o", 8), ("0b", 2)] {
            if lower.starts_with(p) && (radix == r || radix == 0) {
                radix = r;
                digits = &digits[2..];
                // A prefix may be followed by an underscore: `0x_ff`.
                if let Some(rest) = digits.strip_prefix('_') {
                    digits = rest;
                }
                break;
            }
        }
        if radix == 0 {
            radix = 10;
            if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0' && b != b'_') {
                return bad();
            }
        }
        if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
            return bad();
        }
        let clean: String = digits.chars().filter(|c| *c != '_').collect();
        if !clean.chars().all(|c| c.is_digit(radix)) {
            return bad();
        }
        let mag = match u128::from_str_radix(&clean, radix) {
            Ok(m) => m,
            Err(_) => {
                self.overflowed = true;
                return err(ErrorKind::OverflowError, "int too large for 64 bits", span);
            }
        };
        let v = if neg { -(mag as i128) } else { mag as i128 };
        if v > i64::MAX as i128 || v < i64::MIN as i128 {
            self.overflowed = true;
            return err(ErrorKind::OverflowError, "int too large for 64 bits", span);
        }
        Ok(Value::Int(v as i64))
    }

    pub(super) fn sort(&mut self, items: &mut [Value], reverse: bool, span: Span) -> R<()> {
        let n = items.len() as u64;
        self.tick(n * (64 - n.leading_zeros() as u64 + 1), span)?;
        // Python's sort is stable and only uses `<`; a reverse sort keeps
        // equal items in their original order too. One algorithm for both
        // backends (crate::sort), so even NaN gives one order.
        if reverse {
            crate::sort::merge_sort(items, &mut |a, b| py_lt(b, a));
        } else {
            crate::sort::merge_sort(items, &mut |a, b| py_lt(a, b));
        }
        Ok(())
    }
}
