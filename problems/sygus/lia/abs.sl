; Absolute value from a comparison and subtraction.
(set-logic LIA)
(synth-fun abs1 ((x Int)) Int
    ((Start Int) (B Bool))
    ((Start Int (x 0 (- Start Start) (ite B Start Start)))
     (B Bool ((< Start Start)))))
(declare-var x Int)
(constraint (>= (abs1 x) 0))
(constraint (or (= (abs1 x) x) (= (abs1 x) (- x))))
(check-synth)
