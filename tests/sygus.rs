//! SyGuS-IF end to end: the shipped `.sl` files are solved and Z3 accepts
//! each solution against the file's own constraints; `--format py` and
//! `--json` give both forms; and every operator's helper in the language
//! means what Z3 says the SMT-LIB operator means, on edge and random values.

use std::path::Path;
use std::process::{Command, Output};
use synth_engine::dsl::smt::sexp::{self, Sexp};
use synth_engine::dsl::sygus::py::{Translator, bv_value};
use synth_engine::dsl::sygus::term::{Sort, Term, op_sort};
use synth_engine::dsl::{Interpreter, Limits, Value};

fn synth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synth"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("synth runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sl_files() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for logic in ["lia", "clia", "bv", "slia"] {
        let dir = root.join("problems/sygus").join(logic);
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "sl") {
                out.push(p.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_shipped_sl_file_is_solved_and_z3_accepts_the_solution() {
    let files = sl_files();
    assert!(files.len() >= 12, "a handful of .sl files per logic");
    for f in files {
        let out = synth(&["run", &f, "--json", "--seconds", "60"]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{f}: {stderr}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
        assert_eq!(v["solved"], true, "{f}");
        let program = v["program"].as_str().unwrap_or_default();
        assert!(program.starts_with("(define-fun "), "{f}: {program}");
        assert!(v["program_py"].as_str().unwrap_or_default().contains("def f_"), "{f}");
        assert_eq!(v["sygus"]["check"]["verdict"], "valid", "{f}: {v}");
    }
}

#[test]
fn run_prints_a_define_fun_or_the_language() {
    let out = synth(&["run", "problems/sygus/lia/max2.sl"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "(define-fun max2 ((x Int) (y Int)) Int (ite (<= x y) y x))\n");
    assert!(text(&out.stderr).contains("Z3 accepts the solution"), "{}", text(&out.stderr));

    let out = synth(&["run", "problems/sygus/lia/max2.sl", "--format", "py"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "def f_max2(v_x: int, v_y: int) -> int:\n    return v_y if v_x <= v_y else v_x\n");
}

#[test]
fn eval_runs_sl_files_in_a_folder() {
    let out_file = std::env::temp_dir().join(format!("synth-sygus-eval-{}.json", std::process::id()));
    let out = synth(&["eval", "problems/sygus/bv", "--seconds", "30", "--output", out_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let rows: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(rows.len() >= 3);
    for r in rows {
        assert_eq!(r["solved"], true, "{r}");
        assert_eq!(r["sygus"]["check"]["verdict"], "valid", "{r}");
    }
    let _ = std::fs::remove_file(out_file);
}

/// A small deterministic generator (no dependency for a test's randomness).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 ^ (self.0 >> 29)
    }
}

fn bv_values(w: u32, rng: &mut Lcg) -> Vec<u128> {
    let mask = if w >= 64 { u64::MAX as u128 } else { (1u128 << w) - 1 };
    let msb = 1u128 << (w - 1);
    let mut v = vec![0, 1, mask, msb, msb.wrapping_sub(1) & mask, 2 & mask, 3 & mask];
    for _ in 0..10 {
        v.push(rng.next() as u128 & mask);
        v.push((rng.next() % (w as u64 + 3)) as u128 & mask);
    }
    v
}

/// Z3's value of a ground term, as the language represents it.
fn z3_value(term: &str, sort: Sort) -> Value {
    let script = format!("(declare-const r {sort})\n(assert (= r {term}))");
    let answer =
        synth_engine::verifiers::smt::check(&script, std::time::Duration::from_secs(10), &["r".into()]).unwrap();
    let synth_engine::verifiers::smt::Answer::Sat(values) = answer else { panic!("{term}: {answer:?}") };
    let e = values["r"].clone();
    let out = e.to_string();
    match (sort, &e) {
        (Sort::Bv(w), _) => {
            let (v, width) = sexp::read_bv(&e).unwrap_or_else(|| panic!("{term} gave {out}"));
            assert_eq!(width, w);
            Value::Int(bv_value(v, w))
        }
        (Sort::Bool, Sexp::Atom(a, _)) => Value::Bool(a == "true"),
        (Sort::Int, Sexp::Num(n, _)) => Value::Int(n.parse().unwrap()),
        (Sort::Int, Sexp::List(xs, _)) if xs.len() == 2 => match &xs[1] {
            Sexp::Num(n, _) => Value::Int(-n.parse::<i64>().unwrap()),
            _ => panic!("{term} gave {out}"),
        },
        (Sort::Str, Sexp::Str(s, _)) => Value::str(s.clone()),
        _ => panic!("{term} gave {out}"),
    }
}

/// Runs the translation of `op` over literal arguments in the interpreter.
fn run_helper(op: &str, idx: &[u32], args: &[Term]) -> (Value, Value, String) {
    let sorts: Vec<Sort> = args.iter().map(Term::sort).collect();
    let sort = op_sort(op, idx, &sorts).unwrap().unwrap();
    let term = Term::App(op.into(), idx.to_vec(), args.to_vec(), sort);
    let mut tr = Translator::default();
    let body = tr.expr(&term, None);
    let mut src: String = tr.helpers.values().map(|h| format!("{}\n", h.def)).collect();
    src.push_str(&format!("def t() -> {}:\n    return {body}\n", sort.py()));
    let compiled = synth_engine::dsl::compile(&src);
    assert!(!compiled.has_errors(), "{src}\n{:?}", compiled.diagnostics);
    let f = compiled.program.functions.iter().position(|f| f.name == "t").unwrap();
    let mut interp = Interpreter::new(&compiled.program, Limits::default()).unwrap();
    let got = interp.call(f, vec![]).unwrap_or_else(|e| panic!("{term}: {e}\n{src}"));
    let want = z3_value(&term.to_string(), sort);
    (got, want, format!("{term}"))
}

#[test]
fn every_bit_vector_helper_means_what_z3_means() {
    let mut rng = Lcg(7);
    let binary = [
        "bvand", "bvor", "bvxor", "bvnand", "bvnor", "bvxnor", "bvadd", "bvsub", "bvmul", "bvudiv", "bvurem", "bvsdiv",
        "bvsrem", "bvsmod", "bvshl", "bvlshr", "bvashr", "bvult", "bvule", "bvugt", "bvuge", "bvslt", "bvsle", "bvsgt",
        "bvsge", "bvcomp",
    ];
    let mut checked = 0;
    for w in [1u32, 3, 8, 16, 31, 32, 63, 64] {
        let vals = bv_values(w, &mut rng);
        for (i, &a) in vals.iter().enumerate() {
            let b = vals[(i * 7 + 3) % vals.len()];
            let (ta, tb) = (Term::Bv(a, w), Term::Bv(b, w));
            let mut cases: Vec<(&str, Vec<u32>, Vec<Term>)> = Vec::new();
            for op in binary {
                cases.push((op, vec![], vec![ta.clone(), tb.clone()]));
            }
            cases.push(("bvnot", vec![], vec![ta.clone()]));
            cases.push(("bvneg", vec![], vec![ta.clone()]));
            cases.push(("extract", vec![w - 1, 0], vec![ta.clone()]));
            cases.push(("extract", vec![w - 1, (w - 1) / 2], vec![ta.clone()]));
            cases.push(("rotate_left", vec![3], vec![ta.clone()]));
            cases.push(("rotate_right", vec![5], vec![ta.clone()]));
            if w < 64 {
                cases.push(("zero_extend", vec![64 - w], vec![ta.clone()]));
                cases.push(("sign_extend", vec![64 - w], vec![ta.clone()]));
                cases.push(("sign_extend", vec![(64 - w).min(3)], vec![ta.clone()]));
            }
            if 2 * w <= 64 {
                cases.push(("concat", vec![], vec![ta.clone(), tb.clone()]));
                cases.push(("repeat", vec![2], vec![ta.clone()]));
            }
            for (op, idx, args) in cases {
                let (got, want, term) = run_helper(op, &idx, &args);
                assert_eq!(got, want, "{term}");
                checked += 1;
            }
        }
    }
    assert!(checked > 4000);
}

#[test]
fn every_integer_and_string_helper_means_what_z3_means() {
    let mut rng = Lcg(11);
    let alphabet = ['a', 'b', '1', '0', ' '];
    let word = |rng: &mut Lcg| -> String {
        let n = rng.next() % 5;
        (0..n).map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize]).collect()
    };
    for _ in 0..300 {
        let (s, t, u) = (word(&mut rng), word(&mut rng), word(&mut rng));
        let (i, j) = ((rng.next() % 9) as i128 - 2, (rng.next() % 9) as i128 - 2);
        let (ts, tt, tu, ti, tj) = (Term::Str(s), Term::Str(t), Term::Str(u), Term::Int(i), Term::Int(j));
        let mut cases: Vec<(&str, Vec<Term>)> = vec![
            ("str.at", vec![ts.clone(), ti.clone()]),
            ("str.substr", vec![ts.clone(), ti.clone(), tj.clone()]),
            ("str.indexof", vec![ts.clone(), tt.clone(), ti.clone()]),
            ("str.replace", vec![ts.clone(), tt.clone(), tu.clone()]),
            ("str.replace_all", vec![ts.clone(), tt.clone(), tu.clone()]),
            ("str.prefixof", vec![tt.clone(), ts.clone()]),
            ("str.suffixof", vec![tt.clone(), ts.clone()]),
            ("str.contains", vec![ts.clone(), tt.clone()]),
            ("str.to_int", vec![ts.clone()]),
            ("str.from_int", vec![ti.clone()]),
            ("str.is_digit", vec![ts.clone()]),
            ("str.<", vec![ts.clone(), tt.clone()]),
            ("str.<=", vec![ts.clone(), tt.clone()]),
            ("str.len", vec![ts.clone()]),
            ("str.++", vec![ts.clone(), tt.clone()]),
            ("abs", vec![ti.clone()]),
        ];
        if j != 0 {
            cases.push(("div", vec![ti.clone(), tj.clone()]));
            cases.push(("mod", vec![ti.clone(), tj.clone()]));
        }
        for (op, args) in cases {
            let (got, want, term) = run_helper(op, &[], &args);
            assert_eq!(got, want, "{term}");
        }
    }
}

#[test]
fn a_counterexample_of_the_independent_check_becomes_a_spec_case() {
    let text = "(set-logic LIA)\n(synth-fun f ((a Int) (b Int)) Int)\n(declare-var x Int)\n(declare-var y Int)\n\
                (constraint (> (f y x) (+ x y)))\n(check-synth)\n";
    let mut p = synth_engine::sygus::SygusProblem::parse(Path::new("t.sl"), text).unwrap();
    assert!(p.problem.targets[0].spec.is_some());
    let values = vec![
        ("x".to_string(), sexp::parse("3").unwrap().remove(0)),
        ("y".to_string(), sexp::parse("(- 7)").unwrap().remove(0)),
    ];
    assert!(p.add_counterexample(&values));
    // The call is `(f y x)`: the arguments are y, then x.
    let cases = &p.problem.targets[0].spec_cases;
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].iter().map(|v| v.repr()).collect::<Vec<_>>(), ["-7", "3"]);
    assert!(!p.add_counterexample(&values), "the same case is not added twice");
}
