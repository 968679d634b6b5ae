//! Probes deep inputs on a 2 MiB thread, as the test harness runs them (a debugging aid).
fn main() {
    for arg in std::env::args().skip(1) {
        let src = std::fs::read_to_string(&arg).expect("read");
        let name = arg.clone();
        let h = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let c = synth_dsl::compile(&src);
                eprintln!("{name}: compiled, errors={}", c.has_errors());
                if !c.has_errors() {
                    let mut i = synth_dsl::Interpreter::new(&c.program, synth_dsl::Limits::default()).expect("init");
                    eprintln!("{name}: {:?}", i.call(0, vec![]).map(|v| v.repr()));
                }
            })
            .expect("spawn");
        let _ = h.join();
    }
}
