; Programming by example over integers: |x - y|.
(set-logic CLIA)
(synth-fun dist ((x Int) (y Int)) Int)
(constraint (= (dist 3 5) 2))
(constraint (= (dist 5 3) 2))
(constraint (= (dist (- 4) 6) 10))
(constraint (= (dist 7 7) 0))
(constraint (= (dist 0 (- 9)) 9))
(check-synth)
