; The maximum of four integers, no grammar.
(set-logic CLIA)
(synth-fun max4 ((w Int) (x Int) (y Int) (z Int)) Int)
(declare-var w Int)
(declare-var x Int)
(declare-var y Int)
(declare-var z Int)
(define-fun ismax ((m Int) (w Int) (x Int) (y Int) (z Int)) Bool
    (and (>= m w) (>= m x) (>= m y) (>= m z) (or (= m w) (= m x) (= m y) (= m z))))
(constraint (ismax (max4 w x y z) w x y z))
(check-synth)
