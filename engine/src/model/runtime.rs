//! Finding and loading the ONNX Runtime shared library (ort's `load-dynamic`)
//! once per process. A missing or unusable library is an error that says how
//! to install it, never ort's panic at first use.

use super::ModelError;
use ort::environment::Environment;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The environment variable that names the library (ort's own convention).
pub const LIBRARY_VARIABLE: &str = "ORT_DYLIB_PATH";

static ENVIRONMENT: OnceLock<Environment> = OnceLock::new();
static INIT: Mutex<()> = Mutex::new(());

fn library_name() -> String {
    format!("{}onnxruntime{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX)
}

/// Where the library is looked for, in order: `$ORT_DYLIB_PATH`, beside the
/// executable, `.deps/onnxruntime/` of the checkout the executable was built
/// in (where `scripts/setup.sh` puts it), and of this source tree.
pub fn library_candidates() -> Vec<PathBuf> {
    if let Some(path) = std::env::var_os(LIBRARY_VARIABLE) {
        return vec![PathBuf::from(path)];
    }
    let name = library_name();
    let mut out = Vec::new();
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        out.push(dir.join(&name));
        // target/{debug,release}/synth or target/debug/deps/test-binary
        for up in dir.ancestors().skip(1).take(3) {
            out.push(up.join(".deps/onnxruntime").join(&name));
        }
    }
    out.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.deps/onnxruntime").join(&name));
    out.dedup();
    out
}

/// The ONNX Runtime library that [`environment`] would load.
pub fn library_path() -> Result<PathBuf, ModelError> {
    let candidates = library_candidates();
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    let searched = candidates.iter().map(|p| format!("  {}", p.display())).collect::<Vec<_>>().join("\n");
    Err(ModelError::Library(format!(
        "the ONNX Runtime library was not found; looked at:\n{searched}\n\
         `bash scripts/setup.sh` installs it (from the PyPI `onnxruntime` wheel) into .deps/onnxruntime/, \
         or set {LIBRARY_VARIABLE} to a libonnxruntime shared library (version 1.24 or newer)"
    )))
}

/// The process's ONNX Runtime environment, loading the library on first use.
pub fn environment() -> Result<&'static Environment, ModelError> {
    if let Some(env) = ENVIRONMENT.get() {
        return Ok(env);
    }
    let _guard = INIT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(env) = ENVIRONMENT.get() {
        return Ok(env);
    }
    let path = library_path()?;
    let builder = ort::init_from(&path).map_err(|e| ModelError::Library(format!("cannot load ONNX Runtime: {e}")))?;
    let env = builder
        .with_name("synth")
        .build()
        .map_err(|e| ModelError::Library(format!("cannot start ONNX Runtime from {}: {e}", path.display())))?;
    tracing::debug!(path = %path.display(), "loaded ONNX Runtime");
    Ok(ENVIRONMENT.get_or_init(|| env))
}
