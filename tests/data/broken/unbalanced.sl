(set-logic SLIA)
(synth-fun f ((name String)) String)
(constraint (= (f "a") "b")
