/// SIMD row dequantization to f32, used to unpack weight tiles for the GEMM micro-kernel.
/// Produces exactly the values of ``RowCodec/dequantize(_:as:into:)``. Kernel-internal.
enum RowDequantizer {
    @inline(__always)
    static func widenI8x8(_ v: SIMD8<Int8>) -> SIMD8<Int32> {
        var r = SIMD8<Int32>()
        for i in 0..<8 { r[i] = Int32(v[i]) }
        return r
    }

    @inline(__always)
    static func floats(_ v: SIMD16<Int16>) -> (SIMD8<Float>, SIMD8<Float>) {
        let w = widenI16(v)
        return (toFloat(w.lowHalf), toFloat(w.highHalf))
    }

    /// Decodes `cols` elements of one row of `type` at `src` into `dst`.
    static func row(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, cols: Int) {
        switch type {
        case .f32:
            UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: 4 * cols)
        case .f16:
            floatRow(F16Row.self, src, dst, cols)
        case .bf16:
            floatRow(BF16Row.self, src, dst, cols)
        case .q8_0:
            for b in 0..<(cols / 32) {
                let p = src + 34 * b, y = dst + 32 * b
                let d = SIMD8<Float>(repeating: loadF16(p, 0))
                for k in 0..<4 {
                    store8(toFloat(widenI8x8(p.loadUnaligned(fromByteOffset: 2 + 8 * k, as: SIMD8<Int8>.self))) * d, y + 8 * k)
                }
            }
        case .q4_0:
            for b in 0..<(cols / 32) {
                let p = src + 18 * b, y = dst + 32 * b
                let d = SIMD8<Float>(repeating: loadF16(p, 0))
                let v = widenU8(p.loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self))
                let (l0, l1) = floats((v & 0x0f) &- 8), (h0, h1) = floats((v &>> 4) &- 8)
                store8(l0 * d, y); store8(l1 * d, y + 8); store8(h0 * d, y + 16); store8(h1 * d, y + 24)
            }
        case .q4_1:
            for b in 0..<(cols / 32) {
                let p = src + 20 * b, y = dst + 32 * b
                let d = SIMD8<Float>(repeating: loadF16(p, 0)), m = SIMD8<Float>(repeating: loadF16(p, 2))
                let v = widenU8(p.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self))
                let (l0, l1) = floats(v & 0x0f), (h0, h1) = floats(v &>> 4)
                store8(l0 * d + m, y); store8(l1 * d + m, y + 8); store8(h0 * d + m, y + 16); store8(h1 * d + m, y + 24)
            }
        }
    }

    @inline(__always)
    static func floatRow<R: FloatRow>(_: R.Type, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
        var c = 0
        while c + 8 <= n { store8(R.load8(src, c), dst + c); c += 8 }
        while c < n { dst[c] = R.load1(src, c); c += 1 }
    }
}
