; expect: error: `bvadd` expects two or more bit-vectors of one width
; expect: {file}:6:17
(set-logic BV)
(synth-fun f ((x (_ BitVec 8))) (_ BitVec 8))
(declare-var x (_ BitVec 8))
(constraint (= (bvadd x #x0001) (f x)))
(check-synth)
