//! Constants mined from the visible examples (as BUSTLE and the SyGuS
//! solvers' grammars do): the pieces of the outputs that no input supplies
//! (`Mr. `, `.0`, `@company.com`, `TRUE`), the separators among them, and
//! the integers of the examples with their neighbours and the outputs'
//! common length. Ranked by how many examples share them and capped, so the
//! grammar grows by a handful of leaves; the best cost one node, the rest
//! two (they come into play one size later).

use super::values::walk_strings;
use synth_dsl::Value;

/// A mined constant and its cost in grammar nodes (1 or 2).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Mined {
    pub value: Value,
    pub cost: u32,
}

/// Most string and integer constants mined.
const MAX_STRS: usize = 8;
const MAX_INTS: usize = 4;

/// Constants of the examples `(inputs, output)` not already in `known`.
pub(super) fn mine(examples: &[(Vec<Value>, Value)], want_str: bool, want_int: bool, known: &[Value]) -> Vec<Mined> {
    let mut out = Vec::new();
    let is_known = |v: &Value, out: &[Mined]| known.contains(v) || out.iter().any(|m| m.value == *v);
    if want_str {
        for (s, count) in string_constants(examples) {
            let v = Value::str(s);
            if is_known(&v, &out) {
                continue;
            }
            // Shared by every example (or most, with many): cheap.
            let cost = if count >= 2 && count * 3 >= examples.len() * 2 { 1 } else { 2 };
            out.push(Mined { value: v, cost });
            if out.len() >= MAX_STRS {
                break;
            }
        }
    }
    if want_int {
        let before = out.len();
        for i in int_constants(examples) {
            let v = Value::Int(i);
            if is_known(&v, &out) {
                continue;
            }
            out.push(Mined { value: v, cost: 2 });
            if out.len() - before >= MAX_INTS {
                break;
            }
        }
    }
    out
}

/// The leftover pieces of each example's output strings, ranked by how many
/// examples have them (then longer first), with how many.
fn string_constants(examples: &[(Vec<Value>, Value)]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (inputs, output) in examples {
        let mut sources = Vec::new();
        for v in inputs {
            walk_strings(v, &mut |s| sources.push(s.to_lowercase()));
        }
        let mut pieces: Vec<String> = Vec::new();
        walk_strings(output, &mut |o| {
            for run in leftovers(o, &sources) {
                // Multi-character separators inside a run (`. ` of `J. `) too.
                for sep in run.split(char::is_alphanumeric).filter(|p| p.chars().count() >= 2) {
                    pieces.push(sep.to_string());
                }
                pieces.push(run);
            }
        });
        pieces.sort();
        pieces.dedup();
        for p in pieces {
            // Single characters are the separators' business (`pick_constants`).
            if p.chars().count() < 2 && p.chars().all(|c| !c.is_alphanumeric()) {
                continue;
            }
            match counts.iter_mut().find(|(s, _)| *s == p) {
                Some((_, n)) => *n += 1,
                None => counts.push((p, 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.chars().count().cmp(&a.0.chars().count())).then(a.0.cmp(&b.0)));
    counts
}

/// The maximal runs of `output` that the inputs do not supply: the output is
/// covered left to right by the longest piece found (case-insensitively) in
/// an input, of two characters or more or a whole input; what is left over
/// is constant. Pieces start with a letter or a digit.
fn leftovers(output: &str, sources: &[String]) -> Vec<String> {
    let chars: Vec<char> = output.chars().collect();
    let lower: Vec<char> = output.to_lowercase().chars().collect();
    // Case mapping can change the length (rare): then compare as is.
    let hay: &[char] = if lower.len() == chars.len() { &lower } else { &chars };
    let mut runs = Vec::new();
    let mut run = String::new();
    let mut i = 0;
    while i < chars.len() {
        let mut best = 0;
        // Pieces start at a letter or digit: a separator before a copied word
        // (`. ` in `J. Smith`) belongs to the constant.
        for src in sources.iter().filter(|_| chars[i].is_alphanumeric()) {
            let mut len = best + 1;
            while i + len <= chars.len() {
                let piece: String = hay[i..i + len].iter().collect();
                if !src.contains(&piece) {
                    break;
                }
                let whole = piece.chars().count() == src.chars().count();
                if len >= 2 || whole {
                    best = len;
                }
                len += 1;
            }
        }
        // A run of capitals that each start a word of an input is copied
        // (initials: `A.L.` from `Ada Lovelace` is two initials and dots, not
        // a constant; `FALSE` stays one).
        if best == 0 && chars[i].is_uppercase() && (i == 0 || !chars[i - 1].is_uppercase()) {
            let run = chars[i..].iter().take_while(|c| c.is_uppercase()).count();
            let initial = |c: char| sources.iter().any(|s| s.split_whitespace().any(|w| w.starts_with(c)));
            if hay.len() == chars.len() && hay[i..i + run].iter().all(|&c| initial(c)) {
                best = run;
            }
        }
        if best == 0 {
            run.push(chars[i]);
            i += 1;
        } else {
            if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
            i += best;
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// Integers of the examples (numbers, and strings that are numbers, but
/// not the items of lists) with their
/// neighbours, then the outputs' common length; by how often they occur.
fn int_constants(examples: &[(Vec<Value>, Value)]) -> Vec<i64> {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    let mut bump = |i: i64, n: usize| match counts.iter_mut().find(|(v, _)| *v == i) {
        Some((_, c)) => *c += n,
        None => counts.push((i, n)),
    };
    for (inputs, output) in examples {
        for v in inputs.iter().chain([output]) {
            walk_ints(v, &mut |i| {
                // Big numbers are data (and their neighbours may overflow).
                if i.unsigned_abs() > 10_000 {
                    return;
                }
                bump(i, 2);
                bump(i + 1, 1);
                bump(i - 1, 1);
            });
        }
    }
    let lens: Vec<usize> = examples.iter().filter_map(|(_, o)| seq_len(o)).collect();
    // Two examples of one length are a coincidence as often as not.
    if lens.len() == examples.len() && lens.len() >= 3 && lens.windows(2).all(|w| w[0] == w[1]) {
        bump(lens[0] as i64, 3);
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.abs().cmp(&b.0.abs())).then(a.0.cmp(&b.0)));
    counts.into_iter().filter(|(_, c)| *c >= 3).map(|(v, _)| v).collect()
}

fn seq_len(v: &Value) -> Option<usize> {
    match v {
        Value::Str(s) => Some(s.chars().count()),
        Value::List(l) => Some(l.borrow().len()),
        _ => None,
    }
}

fn walk_ints(v: &Value, f: &mut dyn FnMut(i64)) {
    match v {
        Value::Int(i) => f(*i),
        // A string that is a number (`"50"`, a mark compared with `int(s)`);
        // digits inside text (`3.14`) are pieces, not numbers.
        Value::Str(s) if s.len() <= 5 => {
            if let Ok(i) = s.parse() {
                f(i);
            }
        }
        // The items of lists are data, not constants of the program.
        Value::Tuple(t) => t.iter().for_each(|x| walk_ints(x, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(examples: &[(&[&str], &str)]) -> Vec<(String, u32)> {
        let ex: Vec<(Vec<Value>, Value)> =
            examples.iter().map(|(i, o)| (i.iter().map(|s| Value::str(*s)).collect(), Value::str(*o))).collect();
        mine(&ex, true, false, &[])
            .into_iter()
            .map(|m| match m.value {
                Value::Str(s) => (s.to_string(), m.cost),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn prefixes_suffixes_and_labels_that_no_input_supplies() {
        let got = strs(&[(&["John Smith"], "Mr. John Smith"), (&["Ada Lovelace"], "Mr. Ada Lovelace")]);
        assert_eq!(got[0], ("Mr. ".into(), 1), "{got:?}");
        let got = strs(&[(&["3.14"], "3.14"), (&["2"], "2.0"), (&["10.5"], "10.5")]);
        assert_eq!(got, [(".0".into(), 2)]);
        let got = strs(&[(&["John Smith"], "john.smith@company.com"), (&["Mary Jones"], "mary.jones@company.com")]);
        assert_eq!(got[0], ("@company.com".into(), 1), "{got:?}");
        let got = strs(&[(&["apple pie", "cake"], "FALSE"), (&["banana", "nan"], "TRUE"), (&["ab", "b"], "TRUE")]);
        assert_eq!(got, [("TRUE".into(), 1), ("FALSE".into(), 2)]);
        // Initials are copied, not constants.
        assert_eq!(strs(&[(&["Ada Lovelace"], "A.L."), (&["Grace Hopper"], "G.H.")]), []);
        // `. ` comes out of `J. ` and `M. `, shared by both.
        let got = strs(&[(&["John Smith"], "J. Smith"), (&["Mary Jones"], "M. Jones")]);
        assert_eq!(got[0], (". ".into(), 1), "{got:?}");
    }

    #[test]
    fn integers_with_neighbours_and_common_lengths() {
        let ex = vec![
            (vec![Value::str("42")], Value::str("00042")),
            (vec![Value::str("7")], Value::str("00007")),
            (vec![Value::str("1234")], Value::str("01234")),
        ];
        let got: Vec<Value> =
            mine(&ex, false, true, &[Value::Int(0), Value::Int(1)]).into_iter().map(|m| m.value).collect();
        assert!(got.contains(&Value::Int(5)), "{got:?}");
        assert!(got.len() <= MAX_INTS);
    }
}
