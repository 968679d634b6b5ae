; expect: error: unknown or unsupported function `str.frobnicate`
; expect: {file}:6:33
(set-logic SLIA)
(synth-fun f ((s String)) String)
(declare-var s String)
(constraint (= (f s) (str.++ s (str.frobnicate s))))
(check-synth)
