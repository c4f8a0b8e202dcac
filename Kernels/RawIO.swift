// Little-endian loads and stores on raw memory that may be unaligned. Kernel-internal.

@inline(__always)
func loadU16(_ p: UnsafeRawPointer, _ offset: Int) -> UInt16 {
    UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
}

@inline(__always)
func storeU16(_ p: UnsafeMutableRawPointer, _ offset: Int, _ v: UInt16) {
    p.storeBytes(of: v.littleEndian, toByteOffset: offset, as: UInt16.self)
}

@inline(__always)
func loadF16(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    HalfConversion.float(f16Bits: loadU16(p, offset))
}
