//! External scorers: a WebAssembly module, written in any language that
//! compiles to Wasm, that turns a candidate's result values into a score.
//! It runs in the same sandbox as candidates (no imports, fuel, a deadline,
//! a memory cap). The ABI (documented in `docs/evolve.md`):
//!
//! - exports `memory`, `alloc(bytes: i32) -> i32` (where the host may write
//!   the values) and `score(ptr: i32, count: i32) -> f64`;
//! - the values are `count` little-endian `f64`s at `ptr`;
//! - the result is the score; NaN or an infinity is not a score.

use crate::sandbox::{Outcome, SandboxLimits, SandboxModule};
use std::sync::Arc;
use std::time::Duration;
use wasmtime::{ExternType, Val, ValType};

/// A loaded external scoring module.
pub struct WasmScorer {
    module: Arc<SandboxModule>,
}

/// Why an external scorer gave no score.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScorerFailure {
    /// It ran out of fuel or time.
    Timeout,
    /// It asked for more memory than the cap.
    OutOfMemory,
    /// It trapped, or broke the ABI.
    Error(String),
}

impl WasmScorer {
    /// Loads a module (binary Wasm, or the text format) and checks its exports.
    pub fn new(bytes: &[u8]) -> Result<WasmScorer, String> {
        let binary = wat::parse_bytes(bytes).map_err(|e| format!("not a WebAssembly module: {e}"))?;
        let sb = crate::shared_sandbox().map_err(|e| e.to_string())?;
        let module = sb.compile(&binary).map_err(|e| e.to_string())?;
        let exports = module.exports();
        let func = |name: &str, params: &[ValType], results: &[ValType]| {
            exports.iter().any(|(n, t)| {
                n == name
                    && matches!(t, ExternType::Func(f)
                        if f.params().map(|p| p.to_string()).eq(params.iter().map(ValType::to_string))
                            && f.results().map(|p| p.to_string()).eq(results.iter().map(ValType::to_string)))
            })
        };
        let memory = exports.iter().any(|(n, t)| n == "memory" && matches!(t, ExternType::Memory(_)));
        let alloc = func("alloc", &[ValType::I32], &[ValType::I32]);
        let score = func("score", &[ValType::I32, ValType::I32], &[ValType::F64]);
        if !memory {
            return Err("the scoring module must export its `memory`".into());
        }
        if !alloc {
            return Err("the scoring module must export `alloc(bytes: i32) -> i32`".into());
        }
        if !score {
            return Err("the scoring module must export `score(ptr: i32, count: i32) -> f64`".into());
        }
        Ok(WasmScorer { module })
    }

    /// Scores `values` within `time` and `memory_bytes`.
    pub fn score(&self, values: &[f64], time: Duration, memory_bytes: usize) -> Result<f64, ScorerFailure> {
        let sb = crate::shared_sandbox().map_err(|e| ScorerFailure::Error(e.to_string()))?;
        let limits = SandboxLimits { fuel: u64::MAX / 2, time_limit: time, memory_bytes, ..sb.limits() };
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let n = i32::try_from(values.len()).map_err(|_| ScorerFailure::Error("too many values".into()))?;
        let outcome = sb.run_limited(&self.module, limits, |g| {
            let len = i32::try_from(bytes.len()).map_err(|_| wasmtime::Error::msg("too many values"))?;
            let ptr = match g.call("alloc", &[Val::I32(len)], 1)?.first() {
                Some(Val::I32(p)) => *p,
                _ => return Err(wasmtime::Error::msg("`alloc` must return an i32")),
            };
            g.write(ptr as u32 as usize, &bytes)?;
            match g.call("score", &[Val::I32(ptr), Val::I32(n)], 1)?.first() {
                Some(Val::F64(bits)) => Ok(f64::from_bits(*bits)),
                _ => Err(wasmtime::Error::msg("`score` must return an f64")),
            }
        });
        match outcome {
            Outcome::Ok(v) => Ok(v),
            Outcome::Timeout(..) => Err(ScorerFailure::Timeout),
            Outcome::OutOfMemory(_) => Err(ScorerFailure::OutOfMemory),
            Outcome::StackOverflow => Err(ScorerFailure::Error("the scoring module overflowed its stack".into())),
            Outcome::RuntimeError(e) => Err(ScorerFailure::Error(format!("the scoring module failed: {e:?}"))),
            Outcome::Trap(t) => Err(ScorerFailure::Error(format!("the scoring module trapped: {t}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEAN: &str = r#"(module
      (memory (export "memory") 1)
      (func (export "alloc") (param i32) (result i32) (i32.const 1024))
      (func (export "score") (param $p i32) (param $n i32) (result f64)
        (local $i i32) (local $s f64)
        (block $done (loop $next
          (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
          (local.set $s (f64.add (local.get $s)
            (f64.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
        (f64.div (local.get $s) (f64.convert_i32_s (local.get $n)))))"#;

    #[test]
    fn a_module_scores_values_and_bad_modules_are_refused_or_stopped() {
        let s = WasmScorer::new(MEAN.as_bytes()).expect("loads");
        assert_eq!(s.score(&[1.0, 2.0, 6.0], Duration::from_secs(1), 1 << 20), Ok(3.0));
        let spin = r#"(module (memory (export "memory") 1)
            (func (export "alloc") (param i32) (result i32) (i32.const 0))
            (func (export "score") (param i32 i32) (result f64) (loop $l (br $l)) (f64.const 0)))"#;
        let s = WasmScorer::new(spin.as_bytes()).expect("loads");
        assert_eq!(s.score(&[1.0], Duration::from_millis(50), 1 << 20), Err(ScorerFailure::Timeout));
        let e = WasmScorer::new(MEAN.replace("(export \"alloc\")", "").as_bytes()).err().unwrap();
        assert!(e.contains("must export `alloc"), "{e}");
        let e = WasmScorer::new(b"(module (import \"env\" \"f\" (func)))").err().unwrap();
        assert!(e.contains("imports"), "{e}");
        assert!(WasmScorer::new(b"not wasm").is_err());
    }
}
