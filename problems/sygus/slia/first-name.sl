; FlashFill-style: the first word of a name.
(set-logic SLIA)
(synth-fun f ((name String)) String
    ((Start String) (ntInt Int))
    ((Start String (name " " (str.++ Start Start) (str.substr Start ntInt ntInt) (str.at Start ntInt)))
     (ntInt Int (0 1 (+ ntInt ntInt) (- ntInt ntInt) (str.len Start) (str.indexof Start Start ntInt)))))
(constraint (= (f "Nancy FreeHafer") "Nancy"))
(constraint (= (f "Andrew Cencici") "Andrew"))
(constraint (= (f "Jan Kotas") "Jan"))
(constraint (= (f "Mariya Sergienko") "Mariya"))
(check-synth)
