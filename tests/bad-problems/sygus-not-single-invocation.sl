; expect: error: this constraint calls `f` with different arguments (not single-invocation)
; expect: {file}:7:13
(set-logic LIA)
(synth-fun f ((x Int) (y Int)) Int)
(declare-var x Int)
(declare-var y Int)
(constraint (= (f x y) (f y x)))
(check-synth)
