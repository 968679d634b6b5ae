//! The interpreter's methods of `str` and `list`.

use super::*;

impl<'p> Interpreter<'p> {
    pub(super) fn method(&mut self, frame: &mut Frame, m: Method, args: &[Expr], span: Span) -> R<Value> {
        // Collection-consuming arguments are evaluated lazily where needed.
        if m == Method::StrJoin {
            let sep = self.eval(frame, &args[0])?;
            let sep = as_str(&sep);
            let parts = self.collect(frame, &args[1])?;
            let strs: Vec<&str> = parts.iter().map(as_str).collect();
            let out = strs.join(sep);
            return self.new_str(out, span);
        }
        if m == Method::ListExtend {
            let l = self.eval(frame, &args[0])?;
            let items = self.collect(frame, &args[1])?;
            if let Value::List(l) = l {
                l.borrow_mut().extend(items);
            }
            return Ok(Value::None);
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(frame, a)?);
        }
        match &vals[0] {
            Value::Str(s) => {
                let s = s.clone();
                self.str_method(m, &s, &vals[1..], span)
            }
            Value::List(l) => {
                let l = l.clone();
                self.list_method(m, &l, &vals[1..], span)
            }
            Value::Tuple(t) => {
                let t = t.clone();
                self.seq_method(m, &t, &vals[1..], span, "tuple")
            }
            _ => err(ErrorKind::TypeError, "object has no such method", span),
        }
    }

    pub(super) fn str_method(&mut self, m: Method, s: &str, a: &[Value], span: Span) -> R<Value> {
        let int_arg = |i: usize| a.get(i).map(as_int);
        let str_arg = |i: usize| a.get(i).map(as_str);
        self.tick(s.len() as u64 / 8, span)?;
        let text = |this: &mut Self, out: String| this.new_str(out, span);
        let strs = |this: &mut Self, parts: Vec<String>| -> R<Value> {
            let total: usize = parts.iter().map(String::len).sum();
            this.allocate((total + parts.len()) as u64, span)?;
            Ok(Value::list(parts.into_iter().map(Value::str).collect()))
        };
        match m {
            Method::StrUpper => text(self, s.to_uppercase()),
            Method::StrLower => text(self, s.to_lowercase()),
            Method::StrCapitalize => text(self, strings::capitalize(s)),
            Method::StrTitle => text(self, strings::title(s)),
            Method::StrSwapcase => text(self, strings::swapcase(s)),
            Method::StrStrip => text(self, strings::strip(s, str_arg(0), true, true)),
            Method::StrLstrip => text(self, strings::strip(s, str_arg(0), true, false)),
            Method::StrRstrip => text(self, strings::strip(s, str_arg(0), false, true)),
            Method::StrSplit | Method::StrRsplit => {
                let maxsplit = int_arg(1).unwrap_or(-1);
                let parts = match str_arg(0) {
                    None if m == Method::StrSplit => strings::split_whitespace(s, maxsplit),
                    None => strings::rsplit_whitespace(s, maxsplit),
                    Some("") => return err(ErrorKind::ValueError, "empty separator", span),
                    Some(sep) if m == Method::StrSplit => strings::split_sep(s, sep, maxsplit),
                    Some(sep) => strings::rsplit_sep(s, sep, maxsplit),
                };
                strs(self, parts)
            }
            Method::StrSplitWsMax => {
                let parts = strings::split_whitespace(s, int_arg(0).unwrap_or(-1));
                strs(self, parts)
            }
            Method::StrRsplitWsMax => {
                let parts = strings::rsplit_whitespace(s, int_arg(0).unwrap_or(-1));
                strs(self, parts)
            }

            Method::StrSplitlines => strs(self, strings::splitlines(s)),
            Method::StrFind | Method::StrRfind | Method::StrIndex | Method::StrRindex => {
                let reverse = matches!(m, Method::StrRfind | Method::StrRindex);
                let i = strings::find(s, str_arg(0).unwrap_or(""), int_arg(1), int_arg(2), reverse);
                if i < 0 && matches!(m, Method::StrIndex | Method::StrRindex) {
                    return err(ErrorKind::ValueError, "substring not found", span);
                }
                Ok(Value::Int(i))
            }
            Method::StrCount => Ok(Value::Int(strings::count(s, str_arg(0).unwrap_or(""), int_arg(1), int_arg(2)))),
            Method::StrReplace => {
                let (old, new) = (str_arg(0).unwrap_or(""), str_arg(1).unwrap_or(""));
                let count = int_arg(2).unwrap_or(-1);
                // Bound the result before building it: `replace("", big)` multiplies.
                let n = strings::count(s, old, None, None).min(if count < 0 { i64::MAX } else { count }) as u64;
                self.allocate(s.len() as u64 + n.saturating_mul(new.len() as u64), span)?;
                Ok(Value::str(strings::replace(s, old, new, count)))
            }
            Method::StrStartswith | Method::StrEndswith => {
                let ends = m == Method::StrEndswith;
                let (start, end) = (int_arg(1), int_arg(2));
                let hit = match &a[0] {
                    Value::Str(p) => strings::starts_or_ends_with(s, p, start, end, ends),
                    Value::Tuple(ps) => ps.iter().any(|p| strings::starts_or_ends_with(s, as_str(p), start, end, ends)),
                    _ => false,
                };
                Ok(Value::Bool(hit))
            }
            Method::StrIsdigit => Ok(Value::Bool(!s.is_empty() && s.chars().all(strings::is_digit))),
            Method::StrIsdecimal => Ok(Value::Bool(!s.is_empty() && s.chars().all(strings::is_decimal))),
            Method::StrIsnumeric => Ok(Value::Bool(!s.is_empty() && s.chars().all(strings::is_numeric))),
            Method::StrIsalpha => Ok(Value::Bool(!s.is_empty() && s.chars().all(strings::is_alpha))),
            Method::StrIsalnum => Ok(Value::Bool(
                !s.is_empty()
                    && s.chars().all(|c| strings::is_alpha(c) || strings::is_digit(c) || strings::is_numeric(c)),
            )),
            Method::StrIsspace => Ok(Value::Bool(!s.is_empty() && s.chars().all(strings::is_space))),
            // True for the empty string too, as in Python.
            Method::StrIsascii => Ok(Value::Bool(s.is_ascii())),

            Method::StrIsupper => Ok(Value::Bool(strings::is_upper(s))),
            Method::StrIslower => Ok(Value::Bool(strings::is_lower(s))),
            Method::StrZfill => {
                let w = int_arg(0).unwrap_or(0);
                self.allocate(w.max(0) as u64, span)?;
                text(self, strings::zfill(s, w))
            }
            Method::StrCenter | Method::StrLjust | Method::StrRjust => {
                let w = int_arg(0).unwrap_or(0);
                let fill = match str_arg(1) {
                    None => ' ',
                    Some(f) => {
                        let mut cs = f.chars();
                        match (cs.next(), cs.next()) {
                            (Some(c), None) => c,
                            _ => {
                                return err(
                                    ErrorKind::TypeError,
                                    "The fill character must be exactly one character long",
                                    span,
                                );
                            }
                        }
                    }
                };
                self.allocate(w.max(0) as u64 * 4, span)?;
                let how = match m {
                    Method::StrCenter => 'c',
                    Method::StrLjust => 'l',
                    _ => 'r',
                };
                text(self, strings::justify(s, w, fill, how))
            }
            _ => err(ErrorKind::TypeError, "str has no such method", span),
        }
    }

    pub(super) fn list_method(
        &mut self,
        m: Method,
        l: &Rc<std::cell::RefCell<Vec<Value>>>,
        a: &[Value],
        span: Span,
    ) -> R<Value> {
        match m {
            Method::ListAppend => {
                self.allocate(1, span)?;
                l.borrow_mut().push(a[0].clone());
                Ok(Value::None)
            }
            Method::ListPop => {
                let mut v = l.borrow_mut();
                if v.is_empty() {
                    return err(ErrorKind::IndexError, "pop from empty list", span);
                }
                let i = a.first().map_or(-1, as_int);
                match norm_index(i, v.len()) {
                    Some(k) => Ok(v.remove(k)),
                    None => err(ErrorKind::IndexError, "pop index out of range", span),
                }
            }
            Method::ListInsert => {
                self.allocate(1, span)?;
                let mut v = l.borrow_mut();
                let n = v.len() as i64;
                let i = as_int(&a[0]);
                let k = if i < 0 { (i + n).max(0) } else { i.min(n) };
                v.insert(k as usize, a[1].clone());
                Ok(Value::None)
            }
            Method::ListRemove => {
                let mut v = l.borrow_mut();
                match v.iter().position(|x| item_matches(x, &a[0])) {
                    Some(k) => {
                        v.remove(k);
                        Ok(Value::None)
                    }
                    None => err(ErrorKind::ValueError, "list.remove(x): x not in list", span),
                }
            }
            Method::ListClear => {
                l.borrow_mut().clear();
                Ok(Value::None)
            }
            Method::ListCopy => {
                let items = l.borrow().clone();
                self.new_list(items, span)
            }
            Method::ListReverse => {
                l.borrow_mut().reverse();
                Ok(Value::None)
            }
            Method::ListSort => {
                let mut items = std::mem::take(&mut *l.borrow_mut());
                let r = self.sort(&mut items, a[0].truthy(), span);
                *l.borrow_mut() = items;
                r.map(|_| Value::None)
            }
            Method::SeqIndex | Method::SeqCount => {
                let items = l.borrow().clone();
                self.seq_method(m, &items, a, span, "list")
            }
            _ => err(ErrorKind::TypeError, "list has no such method", span),
        }
    }

    pub(super) fn seq_method(&mut self, m: Method, items: &[Value], a: &[Value], span: Span, kind: &str) -> R<Value> {
        self.tick(items.len() as u64, span)?;
        match m {
            Method::SeqCount => Ok(Value::Int(items.iter().filter(|x| item_matches(x, &a[0])).count() as i64)),
            Method::SeqIndex => {
                let (lo, hi) =
                    strings::sub_range(items.len(), a.get(1).map(as_int), a.get(2).map(as_int)).unwrap_or((0, 0));
                let found = items.get(lo..hi.max(lo)).and_then(|w| w.iter().position(|x| item_matches(x, &a[0])));
                match found {
                    Some(k) => Ok(Value::Int((lo + k) as i64)),
                    None if kind == "list" => {
                        err(ErrorKind::ValueError, format!("{} is not in list", a[0].repr()), span)
                    }
                    None => err(ErrorKind::ValueError, "tuple.index(x): x not in tuple", span),
                }
            }
            _ => err(ErrorKind::TypeError, "no such method", span),
        }
    }
}
