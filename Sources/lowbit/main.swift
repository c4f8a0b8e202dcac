import LowBit
print("lowbit \(LowBit.version)")
