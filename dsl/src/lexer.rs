//! The lexer: source text to tokens, with Python's layout rules (INDENT,
//! DEDENT and NEWLINE tokens, implicit line joining inside brackets,
//! backslash continuation). It never fails: problems become diagnostics and
//! lexing goes on, so that the parser can report every error in one pass.

use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// Python keywords and soft keywords the language knows about, including the
/// ones it does not support (so it can say so instead of a confusing parse error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Kw {
    Def,
    Return,
    If,
    Elif,
    Else,
    For,
    While,
    In,
    Not,
    And,
    Or,
    Is,
    Break,
    Continue,
    Pass,
    True,
    False,
    None,
    Assert,
    // Not in the language; recognised only to report them clearly.
    Class,
    Lambda,
    Try,
    Except,
    Finally,
    Raise,
    Import,
    From,
    Global,
    Nonlocal,
    With,
    As,
    Del,
    Yield,
    Async,
    Await,
}

impl Kw {
    fn from_str(s: &str) -> Option<Kw> {
        Some(match s {
            "def" => Kw::Def,
            "return" => Kw::Return,
            "if" => Kw::If,
            "elif" => Kw::Elif,
            "else" => Kw::Else,
            "for" => Kw::For,
            "while" => Kw::While,
            "in" => Kw::In,
            "not" => Kw::Not,
            "and" => Kw::And,
            "or" => Kw::Or,
            "is" => Kw::Is,
            "break" => Kw::Break,
            "continue" => Kw::Continue,
            "pass" => Kw::Pass,
            "True" => Kw::True,
            "False" => Kw::False,
            "None" => Kw::None,
            "assert" => Kw::Assert,
            "class" => Kw::Class,
            "lambda" => Kw::Lambda,
            "try" => Kw::Try,
            "except" => Kw::Except,
            "finally" => Kw::Finally,
            "raise" => Kw::Raise,
            "import" => Kw::Import,
            "from" => Kw::From,
            "global" => Kw::Global,
            "nonlocal" => Kw::Nonlocal,
            "with" => Kw::With,
            "as" => Kw::As,
            "del" => Kw::Del,
            "yield" => Kw::Yield,
            "async" => Kw::Async,
            "await" => Kw::Await,
            _ => return None,
        })
    }

    /// The keyword as written in source.
    pub fn as_str(self) -> &'static str {
        match self {
            Kw::Def => "def",
            Kw::Return => "return",
            Kw::If => "if",
            Kw::Elif => "elif",
            Kw::Else => "else",
            Kw::For => "for",
            Kw::While => "while",
            Kw::In => "in",
            Kw::Not => "not",
            Kw::And => "and",
            Kw::Or => "or",
            Kw::Is => "is",
            Kw::Break => "break",
            Kw::Continue => "continue",
            Kw::Pass => "pass",
            Kw::True => "True",
            Kw::False => "False",
            Kw::None => "None",
            Kw::Assert => "assert",
            Kw::Class => "class",
            Kw::Lambda => "lambda",
            Kw::Try => "try",
            Kw::Except => "except",
            Kw::Finally => "finally",
            Kw::Raise => "raise",
            Kw::Import => "import",
            Kw::From => "from",
            Kw::Global => "global",
            Kw::Nonlocal => "nonlocal",
            Kw::With => "with",
            Kw::As => "as",
            Kw::Del => "del",
            Kw::Yield => "yield",
            Kw::Async => "async",
            Kw::Await => "await",
        }
    }
}

/// A token.
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)]
pub enum Tok {
    Name(String),
    Kw(Kw),
    /// An integer literal that fits in 64 bits (as an unsigned magnitude:
    /// `-9223372036854775808` is `-` applied to 2^63).
    Int(u64),
    Float(f64),
    Str(String),
    /// An f-string, a bytes literal or an imaginary number: lexed so that the
    /// parser can report it as unsupported.
    Unsupported(&'static str),
    Newline,
    Indent,
    Dedent,
    Eof,
    /// An operator or delimiter, e.g. `+`, `//=`, `->`, `??`, `...`.
    Op(&'static str),
}

impl Tok {
    /// How the token is described in "expected X, found Y" messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Name(n) => format!("name `{n}`"),
            Tok::Kw(k) => format!("keyword `{}`", k.as_str()),
            Tok::Int(_) | Tok::Float(_) => "a number".into(),
            Tok::Str(_) => "a string".into(),
            Tok::Unsupported(what) => (*what).into(),
            Tok::Newline => "end of line".into(),
            Tok::Indent => "an indent".into(),
            Tok::Dedent => "a dedent".into(),
            Tok::Eof => "end of file".into(),
            Tok::Op(op) => format!("`{op}`"),
        }
    }
}

/// A token with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Where it is.
    pub span: Span,
}

// Longest first, so that `//=` wins over `//` and `/`.
const OPS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", "==", "!=", "<=", ">=", "**", "//", "+=", "-=", "*=", "/=", "%=", "&=",
    "|=", "^=", "@=", ":=", "<<", ">>", "??", "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}",
    ",", ":", ".", ";", "@", "&", "|", "^", "~",
];

/// Python's limit on nested indentation levels.
pub const MAX_INDENT_DEPTH: usize = 100;

/// Splits `src` into tokens. The result always ends with NEWLINE (if any
/// token precedes), matching DEDENTs, and EOF.
pub fn lex(src: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut lx = Lexer {
        src,
        pos: 0,
        tokens: Vec::new(),
        diags: Vec::new(),
        indents: vec![0],
        depth: 0,
        brackets: Vec::new(),
        line_indent: 0,
    };
    lx.run();
    (lx.tokens, lx.diags)
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    diags: Vec<Diagnostic>,
    indents: Vec<usize>,
    /// Bracket nesting: newlines inside brackets are not tokens.
    depth: usize,
    /// Open brackets: byte offset and the indentation of the line that opened them.
    brackets: Vec<(usize, usize)>,
    /// Indentation width of the current logical line.
    line_indent: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.tokens.push(Token { tok, span: Span::new(start, self.pos) });
    }

    fn error(&mut self, start: usize, end: usize, message: impl Into<String>, label: impl Into<String>) {
        self.diags.push(Diagnostic::error(Span::new(start, end), message, label));
    }

    fn run(&mut self) {
        let mut at_line_start = true;
        while self.pos < self.src.len() {
            if at_line_start && self.depth == 0 {
                // A blank or comment-only line leaves us at the start of the next one.
                at_line_start = self.layout();
                if at_line_start {
                    continue;
                }
            }
            let Some(c) = self.peek() else { break };
            let start = self.pos;
            match c {
                ' ' | '\t' | '\x0c' => self.pos += 1,
                '\r' if self.peek_at(1) == Some('\n') => self.pos += 1,
                '\n' | '\r' => {
                    self.pos += 1;
                    if self.depth > 0 && self.next_line_starts_statement() {
                        // A statement keyword at or left of the indentation where
                        // the bracket opened: the bracket was never closed.
                        let (open, _) = self.brackets[0];
                        let what = self.src[open..].chars().next().unwrap_or('(');
                        self.error(open, open + 1, format!("`{what}` was never closed"), "opened here");
                        self.brackets.clear();
                        self.depth = 0;
                    }
                    if self.depth == 0 {
                        // Zero width, so a diagnostic at the line end stays on its line.
                        self.tokens.push(Token { tok: Tok::Newline, span: Span::new(start, start) });
                        at_line_start = true;
                    }
                }
                '#' => {
                    while let Some(c) = self.peek() {
                        if c == '\n' || c == '\r' {
                            break;
                        }
                        self.pos += c.len_utf8();
                    }
                }
                '\\' => {
                    self.pos += 1;
                    let rest = &self.src[self.pos..];
                    if rest.starts_with('\n') || rest.starts_with("\r\n") {
                        self.pos += if rest.starts_with('\n') { 1 } else { 2 };
                    } else {
                        self.error(
                            start,
                            self.pos,
                            "unexpected character after line continuation",
                            "expected a newline after `\\`",
                        );
                    }
                }
                c if c.is_ascii_digit() || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit())) => {
                    self.number()
                }
                c if c == '"' || c == '\'' => self.string(start, ""),
                c if is_ident_start(c) => {
                    while self.peek().is_some_and(is_ident_continue) {
                        self.pos += self.peek().map_or(1, char::len_utf8);
                    }
                    let word = &self.src[start..self.pos];
                    if matches!(self.peek(), Some('"' | '\'')) && is_string_prefix(word) {
                        let prefix = word.to_ascii_lowercase();
                        self.string(start, &prefix);
                        continue;
                    }
                    let tok = match Kw::from_str(word) {
                        Some(kw) => Tok::Kw(kw),
                        None => Tok::Name(word.to_string()),
                    };
                    self.push(tok, start);
                }
                _ => {
                    let rest = &self.src[self.pos..];
                    if let Some(op) = OPS.iter().find(|op| rest.starts_with(**op)) {
                        self.pos += op.len();
                        match *op {
                            "(" | "[" | "{" => {
                                self.depth += 1;
                                self.brackets.push((start, self.line_indent));
                            }
                            ")" | "]" | "}" => {
                                self.depth = self.depth.saturating_sub(1);
                                self.brackets.pop();
                            }
                            _ => {}
                        }
                        self.push(Tok::Op(op), start);
                    } else {
                        self.pos += c.len_utf8();
                        let shown = if c.is_control() { format!("{:?}", c) } else { format!("`{c}`") };
                        self.error(start, self.pos, format!("unexpected character {shown}"), "not valid in a program");
                    }
                }
            }
        }
        let end = self.src.len();
        if self.tokens.last().is_some_and(|t| !matches!(t.tok, Tok::Newline | Tok::Dedent)) {
            self.tokens.push(Token { tok: Tok::Newline, span: Span::new(end, end) });
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.tokens.push(Token { tok: Tok::Dedent, span: Span::new(end, end) });
        }
        self.tokens.push(Token { tok: Tok::Eof, span: Span::new(end, end) });
    }

    /// Inside brackets at a line break: does the next non-blank line start
    /// with a statement keyword, no deeper than where the outermost bracket
    /// was opened? (Then that bracket was never closed.)
    fn next_line_starts_statement(&self) -> bool {
        let Some(&(_, opened_at)) = self.brackets.first() else { return false };
        for line in self.src[self.pos..].split('\n') {
            let trimmed = line.trim_start_matches([' ', '\t']);
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "\r" {
                continue;
            }
            let indent = line.len() - trimmed.len();
            let word: String = trimmed.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let statement = matches!(
                word.as_str(),
                // Not `if`/`else`/`for`: those may continue an expression.
                "def"
                    | "class"
                    | "return"
                    | "elif"
                    | "while"
                    | "import"
                    | "from"
                    | "pass"
                    | "break"
                    | "continue"
                    | "assert"
                    | "try"
                    | "with"
            );
            return statement && indent <= opened_at;
        }
        false
    }

    /// Handles the indentation at the start of a logical line. Returns true
    /// when the line was blank or a comment (nothing emitted, position moved).
    fn layout(&mut self) -> bool {
        let start = self.pos;
        let mut width = 0usize;
        while let Some(c) = self.peek() {
            match c {
                ' ' => width += 1,
                // Python: a tab advances to the next multiple of 8.
                '\t' => width = (width / 8 + 1) * 8,
                '\x0c' => width = 0,
                _ => break,
            }
            self.pos += 1;
        }
        match self.peek() {
            None => return true,
            Some('\n' | '\r' | '#') => {
                // Blank or comment-only line: no layout tokens.
                while let Some(c) = self.peek() {
                    if c == '\n' {
                        self.pos += 1;
                        break;
                    }
                    self.pos += c.len_utf8();
                }
                return true;
            }
            _ => {}
        }
        let current = *self.indents.last().unwrap_or(&0);
        if width > current {
            if self.indents.len() == MAX_INDENT_DEPTH + 1 {
                self.error(start, self.pos, "too many levels of indentation", "nested too deeply");
            }
            self.indents.push(width);
            self.tokens.push(Token { tok: Tok::Indent, span: Span::new(start, self.pos) });
        } else if width < current {
            while width < *self.indents.last().unwrap_or(&0) {
                self.indents.pop();
                self.tokens.push(Token { tok: Tok::Dedent, span: Span::new(self.pos, self.pos) });
            }
            if width != *self.indents.last().unwrap_or(&0) {
                // Recover by treating the line as part of the enclosing block.
                self.error(
                    start,
                    self.pos,
                    "unindent does not match any outer indentation level",
                    "inconsistent dedent",
                );
            }
        }
        self.line_indent = width;
        false
    }

    fn number(&mut self) {
        let start = self.pos;
        let rest = &self.src[self.pos..];
        let bytes = rest.as_bytes();
        let radix = if bytes.len() > 1 && bytes[0] == b'0' {
            match bytes[1] {
                b'x' | b'X' => 16,
                b'o' | b'O' => 8,
                b'b' | b'B' => 2,
                _ => 10,
            }
        } else {
            10
        };
        if radix != 10 {
            self.pos += 2;
            let digits_start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                self.pos += 1;
            }
            let digits: String = self.src[digits_start..self.pos].chars().filter(|c| *c != '_').collect();
            match u64::from_str_radix(&digits, radix) {
                Ok(v) if v <= 1 << 63 => self.push(Tok::Int(v), start),
                Ok(_) => {
                    self.error(start, self.pos, "integer literal does not fit in 64 bits", "too large for `int`");
                    self.push(Tok::Int(0), start);
                }
                Err(_) => {
                    self.error(start, self.pos, "invalid integer literal", "not a valid number");
                    self.push(Tok::Int(0), start);
                }
            }
            return;
        }
        let mut is_float = false;
        let eat_digits = |lx: &mut Self| {
            while lx.peek().is_some_and(|c| c.is_ascii_digit() || c == '_') {
                lx.pos += 1;
            }
        };
        eat_digits(self);
        if self.peek() == Some('.') && self.peek_at(1) != Some('.') {
            is_float = true;
            self.pos += 1;
            eat_digits(self);
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                eat_digits(self);
            } else {
                self.pos = save;
            }
        }
        if matches!(self.peek(), Some('j' | 'J')) {
            self.pos += 1;
            self.push(Tok::Unsupported("an imaginary number"), start);
            return;
        }
        let text: String = self.src[start..self.pos].chars().filter(|c| *c != '_').collect();
        if is_float {
            let v = text.parse::<f64>().unwrap_or(0.0);
            self.push(Tok::Float(v), start);
        } else {
            let leading_zero = text.len() > 1 && text.starts_with('0') && text.bytes().any(|b| b != b'0');
            if leading_zero {
                self.error(
                    start,
                    self.pos,
                    "leading zeros in decimal integer literals are not permitted",
                    "use 0o for octal",
                );
            }
            match text.parse::<u64>() {
                Ok(v) if v <= 1 << 63 => self.push(Tok::Int(v), start),
                _ => {
                    self.error(start, self.pos, "integer literal does not fit in 64 bits", "too large for `int`");
                    self.push(Tok::Int(0), start);
                }
            }
        }
    }

    /// Lexes a string literal whose prefix (`r`, `f`, `b`, ... lowercased) has
    /// been consumed; `start` is where the prefix began.
    fn string(&mut self, start: usize, prefix: &str) {
        let quote = self.peek().unwrap_or('"');
        let triple = self.src[self.pos..].starts_with(&quote.to_string().repeat(3));
        self.pos += if triple { 3 } else { 1 };
        let raw = prefix.contains('r');
        let mut value = String::new();
        loop {
            let Some(c) = self.peek() else {
                self.error(start, self.pos, "unterminated string literal", "the string starts here");
                break;
            };
            if triple {
                if self.src[self.pos..].starts_with(&quote.to_string().repeat(3)) {
                    self.pos += 3;
                    break;
                }
            } else if c == quote {
                self.pos += 1;
                break;
            } else if c == '\n' || c == '\r' {
                self.error(start, self.pos, "unterminated string literal", "the string starts here");
                break;
            }
            if c == '\\' {
                let esc_start = self.pos;
                self.pos += 1;
                let Some(e) = self.peek() else { continue };
                self.pos += e.len_utf8();
                if raw {
                    value.push('\\');
                    value.push(e);
                    continue;
                }
                match e {
                    '\n' => {}
                    '\\' => value.push('\\'),
                    '\'' => value.push('\''),
                    '"' => value.push('"'),
                    'n' => value.push('\n'),
                    't' => value.push('\t'),
                    'r' => value.push('\r'),
                    'a' => value.push('\x07'),
                    'b' => value.push('\x08'),
                    'f' => value.push('\x0c'),
                    'v' => value.push('\x0b'),
                    '0'..='7' => {
                        let mut n = e as u32 - '0' as u32;
                        for _ in 0..2 {
                            match self.peek() {
                                Some(d @ '0'..='7') => {
                                    n = n * 8 + (d as u32 - '0' as u32);
                                    self.pos += 1;
                                }
                                _ => break,
                            }
                        }
                        value.push(char::from_u32(n).unwrap_or('\u{fffd}'));
                    }
                    'x' | 'u' | 'U' => {
                        let len = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex: String = self.src[self.pos..].chars().take(len).collect();
                        let ok = hex.len() == len && hex.chars().all(|h| h.is_ascii_hexdigit());
                        match ok.then(|| u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)).flatten() {
                            Some(ch) => {
                                self.pos += len;
                                value.push(ch);
                            }
                            None => self.error(esc_start, self.pos, format!("invalid \\{e} escape"), "bad escape"),
                        }
                    }
                    'N' => self.error(esc_start, self.pos, "\\N{...} escapes are not supported", "unsupported escape"),
                    other => {
                        // Python keeps unknown escapes as written (with a warning).
                        value.push('\\');
                        value.push(other);
                    }
                }
                continue;
            }
            value.push(c);
            self.pos += c.len_utf8();
        }
        if prefix.contains('f') {
            self.push(Tok::Unsupported("an f-string"), start);
        } else if prefix.contains('b') {
            self.push(Tok::Unsupported("a bytes literal"), start);
        } else {
            self.push(Tok::Str(value), start);
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn is_string_prefix(word: &str) -> bool {
    matches!(word.to_ascii_lowercase().as_str(), "r" | "u" | "f" | "b" | "rb" | "br" | "fr" | "rf")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        lex(src).0.into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn layout_tokens() {
        let toks = kinds("def f():\n    return 1\n\n# c\nx = (1,\n  2)\n");
        assert!(toks.contains(&Tok::Indent));
        assert!(toks.contains(&Tok::Dedent));
        // No NEWLINE inside the parenthesised tuple.
        let n_newlines = toks.iter().filter(|t| **t == Tok::Newline).count();
        assert_eq!(n_newlines, 3);
    }

    #[test]
    fn literals() {
        assert_eq!(kinds("0x_ff")[0], Tok::Int(255));
        assert_eq!(kinds("1_000")[0], Tok::Int(1000));
        assert_eq!(kinds("1e3")[0], Tok::Float(1000.0));
        assert_eq!(kinds(".5")[0], Tok::Float(0.5));
        assert_eq!(kinds(r"'a\n\x41\u00e9'")[0], Tok::Str("a\nAé".into()));
        assert_eq!(kinds(r"r'a\n'")[0], Tok::Str("a\\n".into()));
        assert_eq!(kinds("'''a\nb'''")[0], Tok::Str("a\nb".into()));
        assert_eq!(kinds("??")[0], Tok::Op("??"));
    }

    #[test]
    fn errors_do_not_stop_lexing() {
        let (toks, diags) = lex("x = 'abc\ny = $\n");
        assert_eq!(diags.len(), 2);
        assert!(toks.iter().any(|t| t.tok == Tok::Name("y".into())));
    }
}
