//! Range loops that index lists by their variable run a copy without
//! bounds checks when the chunk lies within every length (see
//! `range_loop` in the code generator). Property: for any bounds and
//! lists, around every edge (negative starts, empty and short lists,
//! chunks of 1,024), the Wasm backend gives what the interpreter gives:
//! the same value, or the same error at the same span.

use proptest::prelude::*;
use synth_dsl::Limits;
use synth_dsl::tir::Program;
use synth_verifiers::{Backend, eval};

const SOURCE: &str = r#"
def sum_window(xs: list[int], a: int, b: int) -> int:
    s = 0
    for i in range(a, b):
        s = s * 3 + xs[i]
    return s


def two_lists(xs: list[int], ys: list[int], a: int, b: int) -> int:
    s = 0
    for i in range(a, b):
        if xs[i] > 0:
            s += ys[i]
        else:
            s -= 1
    return s


def store(xs: list[int], a: int, b: int) -> list[int]:
    for i in range(a, b):
        xs[i] = xs[i] * 2 + i
    return xs


def argmax(xs: list[int], blocked: list[bool], n: int) -> int:
    best = -1
    for i in range(n):
        if not blocked[i] and (best < 0 or xs[i] > xs[best]):
            best = i
    return best


def long(n: int, cut: int) -> int:
    xs = list(range(cut))
    s = 0
    for i in range(n):
        s += xs[i]
    return s
"#;

fn program() -> Program {
    let compiled = synth_dsl::compile(SOURCE);
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    compiled.program
}

fn list(xs: &[i64]) -> String {
    format!("[{}]", xs.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "))
}

/// Runs `call` on both backends; returns (interpreter, Wasm) as text.
fn both(program: &Program, call: &str) -> (String, String) {
    let (ast, diags) = synth_dsl::parser::parse_expression(call);
    assert!(diags.is_empty(), "{call}");
    let (expr, diags) = synth_dsl::check::check_expression(program, &ast);
    let expr = expr.unwrap_or_else(|| panic!("{call}: {diags:?}"));
    let show = |backend| {
        let out = eval(program, &expr, Limits::default(), backend).expect("runs");
        match out.result {
            Ok(v) => v.repr(),
            Err(e) => format!("{} at {}..{}", e.kind.name(), e.span.start, e.span.end),
        }
    };
    (show(Backend::Interp), show(Backend::Wasm))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn versioned_loops_agree(
        xs in prop::collection::vec(-3i64..4, 0..7),
        ys in prop::collection::vec(-3i64..4, 0..7),
        blocked in prop::collection::vec(any::<bool>(), 0..7),
        a in -8i64..8,
        b in -8i64..10,
    ) {
        let p = program();
        let n = b.max(0);
        for call in [
            format!("sum_window({}, {a}, {b})", list(&xs)),
            format!("two_lists({}, {}, {a}, {b})", list(&xs), list(&ys)),
            format!("store({}, {a}, {b})", list(&xs)),
            format!("argmax({}, [{}], {n})", list(&xs),
                blocked.iter().map(|b| if *b { "True" } else { "False" }).collect::<Vec<_>>().join(", ")),
        ] {
            let (interp, wasm) = both(&p, &call);
            prop_assert_eq!(interp, wasm, "{}", call);
        }
    }
}

#[test]
fn chunks_past_the_first_agree() {
    // 1,024 iterations a chunk: lists that end inside the second or third
    // chunk take the checked copy there and fail at the same index.
    let p = program();
    for (n, cut) in [(3000, 3000), (3000, 2999), (3000, 1024), (3000, 1025), (2048, 2047), (5, 0)] {
        let call = format!("long({n}, {cut})");
        let (interp, wasm) = both(&p, &call);
        assert_eq!(interp, wasm, "{call}");
    }
    assert_eq!(both(&p, "long(3000, 3000)").1, (0..3000i64).sum::<i64>().to_string());
}
