//! The build script of the packages that link Z3: their binaries (tests,
//! examples, the CLI) find libz3 where scripts/setup.sh put it, by rpath
//! (`Z3_LIBRARY_PATH_OVERRIDE`, set absolute by .cargo/config.toml).

fn main() {
    println!("cargo:rerun-if-env-changed=Z3_LIBRARY_PATH_OVERRIDE");
    if let Ok(dir) = std::env::var("Z3_LIBRARY_PATH_OVERRIDE") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
}
