/// The Q3_K super-block: 256 weights in 16 sub-blocks of 16, 3-bit signed codes with a 6-bit
/// signed scale per sub-block (110 bytes, 3.4375 bits per weight).
///
/// ```
/// w = d · (sc − 32) · q           q = low2 − (hbit ? 0 : 4) ∈ −4…3
/// ```
/// Layout: `[hmask: 32 bytes][qs: 64 bytes][scales: 12 bytes][d: fp16]`. Element
/// `128k + 32j + l` (k < 2, j < 4, l < 32) has low bits `2j…2j+1` of `qs[32k + l]` and its
/// high bit in bit `4k + j` of `hmask[l]`, in sub-block `8k + 2j + l/16`. The 16 six-bit
/// scales: low nibbles in bytes 0–7 (sub-blocks 0–7 low, 8–15 high nibble), top two bits in
/// bytes 8–11 (sub-block `s` at bits `2(s/4)` of byte `8 + s%4`). Identical to ggml's
/// `block_q3_K`; quantized by `quantize_row_q3_K_ref`. Dot products read Q8_K.
enum BlockQ3_K: BlockwiseFormat {
    typealias Activations = ActivationsQ8_K
    static var type: GGMLType { .q3_K }
    static let count = 256
    static let bytes = 110

    static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        var L = [Int8](repeating: 0, count: 256)
        var scales = [Float](repeating: 0, count: 16)
        var maxScale: Float = 0, amax: Float = 0
        L.withUnsafeMutableBufferPointer { Lb in
            for j in 0..<16 {
                scales[j] = KQuantSearch.makeQ3Quants(16, 4, x + 16 * j, Lb.baseAddress! + 16 * j, doRMSE: true)
                let s = abs(scales[j])
                if s > amax { amax = s; maxScale = scales[j] }
            }
        }
        var packed = [UInt8](repeating: 0, count: 12)
        if maxScale != 0 {
            let iscale = -32 / maxScale
            for j in 0..<16 {
                var l = Int8(truncatingIfNeeded: KQuantSearch.nearestInt(iscale * scales[j]))
                l = max(-32, min(31, l)) + 32
                if j < 8 { packed[j] = UInt8(l) & 0xF } else { packed[j - 8] |= (UInt8(l) & 0xF) << 4 }
                l >>= 4
                packed[j % 4 + 8] |= UInt8(l) << UInt8(2 * (j / 4))
            }
            storeU16(out, 108, HalfConversion.f16Bits(1 / iscale))
        } else {
            storeU16(out, 108, HalfConversion.f16Bits(0))
        }
        for i in 0..<12 { out.storeBytes(of: packed[i], toByteOffset: 96 + i, as: UInt8.self) }
        let d = loadF16(out, 108)
        let sc = decodeScales(out + 96)
        for j in 0..<16 {
            let dj = d * Float(sc[j])
            if dj == 0 { continue }
            for ii in 0..<16 {
                let l = KQuantSearch.nearestInt(x[16 * j + ii] / dj)
                L[16 * j + ii] = Int8(max(-4, min(3, l)) + 4)
            }
        }
        var hmask = [UInt8](repeating: 0, count: 32)
        var m = 0
        var hm: UInt8 = 1
        for j in 0..<256 {
            if L[j] > 3 {
                hmask[m] |= hm
                L[j] -= 4
            }
            m += 1
            if m == 32 {
                m = 0
                hm <<= 1
            }
        }
        for i in 0..<32 { out.storeBytes(of: hmask[i], toByteOffset: i, as: UInt8.self) }
        for j in stride(from: 0, to: 256, by: 128) {
            for l in 0..<32 {
                let q = UInt8(L[j + l]) | (UInt8(L[j + l + 32]) << 2) | (UInt8(L[j + l + 64]) << 4) | (UInt8(L[j + l + 96]) << 6)
                out.storeBytes(of: q, toByteOffset: 32 + j / 4 + l, as: UInt8.self)
            }
        }
    }

    /// The 16 signed scales (`sc − 32`, in −32…31) from the 12 packed bytes at `p`.
    @inline(__always)
    static func decodeScales(_ p: UnsafeRawPointer) -> SIMD16<Int16> {
        var s = SIMD16<Int16>()
        for j in 0..<16 {
            let lowByte = p.load(fromByteOffset: j % 8, as: UInt8.self)
            let low = j < 8 ? lowByte & 0xF : lowByte >> 4
            let high = (p.load(fromByteOffset: 8 + j % 4, as: UInt8.self) >> UInt8(2 * (j / 4))) & 3
            s[j] = Int16(low | high << 4) - 32
        }
        return s
    }

    @inline(__always)
    static func code(_ b: UnsafeRawPointer, _ e: Int) -> Int32 {
        let k = e / 128, j = (e % 128) / 32, l = e % 32
        let low = Int32((b.load(fromByteOffset: 32 + 32 * k + l, as: UInt8.self) >> UInt8(2 * j)) & 3)
        let high = (b.load(fromByteOffset: l, as: UInt8.self) >> UInt8(4 * k + j)) & 1
        return low - (high != 0 ? 0 : 4)
    }

    static func dequantizeRef(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = loadF16(b, 108), sc = decodeScales(b + 96)
        for e in 0..<256 {
            let dl = d * Float(sc[e / 16])
            y[e] = dl * Float(code(b, e))
        }
    }

    static func dotRef(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        var sumf: Float = 0
        for i in 0..<(count / 256) {
            let p = w + 110 * i, sc = decodeScales(p + 96)
            var isum: Int32 = 0
            for g in 0..<16 {
                var s: Int32 = 0
                for l in 0..<16 { s += Int32(x.codes[256 * i + 16 * g + l]) * code(p, 16 * g + l) }
                isum += Int32(sc[g]) * s
            }
            sumf += loadF16(p, 108) * x.scales[i] * Float(isum)
        }
        return sumf
    }

    /// The sixteen signed codes of elements `128k + 32j + 16h + (0…15)`.
    @inline(__always)
    static func codes16(_ q: SIMD16<Int16>, _ hm: SIMD16<Int16>, k: Int, j: Int) -> SIMD16<Int16> {
        ((q &>> Int16(2 * j)) & 3) | (((hm &>> Int16(4 * k + j)) & 1) &<< 2) &- 4
    }

    static func dequantizeRow(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<(count / 256) {
            let p = src + 110 * i, y = dst + 256 * i
            let d = loadF16(p, 108), sc = decodeScales(p + 96)
            let h0 = load16U8(p), h1 = load16U8(p + 16)
            for k in 0..<2 {
                let v0 = load16U8(p + 32 + 32 * k), v1 = load16U8(p + 48 + 32 * k)
                for j in 0..<4 {
                    let g = 8 * k + 2 * j
                    storeScaled(codes16(v0, h0, k: k, j: j), d * Float(sc[g]), minus: 0, y + 16 * g)
                    storeScaled(codes16(v1, h1, k: k, j: j), d * Float(sc[g + 1]), minus: 0, y + 16 * g + 16)
                }
            }
        }
    }

    static func dot(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        #if arch(x86_64)
        AVX2.dot(AVX2.Q3_K.self, w, x, blocks: count / 256)
        #else
        dotPortable(w, x, count: count)
        #endif
    }

    /// The portable SIMD dot product (the arm64 path; tested against the reference on x86 too).
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        var sumf: Float = 0
        for i in 0..<(count / 256) {
            let p = w + 110 * i, xq = x.codes + 256 * i
            let sc = decodeScales(p + 96)
            let h0 = load16U8(p), h1 = load16U8(p + 16)
            var acc = SIMD8<Int32>()
            for k in 0..<2 {
                let v0 = load16U8(p + 32 + 32 * k), v1 = load16U8(p + 48 + 32 * k)
                for j in 0..<4 {
                    let g = 8 * k + 2 * j
                    acc &+= scaledMadd(codes16(v0, h0, k: k, j: j), sc[g], xq + 16 * g)
                    acc &+= scaledMadd(codes16(v1, h1, k: k, j: j), sc[g + 1], xq + 16 * g + 16)
                }
            }
            sumf += loadF16(p, 108) * x.scales[i] * Float(hsum(acc))
        }
        return sumf
    }
}
