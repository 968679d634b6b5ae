//! Runs a function of a source file on both backends with arguments given
//! as Python literals, printing both results (a debugging aid for the
//! differential tests): `cargo run -p synth-verifiers --example wasm_call -- FILE FUNC 'ARGS'`.

use synth_dsl::{Interpreter, Limits};
use synth_verifiers::WasmRunner;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(func), Some(call)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: wasm_call FILE FUNC 'ARGS'");
        std::process::exit(2);
    };
    let src = std::fs::read_to_string(file).expect("readable file");
    let compiled = synth_dsl::compile(&src);
    if compiled.has_errors() {
        eprintln!("{}", synth_dsl::render(file, &src, &compiled.diagnostics));
        std::process::exit(2);
    }
    // Evaluate the arguments with the interpreter as a tuple literal.
    let (ast, _) = synth_dsl::parser::parse_expression(&format!("({call},)"));
    let (expr, diags) = synth_dsl::check::check_expression(&compiled.program, &ast);
    let Some(expr) = expr else {
        eprintln!("bad arguments: {diags:?}");
        std::process::exit(2);
    };
    let mut interp = Interpreter::new(&compiled.program, Limits::default()).expect("constants");
    let tuple = interp.eval_expr(&expr).expect("arguments evaluate");
    let synth_dsl::Value::Tuple(items) = tuple else { unreachable!() };
    let (fid, _) = compiled.program.function(func).expect("function exists");
    let fresh = || items.iter().map(synth_dsl::Value::deep_clone).collect::<Vec<_>>();
    let ours = Interpreter::new(&compiled.program, Limits::default()).expect("constants").call(fid, fresh());
    println!("interp: {:?}", ours.map(|v| v.repr()));
    if std::env::var_os("WAT").is_some() {
        let m = synth_dsl::wasm::compile(&compiled.program, None, &Default::default()).expect("compiles");
        println!("{}", wasmprinter::print_bytes(&m.bytes).expect("prints"));
    }
    let runner = WasmRunner::new(&compiled.program, None, Limits::default()).expect("compiles");
    let wasm = runner.call(fid, &fresh()).expect("runs").result;
    println!("wasm:   {:?}", wasm.map(|v| v.repr()));
}
