;; An external scoring module for `spread-points.toml`, in the WebAssembly
;; text format (synth also loads binary modules, from any language that
;; compiles to Wasm). The ABI: export `memory`, `alloc(bytes) -> ptr` and
;; `score(ptr, count) -> f64`; the host writes `count` f64 values at `ptr`.
;; Here the values are points in [0, 1]; the score is the smallest gap
;; between two of them, times (count - 1): 1.0 when they are evenly spread.
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param $bytes i32) (result i32)
    (local $need i32)
    (local.set $need (i32.add (i32.const 64) (local.get $bytes)))
    (if (i32.gt_u (local.get $need) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (drop (memory.grow
          (i32.sub (i32.div_u (i32.add (local.get $need) (i32.const 65535)) (i32.const 65536)) (memory.size))))))
    (i32.const 64))
  (func (export "score") (param $p i32) (param $n i32) (result f64)
    (local $i i32) (local $j i32) (local $best f64) (local $x f64)
    (if (i32.lt_s (local.get $n) (i32.const 2)) (then (return (f64.const 0))))
    (local.set $best (f64.const inf))
    (loop $outer
      (local.set $x (f64.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $j (i32.add (local.get $i) (i32.const 1)))
      (block $done
        (loop $inner
          (br_if $done (i32.ge_s (local.get $j) (local.get $n)))
          (local.set $best (f64.min (local.get $best)
            (f64.abs (f64.sub (local.get $x)
              (f64.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 3))))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $inner)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_s (local.get $i) (i32.sub (local.get $n) (i32.const 1)))))
    (f64.mul (local.get $best) (f64.convert_i32_s (i32.sub (local.get $n) (i32.const 1))))))
