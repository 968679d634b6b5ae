; expect: error: unknown symbol `z`
; expect: {file}:5:19
(set-logic LIA)
(synth-fun f ((x Int)) Int)
(constraint (= (f z) 1))
(check-synth)
