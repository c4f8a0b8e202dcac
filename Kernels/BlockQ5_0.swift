/// The Q5_0 block: 32 weights as an fp16 scale, 32 high bits and 16 bytes of low nibbles
/// (22 bytes).
///
/// ```
/// max = the x[j] with the largest |x[j]| (signed)
/// d = max / -16,  id = (d != 0) ? 1 / d : 0                          (f32)
/// q[j] = min(31, Int8(x[j] * id + 16.5))                             (truncating)
/// w[j] = fp16(d) * (q[j] - 16)
/// ```
/// Layout: `[d: fp16][qh: u32][qs: 16 bytes]`; element `j` (0–15) is the low nibble of
/// `qs[j]` plus bit `j` of `qh` as its fifth bit, element `j + 16` the high nibble plus bit
/// `j + 16`; identical to ggml's `block_q5_0`. Dot products read Q8_0 activations.
enum BlockQ5_0: BlockwiseFormat {
    typealias Activations = ActivationsQ8_0
    static var type: GGMLType { .q5_0 }
    static let count = 32
    static let bytes = 22

    static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        var amax: Float = 0, maxv: Float = 0
        for j in 0..<32 where amax < abs(x[j]) {
            amax = abs(x[j])
            maxv = x[j]
        }
        let d = maxv / -16
        let id: Float = d != 0 ? 1 / d : 0
        storeU16(out, 0, HalfConversion.f16Bits(d))
        var qh: UInt32 = 0
        for j in 0..<16 {
            let q0 = min(31, quantCode(x[j] * id + 16.5)), q1 = min(31, quantCode(x[j + 16] * id + 16.5))
            out.storeBytes(of: (q0 & 0x0f) | ((q1 & 0x0f) << 4), toByteOffset: 6 + j, as: UInt8.self)
            qh |= UInt32((q0 & 0x10) >> 4) << j
            qh |= UInt32((q1 & 0x10) >> 4) << (j + 16)
        }
        out.storeBytes(of: qh.littleEndian, toByteOffset: 2, as: UInt32.self)
    }

    /// The 5-bit code of element `e` (0–31) of the block at `b`.
    @inline(__always)
    static func code(_ b: UnsafeRawPointer, _ e: Int) -> Int32 {
        let qh = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        let byte = b.load(fromByteOffset: 6 + e % 16, as: UInt8.self)
        let low = e < 16 ? byte & 0x0f : byte >> 4
        return Int32(low) | Int32((qh >> UInt32(e)) & 1) << 4
    }

    static func dequantizeRef(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = loadF16(b, 0)
        for e in 0..<32 { y[e] = Float(code(b, e) - 16) * d }
    }

    static func dotRef(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        var sum: Float = 0
        for b in 0..<(count / 32) {
            let p = w + 22 * b
            var sumi: Int32 = 0
            for e in 0..<32 { sumi += (code(p, e) - 16) * Int32(x.codes[32 * b + e]) }
            sum += Float(sumi) * (loadF16(p, 0) * x.scales[b])
        }
        return sum
    }

    static func dequantizeRow(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for b in 0..<(count / 32) {
            let p = src + 22 * b, y = dst + 32 * b
            let d = SIMD8<Float>(repeating: loadF16(p, 0))
            let (lo, hi) = FiveBit.codes(p + 6, qh: p + 2)
            let (l0, l1) = floats(lo &- 16), (h0, h1) = floats(hi &- 16)
            store8(l0 * d, y); store8(l1 * d, y + 8); store8(h0 * d, y + 16); store8(h1 * d, y + 24)
        }
    }

    static func dot(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        #if arch(x86_64)
        AVX2.dotQ5_0(w, x, blocks: count / 32)
        #else
        dotPortable(w, x, count: count)
        #endif
    }

    /// The portable SIMD dot product (the arm64 path; tested against the reference on x86 too).
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        FiveBit.dot(w, stride: 22, scaleOffset: 0, minOffset: nil, qhOffset: 2, qsOffset: 6, x, blocks: count / 32)
    }
}

/// Shared SIMD pieces of Q5_0 and Q5_1. Kernel-internal.
enum FiveBit {
    /// The 32 five-bit codes of a block: low nibbles at `qs` (16 bytes), fifth bits in the
    /// u32 at `qh`; elements 0–15 and 16–31 as two vectors.
    @inline(__always)
    static func codes(_ qs: UnsafeRawPointer, qh: UnsafeRawPointer) -> (SIMD16<Int16>, SIMD16<Int16>) {
        let v = widenU8(qs.loadUnaligned(as: SIMD16<UInt8>.self))
        let h = UInt32(littleEndian: qh.loadUnaligned(as: UInt32.self))
        return ((v & 0x0f) | highBits(UInt16(truncatingIfNeeded: h)), (v &>> 4) | highBits(UInt16(truncatingIfNeeded: h >> 16)))
    }

    /// Bit `i` of `bits` as 16 in lane `i` (and 0 otherwise).
    @inline(__always)
    static func highBits(_ bits: UInt16) -> SIMD16<Int16> {
        let lanes = SIMD16<UInt16>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
        // (t + 0x7fff) >> 15 is 1 exactly when t ≠ 0 (t is 0 or a power of two here).
        let t = SIMD16<UInt16>(repeating: bits) & lanes
        return unsafeBitCast(((t &+ 0x7fff) &>> 15) &<< 4, to: SIMD16<Int16>.self)
    }

    /// `Σ_b d_w·d_x·Σ q·x − 16·d_w·x.sums` (Q5_0, `minOffset == nil`) or
    /// `Σ_b d_w·d_x·Σ q·x + m_w·x.sums` (Q5_1), four blocks per step.
    @inline(__always)
    static func dot(
        _ w: UnsafeRawPointer, stride: Int, scaleOffset: Int, minOffset: Int?, qhOffset: Int, qsOffset: Int,
        _ x: Q8_0Row, blocks: Int
    ) -> Float {
        @inline(__always) func block(_ b: Int) -> SIMD8<Int32> {
            let p = w + stride * b, xq = UnsafeRawPointer(x.codes + 32 * b)
            let (lo, hi) = codes(p + qsOffset, qh: p + qhOffset)
            return maddPairs(lo, xq.loadUnaligned(as: SIMD16<Int16>.self))
                &+ maddPairs(hi, xq.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self))
        }
        var acc = SIMD8<Float>()
        var corr = SIMD4<Float>()
        var b = 0
        while b + 4 <= blocks {
            let h = pairSums(pairSums(block(b), block(b + 1)), pairSums(block(b + 2), block(b + 3)))
            let d = scales4(w + stride * b, stride, scaleOffset)
            acc.addProduct(toFloat(h), pairScales(d * load4(x.scales + b)))
            corr.addProduct(minOffset.map { scales4(w + stride * b, stride, $0) } ?? d, load4(x.sums + b))
            b += 4
        }
        var sum = hsum(acc) + (minOffset == nil ? -16 : 1) * hsum(corr)
        while b < blocks {
            let p = w + stride * b
            let d = loadF16(p, scaleOffset)
            sum += Float(hsum(block(b))) * (d * x.scales[b])
            sum += minOffset.map { loadF16(p, $0) * x.sums[b] } ?? (-16 * d * x.sums[b])
            b += 1
        }
        return sum
    }
}
