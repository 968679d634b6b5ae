; The sign of a 16-bit signed value (-1, 0 or 1), no grammar.
(set-logic BV)
(synth-fun sgn ((x (_ BitVec 16))) (_ BitVec 16))
(declare-var x (_ BitVec 16))
(constraint (= (sgn x) (ite (bvslt x #x0000) #xffff (ite (= x #x0000) #x0000 #x0001))))
(check-synth)
