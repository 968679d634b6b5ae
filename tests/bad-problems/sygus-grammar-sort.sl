; expect: error: this production is Bool, but `Start` is Int
; expect: {file}:5:38
(set-logic LIA)
(synth-fun f ((x Int)) Int
    ((Start Int (x 0 (+ Start Start) (<= Start Start)))))
(declare-var x Int)
(constraint (= (f x) x))
(check-synth)
