; Hacker's Delight 2-5: the floor average of two unsigned 8-bit values without overflow.
(set-logic BV)
(synth-fun avg ((x (_ BitVec 8)) (y (_ BitVec 8))) (_ BitVec 8)
    ((Start (_ BitVec 8)))
    ((Start (_ BitVec 8) (x y #x01 (bvand Start Start) (bvxor Start Start) (bvadd Start Start) (bvlshr Start Start)))))
(declare-var x (_ BitVec 8))
(declare-var y (_ BitVec 8))
(constraint (= (avg x y) ((_ extract 7 0) (bvlshr (bvadd ((_ zero_extend 1) x) ((_ zero_extend 1) y)) #b000000001))))
(check-synth)
