; expect: error: `synth-inv` (invariant synthesis) is not supported
; expect: {file}:4:1
(set-logic LIA)
(synth-inv inv ((x Int)))
(check-synth)
