(set-logic SLIA)
(constraint (= (f "a") "b"))
