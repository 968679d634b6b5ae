//! Prints the typed IR of a program file (a debugging aid).
fn main() {
    let path = std::env::args().nth(1).expect("usage: dump_tir FILE");
    let src = std::fs::read_to_string(path).expect("read");
    let c = synth_dsl::compile(&src);
    print!("{}", synth_dsl::render("file", &src, &c.diagnostics));
    println!("{:#?}", c.program.functions.iter().map(|f| &f.body).collect::<Vec<_>>());
}
