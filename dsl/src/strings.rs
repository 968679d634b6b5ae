//! Python's `str` semantics over Rust strings: code-point indexing and
//! slicing, the string methods, and the character classes (`isspace`,
//! `isdigit`, ...) as CPython defines them. Pure functions; the interpreter
//! charges budgets around them.

use unicode_general_category::{GeneralCategory as G, get_general_category};

/// Number of code points.
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.chars().count() }
}

/// The code points of `s`, for index arithmetic on non-ASCII strings.
pub fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

/// The code point at index `i` (already normalised to `0..len`).
pub fn char_at(s: &str, i: usize) -> Option<char> {
    if s.is_ascii() { s.as_bytes().get(i).map(|b| *b as char) } else { s.chars().nth(i) }
}

/// Python's `slice.indices(len)`: normalised (start, stop, step) for a
/// slice with optional bounds. `step` must not be zero.
pub fn slice_indices(len: usize, lower: Option<i64>, upper: Option<i64>, step: i64) -> (i64, i64, i64) {
    let len = len as i64;
    let clamp = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
        match v {
            None => default,
            Some(v) => {
                let v = if v < 0 { v.saturating_add(len) } else { v };
                v.clamp(lo, hi)
            }
        }
    };
    if step > 0 {
        (clamp(lower, 0, 0, len), clamp(upper, len, 0, len), step)
    } else {
        (clamp(lower, len - 1, -1, len - 1), clamp(upper, -1, -1, len - 1), step)
    }
}

/// The indices a normalised slice selects, in order.
pub fn slice_positions(start: i64, stop: i64, step: i64) -> impl Iterator<Item = usize> {
    let mut i = start;
    std::iter::from_fn(move || {
        let more = if step > 0 { i < stop } else { i > stop };
        if !more {
            return None;
        }
        let out = i as usize;
        i += step;
        Some(out)
    })
}

/// How many items a normalised slice selects.
pub fn slice_len(start: i64, stop: i64, step: i64) -> usize {
    if step > 0 {
        if stop > start { ((stop - start - 1) / step + 1) as usize } else { 0 }
    } else if start > stop {
        ((start - stop - 1) / (-step) + 1) as usize
    } else {
        0
    }
}

/// `s[lower:upper:step]` on code points.
pub fn slice(s: &str, lower: Option<i64>, upper: Option<i64>, step: i64) -> String {
    if s.is_ascii() {
        let (a, b, st) = slice_indices(s.len(), lower, upper, step);
        if st == 1 {
            return if b > a { s[a as usize..b as usize].to_string() } else { String::new() };
        }
        let bytes = s.as_bytes();
        return slice_positions(a, b, st).map(|i| bytes[i] as char).collect();
    }
    let cs = chars(s);
    let (a, b, st) = slice_indices(cs.len(), lower, upper, step);
    slice_positions(a, b, st).map(|i| cs[i]).collect()
}

/// Python's `str.isspace` for one character (includes \x1c-\x1f, which
/// Rust's `char::is_whitespace` does not).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Python's `str.isalpha` for one character: categories Lu, Ll, Lt, Lm, Lo.
pub fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    matches!(
        get_general_category(c),
        G::UppercaseLetter | G::LowercaseLetter | G::TitlecaseLetter | G::ModifierLetter | G::OtherLetter
    )
}

/// Python's `str.isdecimal` for one character: category Nd.
pub fn is_decimal(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    get_general_category(c) == G::DecimalNumber
}

/// Python's `str.isdigit` for one character: decimals plus the superscript
/// and subscript digits (Numeric_Type=Digit; rarer digit forms are not covered).
pub fn is_digit(c: char) -> bool {
    is_decimal(c)
        || matches!(c, '\u{b2}' | '\u{b3}' | '\u{b9}' | '\u{2070}' | '\u{2074}'..='\u{2079}' | '\u{2080}'..='\u{2089}' | '\u{2460}'..='\u{2468}')
}

/// Python's `str.isnumeric` for one character: categories Nd, Nl and No
/// (CJK ideographs with numeric values are not covered).
pub fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    matches!(get_general_category(c), G::DecimalNumber | G::LetterNumber | G::OtherNumber)
}

fn is_titlecase(c: char) -> bool {
    !c.is_ascii() && get_general_category(c) == G::TitlecaseLetter
}

fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || is_titlecase(c)
}

/// `str.isupper`: at least one cased character and no lowercase or titlecase one.
pub fn is_upper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() || is_titlecase(c) {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// `str.islower`.
pub fn is_lower(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_uppercase() || is_titlecase(c) {
            return false;
        }
        cased |= c.is_lowercase();
    }
    cased
}

/// The titlecase mapping of one character, as `str.title` and (since
/// Python 3.8) `str.capitalize` use it. It equals the uppercase mapping
/// except for digraphs, ligatures, `ß` and Greek letters with iota
/// subscript (Unicode's UnicodeData.txt and SpecialCasing.txt), listed here
/// because Rust's standard library has no titlecase mapping.
pub fn push_titlecase(out: &mut String, c: char) {
    let special: &str = match c {
        'ß' => "Ss",
        '\u{1C4}'..='\u{1C6}' => "\u{1C5}",
        '\u{1C7}'..='\u{1C9}' => "\u{1C8}",
        '\u{1CA}'..='\u{1CC}' => "\u{1CB}",
        '\u{1F1}'..='\u{1F3}' => "\u{1F2}",
        '\u{149}' => "\u{2BC}N",
        '\u{587}' => "\u{535}\u{582}",
        '\u{FB00}' => "Ff",
        '\u{FB01}' => "Fi",
        '\u{FB02}' => "Fl",
        '\u{FB03}' => "Ffi",
        '\u{FB04}' => "Ffl",
        '\u{FB05}' | '\u{FB06}' => "St",
        '\u{FB13}' => "\u{544}\u{576}",
        '\u{FB14}' => "\u{544}\u{565}",
        '\u{FB15}' => "\u{544}\u{56B}",
        '\u{FB16}' => "\u{54E}\u{576}",
        '\u{FB17}' => "\u{544}\u{56D}",
        '\u{1FB2}' => "\u{1FBA}\u{345}",
        '\u{1FB4}' => "\u{386}\u{345}",
        '\u{1FC2}' => "\u{1FCA}\u{345}",
        '\u{1FC4}' => "\u{389}\u{345}",
        '\u{1FF2}' => "\u{1FFA}\u{345}",
        '\u{1FF4}' => "\u{38F}\u{345}",
        '\u{1FB7}' => "\u{391}\u{342}\u{345}",
        '\u{1FC7}' => "\u{397}\u{342}\u{345}",
        '\u{1FF7}' => "\u{3A9}\u{342}\u{345}",
        _ => "",
    };
    if !special.is_empty() {
        out.push_str(special);
        return;
    }
    // Iota-subscript letters title-case to their own capital forms.
    let n = c as u32;
    let iota = match n {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => Some(n + 8),
        0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC => Some(n),
        // Georgian Mkhedruli letters are their own titlecase (upper is Mtavruli).
        0x10D0..=0x10FA | 0x10FD..=0x10FF => Some(n),

        0x1FB3 => Some(0x1FBC),
        0x1FC3 => Some(0x1FCC),
        0x1FF3 => Some(0x1FFC),
        _ => None,
    };
    match iota.and_then(char::from_u32) {
        Some(t) => out.push(t),
        None => out.extend(c.to_uppercase()),
    }
}

/// `str.title`: a cased character after an uncased one starts a word.
pub fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            push_titlecase(&mut out, c);
        }
        prev_cased = is_cased(c);
    }
    out
}

/// `str.capitalize`: the first character title-cased, the rest lower-cased.
pub fn capitalize(s: &str) -> String {
    let mut cs = s.chars();
    let mut out = String::with_capacity(s.len());
    if let Some(first) = cs.next() {
        push_titlecase(&mut out, first);
        out.extend(cs.flat_map(char::to_lowercase));
    }
    out
}

/// `str.swapcase`.
pub fn swapcase(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `str.strip`/`lstrip`/`rstrip`, with `chars` or whitespace.
pub fn strip(s: &str, chars: Option<&str>, left: bool, right: bool) -> String {
    let pred = |c: char| match chars {
        Some(set) => set.contains(c),
        None => is_space(c),
    };
    let mut t = s;
    if left {
        t = t.trim_start_matches(pred);
    }
    if right {
        t = t.trim_end_matches(pred);
    }
    t.to_string()
}

/// `str.split()` / `str.split(None, maxsplit)`: runs of whitespace separate,
/// and leading/trailing whitespace gives no empty strings.
pub fn split_whitespace(s: &str, maxsplit: i64) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim_start_matches(is_space);
    let mut splits = 0i64;
    while !rest.is_empty() {
        if maxsplit >= 0 && splits >= maxsplit {
            out.push(rest.to_string());
            return out;
        }
        match rest.find(is_space) {
            Some(i) => {
                out.push(rest[..i].to_string());
                rest = rest[i..].trim_start_matches(is_space);
                splits += 1;
            }
            None => {
                out.push(rest.to_string());
                break;
            }
        }
    }
    out
}

/// `str.rsplit()` with whitespace.
pub fn rsplit_whitespace(s: &str, maxsplit: i64) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim_end_matches(is_space);
    let mut splits = 0i64;
    while !rest.is_empty() {
        if maxsplit >= 0 && splits >= maxsplit {
            out.push(rest.to_string());
            break;
        }
        match rest.rfind(is_space) {
            Some(i) => {
                let c_len = rest[i..].chars().next().map_or(1, char::len_utf8);
                out.push(rest[i + c_len..].to_string());
                rest = rest[..i].trim_end_matches(is_space);
                splits += 1;
            }
            None => {
                out.push(rest.to_string());
                break;
            }
        }
    }
    out.reverse();
    out
}

/// `str.split(sep, maxsplit)` with a non-empty separator.
pub fn split_sep(s: &str, sep: &str, maxsplit: i64) -> Vec<String> {
    if maxsplit < 0 {
        s.split(sep).map(str::to_string).collect()
    } else {
        s.splitn(usize::try_from(maxsplit.saturating_add(1)).unwrap_or(usize::MAX), sep).map(str::to_string).collect()
    }
}

/// `str.rsplit(sep, maxsplit)` with a non-empty separator.
pub fn rsplit_sep(s: &str, sep: &str, maxsplit: i64) -> Vec<String> {
    let mut out: Vec<String> = if maxsplit < 0 {
        s.rsplit(sep).map(str::to_string).collect()
    } else {
        s.rsplitn(usize::try_from(maxsplit.saturating_add(1)).unwrap_or(usize::MAX), sep).map(str::to_string).collect()
    };
    out.reverse();
    out
}

/// `str.splitlines()`: Python's line boundaries, without the line ends.
pub fn splitlines(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\r' => {
                if it.peek() == Some(&'\n') {
                    it.next();
                }
                out.push(std::mem::take(&mut cur));
            }
            '\n' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                out.push(std::mem::take(&mut cur));
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Normalises optional `start`/`end` arguments of `find` and friends to a
/// code-point range, as slicing would. `None` when `start > len` (Python
/// then finds nothing, not even the empty string).
pub fn sub_range(len: usize, start: Option<i64>, end: Option<i64>) -> Option<(usize, usize)> {
    let n = len as i64;
    let norm = |v: i64| {
        if v < 0 { (v.saturating_add(n)).max(0) } else { v }
    };
    let a = start.map_or(0, norm);
    let b = end.map_or(n, norm).min(n);
    if a > n {
        return None;
    }
    Some((a as usize, (b.max(a)) as usize))
}

/// Byte offset of code point `i` in `s`.
fn byte_offset(s: &str, i: usize) -> usize {
    if s.is_ascii() {
        return i.min(s.len());
    }
    s.char_indices().nth(i).map_or(s.len(), |(b, _)| b)
}

/// Code-point index of byte offset `b` in `s`.
fn char_index(s: &str, b: usize) -> usize {
    if s.is_ascii() { b } else { s[..b].chars().count() }
}

/// `str.find(sub, start, end)` (or `rfind` when `reverse`); -1 when absent.
pub fn find(s: &str, sub: &str, start: Option<i64>, end: Option<i64>, reverse: bool) -> i64 {
    let Some((a, b)) = sub_range(char_len(s), start, end) else {
        return -1;
    };
    let (ba, bb) = (byte_offset(s, a), byte_offset(s, b));
    let hay = &s[ba..bb];
    let found = if reverse { hay.rfind(sub) } else { hay.find(sub) };
    match found {
        Some(off) => char_index(s, ba + off) as i64,
        None => -1,
    }
}

/// `str.count(sub, start, end)`: non-overlapping occurrences.
pub fn count(s: &str, sub: &str, start: Option<i64>, end: Option<i64>) -> i64 {
    let Some((a, b)) = sub_range(char_len(s), start, end) else {
        return 0;
    };
    let hay = &s[byte_offset(s, a)..byte_offset(s, b)];
    if sub.is_empty() {
        return (char_len(hay) + 1) as i64;
    }
    hay.matches(sub).count() as i64
}

/// `str.replace(old, new, count)`; a negative count replaces all.
pub fn replace(s: &str, old: &str, new: &str, count: i64) -> String {
    if count < 0 {
        if old.is_empty() {
            // Python inserts `new` between every character and at both ends.
            let mut out = String::with_capacity(s.len() + new.len() * (s.len() + 1));
            out.push_str(new);
            for c in s.chars() {
                out.push(c);
                out.push_str(new);
            }
            return out;
        }
        return s.replace(old, new);
    }
    if old.is_empty() {
        let mut out = String::new();
        let mut left = count;
        let mut it = s.chars();
        loop {
            if left > 0 {
                out.push_str(new);
                left -= 1;
            } else {
                out.extend(it);
                break;
            }
            match it.next() {
                Some(c) => out.push(c),
                None => break,
            }
        }
        return out;
    }
    s.replacen(old, new, usize::try_from(count).unwrap_or(usize::MAX))
}

/// `str.startswith(prefix, start, end)` / `endswith`.
pub fn starts_or_ends_with(s: &str, affix: &str, start: Option<i64>, end: Option<i64>, ends: bool) -> bool {
    let Some((a, b)) = sub_range(char_len(s), start, end) else {
        return false;
    };
    let hay = &s[byte_offset(s, a)..byte_offset(s, b)];
    if ends { hay.ends_with(affix) } else { hay.starts_with(affix) }
}

/// `str.zfill(width)`.
pub fn zfill(s: &str, width: i64) -> String {
    let len = char_len(s) as i64;
    if width <= len {
        return s.to_string();
    }
    let pad = "0".repeat((width - len) as usize);
    match s.chars().next() {
        Some(c @ ('+' | '-')) => format!("{c}{pad}{}", &s[1..]),
        _ => format!("{pad}{s}"),
    }
}

/// `str.center`/`ljust`/`rjust` (`how`: 'c', 'l', 'r').
pub fn justify(s: &str, width: i64, fill: char, how: char) -> String {
    let len = char_len(s) as i64;
    if width <= len {
        return s.to_string();
    }
    let marg = width - len;
    let left = match how {
        'l' => 0,
        'r' => marg,
        // CPython's centering rule puts the odd space on the left when `width` is odd.
        _ => marg / 2 + (marg & width & 1),
    };
    let right = marg - left;
    let mut out = String::new();
    out.extend(std::iter::repeat_n(fill, left as usize));
    out.push_str(s);
    out.extend(std::iter::repeat_n(fill, right as usize));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_follow_python() {
        assert_eq!(slice("hello", None, None, -1), "olleh");
        assert_eq!(slice("hello", Some(1), Some(-1), 1), "ell");
        assert_eq!(slice("hello", Some(-100), Some(100), 2), "hlo");
        assert_eq!(slice("héllo", Some(4), Some(0), -2), "ol");
        assert_eq!(slice_len(0, 5, 2), 3);
    }

    #[test]
    fn methods_follow_python() {
        assert_eq!(split_whitespace("  a b  c ", -1), ["a", "b", "c"]);
        assert_eq!(split_whitespace("  a b  c ", 1), ["a", "b  c "]);
        assert_eq!(rsplit_whitespace("  a b  c ", 1), ["  a b", "c"]);
        assert_eq!(split_sep("a,,b", ",", -1), ["a", "", "b"]);
        assert_eq!(rsplit_sep("a,b,c", ",", 1), ["a,b", "c"]);
        assert_eq!(find("abcabc", "c", Some(3), None, false), 5);
        assert_eq!(find("abc", "", Some(4), None, false), -1);
        assert_eq!(count("abc", "", None, None), 4);
        assert_eq!(replace("abc", "", "-", -1), "-a-b-c-");
        assert_eq!(replace("abc", "", "-", 2), "-a-bc");
        assert_eq!(title("hello wORLD 3rd"), "Hello World 3Rd");
        assert_eq!(zfill("-42", 5), "-0042");
        assert_eq!(justify("ab", 5, '*', 'c'), "**ab*");
        assert_eq!(justify("ab", 6, '*', 'c'), "**ab**");
        assert_eq!(justify("abc", 6, '*', 'c'), "*abc**");
        assert_eq!(splitlines("a\r\nb\nc\n"), ["a", "b", "c"]);
    }
}
