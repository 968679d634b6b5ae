//! Snapshot tests of diagnostics: each file in `tests/fail/` is a broken
//! program; its rendered diagnostics (located `file:line:col`, the source
//! line, a label) are compared with `tests/snapshots/`. Update with
//! `INSTA_UPDATE=always cargo test` and review the diff.

use std::path::PathBuf;

#[test]
fn fail_files_render_their_diagnostics() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fail");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fail")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let src = std::fs::read_to_string(&path).expect("read");
        let name = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let compiled = synth_dsl::compile(&src);
        assert!(compiled.has_errors(), "{name}.py should not check");
        let rendered = synth_dsl::render(&format!("{name}.py"), &src, &compiled.diagnostics);
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
}
