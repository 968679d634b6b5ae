; A universally quantified string spec: prepend "x" to a string.
(set-logic SLIA)
(synth-fun f ((s String)) String ((Start String) (I Int)) ((Start String (s "x" (str.++ Start Start))) (I Int (0))))
(declare-var s String)
(constraint (= (str.len (f s)) (+ (str.len s) 1)))
(constraint (str.prefixof "x" (f s)))
(constraint (str.suffixof s (f s)))
(check-synth)
