; 2x + y + 3 from additions only (v1-style grammar, no predeclaration).
(set-logic LIA)
(synth-fun f ((x Int) (y Int)) Int
    ((Start Int (x y 1 (+ Start Start)))))
(declare-var a Int)
(declare-var b Int)
(constraint (= (f a b) (+ (* 2 a) b 3)))
(check-synth)
