//! Property tests of the C runtime against the interpreter on inputs the
//! program generator rarely makes: every bit pattern of a float (shortest
//! repr, `float(repr(x))`, `round`, `//`, `%`, `**`), and arbitrary Unicode
//! strings through the string methods and character classes. Both backends
//! run the same compiled functions; results must be identical.

use proptest::prelude::*;
use synth_dsl::{Interpreter, Limits, Value};
use synth_verifiers::WasmRunner;

const FUNCS: &str = r#"
def floats(x: float, y: float) -> tuple[str, str, float, str, str, str]:
    a = repr(x)
    b = str(float(a) == x or x != x)
    c = round(x, 3) if x == x and abs(x) < 1e300 else 0.0
    d = repr(x // y) if y != 0.0 else "div0"
    e = repr(x % y) if y != 0.0 else "mod0"
    f = repr(abs(x) ** 0.5) + repr(y * 0.5 ** 3)
    return a, b, c, d, e, f

def text(s: str, t: str) -> list[str]:
    out = [s.upper(), s.lower(), s.title(), s.capitalize(), s.swapcase(), s.strip(), repr(s)]
    out.append(str([s.isalpha(), s.isdigit(), s.isalnum(), s.isspace(), s.isupper(), s.islower(), s.isdecimal(), s.isnumeric(), s.isascii()]))
    out.append(str(s.split()) + str(s.split(t[:1] or "x")) + str(s.rsplit(None, 1)) + str(s.splitlines()))
    out.append(str([s.find(t), s.rfind(t), s.count(t), len(s)]) + str([s.startswith(t), s.endswith(t), t in s]))
    out.append(s.replace(t, "<>") + s.center(len(s) + 3, "*") + s.zfill(12) + s[::-1] + s[1:-1:2])
    out.append(str(sorted([s, t, s + t, t + s])) + str(s < t))
    return out
"#;

struct Both {
    program: synth_dsl::tir::Program,
    runner: WasmRunner,
}

fn both() -> Both {
    let compiled = synth_dsl::compile(FUNCS);
    assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
    let runner = WasmRunner::new(&compiled.program, None, Limits::default()).expect("compiles");
    Both { program: compiled.program, runner }
}

fn check(b: &Both, func: &str, args: Vec<Value>) -> Result<(), TestCaseError> {
    let (fid, _) = b.program.function(func).expect("function");
    let ours = Interpreter::new(&b.program, Limits::default()).expect("ok").call(fid, args.clone());
    let wasm = b.runner.call(fid, &args).expect("runs").result;
    let show = |r: &Result<Value, synth_dsl::RunError>| match r {
        Ok(v) => v.repr(),
        Err(e) => format!("{} at {:?}", e.kind.name(), e.span),
    };
    prop_assert_eq!(show(&ours), show(&wasm), "{}({:?})", func, args);
    Ok(())
}

fn any_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>().prop_map(f64::from_bits),
        (-1e6f64..1e6),
        (-1000i64..1000).prop_map(|i| i as f64 / 8.0),
        Just(0.1),
        Just(-0.0),
        Just(f64::MIN_POSITIVE),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn float_formatting_and_arithmetic_agree(x in any_float(), y in any_float()) {
        thread_local!(static B: Both = both());
        B.with(|b| check(b, "floats", vec![Value::Float(x), Value::Float(y)]))?;
    }

    #[test]
    fn string_methods_agree(s in "\\PC{0,12}|[ a-zA-Zß\u{3a3}\u{1c5}0-9\t\n]{0,12}", t in "\\PC{0,3}|[ aAß]{0,2}") {
        thread_local!(static B: Both = both());
        B.with(|b| check(b, "text", vec![Value::str(s.as_str()), Value::str(t.as_str())]))?;
    }
}
