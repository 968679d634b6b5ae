; expect: error: no `(check-synth)`
; expect: {file}:6:1
(set-logic LIA)
(synth-fun f ((x Int)) Int)
(declare-var x Int)
(constraint (= (f x) x))
