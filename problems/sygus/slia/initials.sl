; FlashFill: initials of a two-word name, separated by dots.
(set-logic SLIA)
(synth-fun f ((name String)) String
    ((ntString String) (ntInt Int))
    ((ntString String (name " " "." (str.++ ntString ntString) (str.at ntString ntInt)))
     (ntInt Int (0 1 (+ ntInt ntInt) (str.indexof ntString ntString ntInt)))))
(constraint (= (f "Nancy FreeHafer") "N.F."))
(constraint (= (f "Andrew Cencici") "A.C."))
(constraint (= (f "Jan Kotas") "J.K."))
(constraint (= (f "Mariya Sergienko") "M.S."))
(check-synth)
