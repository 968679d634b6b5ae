; SyGuS-comp PBE-SLIA style (dr-name): "Dr." and the first name, no grammar.
(set-logic SLIA)
(synth-fun f ((name String)) String)
(constraint (= (f "Nancy FreeHafer") "Dr. Nancy"))
(constraint (= (f "Andrew Cencici") "Dr. Andrew"))
(constraint (= (f "Jan Kotas") "Dr. Jan"))
(constraint (= (f "Mariya Sergienko") "Dr. Mariya"))
(check-synth)
