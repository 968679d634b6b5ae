//! The front end and the interpreter never panic and never overflow the
//! stack: on arbitrary bytes, on mutations of valid programs, and on
//! pathologically deep input. Also: printing a parsed program and parsing it
//! again gives the same program.

use proptest::prelude::*;
use synth_dsl::generator::{GenConfig, generate};
use synth_dsl::{Limits, compile, printer, render};

/// Compiles, renders the diagnostics, and runs every function whose
/// parameters all have defaults... or none, with a small budget.
fn exercise(src: &str) {
    let compiled = compile(src);
    let _ = render("fuzz.py", src, &compiled.diagnostics);
    if compiled.has_errors() {
        return;
    }
    let limits = Limits { fuel: 20_000, alloc: 1 << 16, max_depth: 50 };
    if let Ok(mut interp) = synth_dsl::Interpreter::new(&compiled.program, limits) {
        for (id, f) in compiled.program.functions.iter().enumerate() {
            if f.params.is_empty() {
                interp.reset_budget();
                let _ = interp.call(id, Vec::new());
            }
        }
    }
}

const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ":",
    "\n",
    "    ",
    "def ",
    "return ",
    "if ",
    "else:",
    "for ",
    " in ",
    "while ",
    "x",
    "y",
    "1",
    "0.5",
    "'s'",
    "\"",
    "+",
    "-",
    "*",
    "**",
    "//",
    "%",
    "==",
    "<",
    "not ",
    "and ",
    "or ",
    ",",
    ".",
    "split()",
    "len(",
    "range(",
    "[]",
    "()",
    "??",
    "...",
    "@synthesize\n",
    "lambda",
    "{",
    "#",
    "\\",
    "=",
    "+=",
    "->",
    "int",
    "list[int]",
];

fn mutate(src: &str, edits: &[(u8, usize, usize)]) -> String {
    let mut s: Vec<char> = src.chars().collect();
    for &(kind, a, b) in edits {
        if s.is_empty() {
            break;
        }
        let i = a % s.len();
        match kind % 4 {
            0 => {
                let j = (i + b % 8).min(s.len());
                s.drain(i..j);
            }
            1 => {
                let snippet = SNIPPETS[b % SNIPPETS.len()];
                for (k, c) in snippet.chars().enumerate() {
                    s.insert(i + k, c);
                }
            }
            2 => {
                let j = b % s.len();
                s.swap(i, j);
            }
            _ => {
                let j = (i + b % 40).min(s.len());
                let dup: Vec<char> = s[i..j].to_vec();
                for (k, c) in dup.into_iter().enumerate() {
                    s.insert(i + k, c);
                }
            }
        }
    }
    s.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        exercise(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup_never_panics(parts in proptest::collection::vec(0..SNIPPETS.len(), 0..120)) {
        let src: String = parts.into_iter().map(|i| SNIPPETS[i]).collect();
        exercise(&src);
    }

    #[test]
    fn mutated_programs_never_panic(seed in 0u64..100_000, edits in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..6)) {
        let g = generate(seed, &GenConfig::default());
        exercise(&mutate(&g.source, &edits));
    }
}

#[test]
fn printing_a_parsed_program_gives_it_back() {
    for seed in 0..300 {
        let g = generate(seed, &GenConfig::default());
        let (module, diags) = synth_dsl::parser::parse_module(&g.source);
        assert!(diags.is_empty(), "seed {seed}: generated source does not parse:\n{}", g.source);
        let printed = printer::module(&module);
        assert_eq!(printed, g.source, "seed {seed}: printing is not a fixed point");
    }
}

#[test]
fn deep_input_gets_a_diagnostic_not_a_crash() {
    let cases = [
        format!("def f() -> int:\n    return {}1{}\n", "(".repeat(100_000), ")".repeat(100_000)),
        format!("def f() -> list[int]:\n    return {}1{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("def f() -> int:\n    return 1{}\n", " + 1".repeat(100_000)),
        format!("def f() -> int:\n    return {}1\n", "-".repeat(100_000)),
        format!("def f() -> bool:\n    return {}True\n", "not ".repeat(100_000)),
        format!("def f(x: list[int]) -> int:\n    return x{}\n", "[0]".repeat(100_000)),
        format!("def f(x: {}int{}) -> int:\n    return 1\n", "list[".repeat(100_000), "]".repeat(100_000)),
        {
            let mut s = String::from("def f() -> int:\n");
            for i in 0..2000 {
                s.push_str(&" ".repeat(4 * (i + 1)));
                s.push_str("if True:\n");
            }
            s.push_str(&" ".repeat(4 * 2001));
            s.push_str("return 1\n");
            s
        },
    ];
    for src in &cases {
        let compiled = compile(src);
        assert!(compiled.has_errors(), "expected a nesting diagnostic for input of {} bytes", src.len());
        let _ = render("deep.py", src, &compiled.diagnostics);
    }
    // Within the limit, a deep but valid expression checks and runs.
    let src = format!("def f() -> int:\n    return 1{}\n", " + 1".repeat(900));
    let compiled = compile(&src);
    assert!(!compiled.has_errors(), "{}", render("ok.py", &src, &compiled.diagnostics));
    let mut interp = synth_dsl::Interpreter::new(&compiled.program, Limits::default()).expect("no constants");
    assert_eq!(interp.call(0, vec![]).map(|v| v.repr()), Ok("901".into()));
}

#[test]
fn deep_recursion_at_run_time_is_a_result() {
    let src = "def f(n: int) -> int:\n    return 0 if n == 0 else 1 + f(n - 1)\n";
    let compiled = compile(src);
    // Far deeper than the host stack would allow without growing it.
    let limits = Limits { fuel: 10_000_000, alloc: 1 << 20, max_depth: 200_000 };
    let mut interp = synth_dsl::Interpreter::new(&compiled.program, limits).expect("no constants");
    assert_eq!(interp.call(0, vec![synth_dsl::Value::Int(150_000)]).map(|v| v.repr()), Ok("150000".into()));
    // Past the limit: Python's RecursionError, not a crash.
    let err = interp.call(0, vec![synth_dsl::Value::Int(250_000)]).expect_err("too deep");
    assert_eq!(err.kind.name(), "RecursionError");
}
