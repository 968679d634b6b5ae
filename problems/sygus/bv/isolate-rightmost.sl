; Hacker's Delight 2-1: isolate the rightmost 1-bit of a 64-bit word.
(set-logic BV)
(synth-fun f ((x (_ BitVec 64))) (_ BitVec 64)
    ((Start (_ BitVec 64)))
    ((Start (_ BitVec 64) (x #x0000000000000000 #x0000000000000001 (bvand Start Start) (bvor Start Start)
                          (bvxor Start Start) (bvneg Start) (bvnot Start) (bvsub Start Start)))))
(declare-var x (_ BitVec 64))
(constraint (= (f x) (bvand x (bvneg x))))
(check-synth)
