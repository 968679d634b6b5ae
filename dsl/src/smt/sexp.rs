//! S-expressions: SMT-LIB and SyGuS-IF text read into a tree with the
//! position of every node (for located errors), and SMT-LIB literals
//! written and read back (strings with SMT-LIB 2.6 escapes, bit-vectors).

use std::fmt;

/// A parsed s-expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Sexp {
    /// A symbol or keyword (`x`, `bvadd`, `:named`); `|quoted|` symbols unquoted.
    Atom(String, Pos),
    /// A numeral, `#x…`/`#b…` literal or decimal, as written.
    Num(String, Pos),
    /// A string literal, unescaped.
    Str(String, Pos),
    /// A parenthesised list.
    List(Vec<Sexp>, Pos),
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line.
    pub line: usize,
    /// Column (in characters).
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A syntax error in s-expression text.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// What was wrong.
    pub message: String,
    /// Where.
    pub pos: Pos,
}

impl Sexp {
    /// Where it starts.
    pub fn pos(&self) -> Pos {
        match self {
            Sexp::Atom(_, p) | Sexp::Num(_, p) | Sexp::Str(_, p) | Sexp::List(_, p) => *p,
        }
    }

    /// The symbol, if it is one.
    pub fn atom(&self) -> Option<&str> {
        match self {
            Sexp::Atom(s, _) => Some(s),
            _ => None,
        }
    }

    /// The items, if it is a list.
    pub fn list(&self) -> Option<&[Sexp]> {
        match self {
            Sexp::List(xs, _) => Some(xs),
            _ => None,
        }
    }

    /// Is it a list whose head is the symbol `head`?
    pub fn is_call(&self, head: &str) -> bool {
        matches!(self.list(), Some([h, ..]) if h.atom() == Some(head))
    }
}

impl fmt::Display for Sexp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sexp::Atom(s, _) => {
                if s.is_empty() || s.chars().any(|c| c.is_whitespace() || "()|;\"".contains(c)) {
                    write!(f, "|{s}|")
                } else {
                    f.write_str(s)
                }
            }
            Sexp::Num(s, _) => f.write_str(s),
            Sexp::Str(s, _) => f.write_str(&str_literal(s)),
            Sexp::List(xs, _) => {
                f.write_str("(")?;
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{x}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// Parses every s-expression of `text`.
pub fn parse(text: &str) -> Result<Vec<Sexp>, ParseError> {
    let mut p = Parser { chars: text.chars().collect(), i: 0, line: 1, col: 1 };
    let mut out = Vec::new();
    loop {
        p.skip_space();
        if p.i >= p.chars.len() {
            return Ok(out);
        }
        out.push(p.sexp()?);
    }
}

struct Parser {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
}

impl Parser {
    fn pos(&self) -> Pos {
        Pos { line: self.line, col: self.col }
    }

    fn bump(&mut self) -> Option<char> {
        let c = *self.chars.get(self.i)?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c == ';' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else if c.is_whitespace() {
                self.bump();
            } else {
                break;
            }
        }
    }

    fn sexp(&mut self) -> Result<Sexp, ParseError> {
        self.skip_space();
        let pos = self.pos();
        match self.peek() {
            None => Err(ParseError { message: "unexpected end of input".into(), pos }),
            Some('(') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => return Err(ParseError { message: "this `(` is never closed".into(), pos }),
                        Some(')') => {
                            self.bump();
                            return Ok(Sexp::List(items, pos));
                        }
                        Some(_) => items.push(self.sexp()?),
                    }
                }
            }
            Some(')') => Err(ParseError { message: "unexpected `)`".into(), pos }),
            Some('"') => {
                self.bump();
                let mut raw = String::new();
                loop {
                    match self.bump() {
                        None => return Err(ParseError { message: "unterminated string literal".into(), pos }),
                        Some('"') if self.peek() == Some('"') => {
                            self.bump();
                            raw.push('"');
                        }
                        Some('"') => break,
                        Some(c) => raw.push(c),
                    }
                }
                Ok(Sexp::Str(unescape(&raw), pos))
            }
            Some('|') => {
                self.bump();
                let mut s = String::new();
                loop {
                    match self.bump() {
                        None => return Err(ParseError { message: "unterminated quoted symbol".into(), pos }),
                        Some('|') => break,
                        Some(c) => s.push(c),
                    }
                }
                Ok(Sexp::Atom(s, pos))
            }
            Some(_) => {
                let mut s = String::new();
                while let Some(c) = self.peek() {
                    if c.is_whitespace() || "()\";|".contains(c) {
                        break;
                    }
                    s.push(c);
                    self.bump();
                }
                let numeric = s.starts_with('#') || s.chars().next().is_some_and(|c| c.is_ascii_digit());
                Ok(if numeric { Sexp::Num(s, pos) } else { Sexp::Atom(s, pos) })
            }
        }
    }
}

/// SMT-LIB 2.6 escapes inside a string literal: `\u{h…}` and `\uhhhh`.
fn unescape(raw: &str) -> String {
    let cs: Vec<char> = raw.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < cs.len() {
        if cs[i] == '\\' && cs.get(i + 1) == Some(&'u') {
            if cs.get(i + 2) == Some(&'{') {
                if let Some(end) = cs[i + 3..].iter().position(|&c| c == '}') {
                    let hex: String = cs[i + 3..i + 3 + end].iter().collect();
                    if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        out.push(c);
                        i += end + 4;
                        continue;
                    }
                }
            } else if i + 6 <= cs.len() {
                let hex: String = cs[i + 2..i + 6].iter().collect();
                if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                    i += 6;
                    continue;
                }
            }
        }
        out.push(cs[i]);
        i += 1;
    }
    out
}

/// A string as an SMT-LIB 2.6 literal: printable ASCII as itself (`"`
/// doubled), everything else (and `\`) as `\u{h…}`.
pub fn str_literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\"\""),
            ' '..='~' if c != '\\' => out.push(c),
            _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A 64-bit bit-vector literal for `v`.
pub fn bv64(v: i64) -> String {
    format!("#x{:016x}", v as u64)
}

/// A bit-vector literal (`#x…`, `#b…` or `(_ bvN w)`) as a signed value of
/// its width, or `None` when it is not one.
pub fn read_bv(e: &Sexp) -> Option<(u128, u32)> {
    match e {
        Sexp::Num(s, _) => {
            if let Some(h) = s.strip_prefix("#x") {
                Some((u128::from_str_radix(h, 16).ok()?, 4 * h.len() as u32))
            } else if let Some(b) = s.strip_prefix("#b") {
                Some((u128::from_str_radix(b, 2).ok()?, b.len() as u32))
            } else {
                None
            }
        }
        Sexp::List(xs, _) => match xs.as_slice() {
            [u, bv, w] if u.atom() == Some("_") => {
                let v = bv.atom()?.strip_prefix("bv")?.parse().ok()?;
                let Sexp::Num(w, _) = w else { return None };
                Some((v, w.parse().ok()?))
            }
            _ => None,
        },
        _ => None,
    }
}

/// A bit-vector value of width `w` as a signed integer.
pub fn signed(v: u128, w: u32) -> i128 {
    if w == 0 || w >= 128 {
        return v as i128;
    }
    let v = v & ((1u128 << w) - 1);
    if v >> (w - 1) & 1 == 1 { v as i128 - (1i128 << w) } else { v as i128 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_positions_and_round_trips() {
        let text = "(define-fun f ((x (_ BitVec 8))) (_ BitVec 8)\n  (bvadd x #x01)) ; c\n(check-synth)";
        let es = parse(text).unwrap();
        assert_eq!(es.len(), 2);
        assert_eq!(es[1].pos(), Pos { line: 3, col: 1 });
        assert_eq!(es[0].to_string(), "(define-fun f ((x (_ BitVec 8))) (_ BitVec 8) (bvadd x #x01))");
    }

    #[test]
    fn strings_escape_and_unescape() {
        for s in ["", "a\"b", "tab\there", "é∀\\", "\u{1F600}"] {
            let lit = str_literal(s);
            let back = parse(&lit).unwrap();
            assert_eq!(back, vec![Sexp::Str(s.to_string(), Pos { line: 1, col: 1 })], "{lit}");
        }
        assert_eq!(parse(r#""\u0041\u{42}""#).unwrap()[0], Sexp::Str("AB".into(), Pos { line: 1, col: 1 }));
    }

    #[test]
    fn errors_are_located() {
        let e = parse("(a\n  (b c)").unwrap_err();
        assert_eq!(e.pos, Pos { line: 1, col: 1 });
        assert_eq!(parse("a )").unwrap_err().pos, Pos { line: 1, col: 3 });
    }

    #[test]
    fn bit_vectors_read_signed() {
        let e = &parse("#xff (_ bv3 4) #b1000").unwrap();
        assert_eq!(read_bv(&e[0]).map(|(v, w)| signed(v, w)), Some(-1));
        assert_eq!(read_bv(&e[1]).map(|(v, w)| signed(v, w)), Some(3));
        assert_eq!(read_bv(&e[2]).map(|(v, w)| signed(v, w)), Some(-8));
        assert_eq!(bv64(-1), "#xffffffffffffffff");
    }
}
