; expect: error: this `(` is never closed
; expect: {file}:4:1
(set-logic LIA)
(synth-fun f ((x Int)) Int
(check-synth)
