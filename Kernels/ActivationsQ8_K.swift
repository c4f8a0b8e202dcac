/// A row of activations quantized to ggml's Q8_K, the activation format of the k-quant dot
/// products: blocks of 256 with an f32 scale and the sums of each group of 16 codes.
///
/// ```
/// max = the x[j] with the largest |x[j]| (signed)      (all zero: d = 0, q = 0)
/// iscale = −127 / max,  q[j] = min(127, nearest_int(iscale · x[j]))   (round half to even)
/// d = 1 / iscale   (f32),   bsums[g] = Σ_{16 codes of group g} q
/// ```
/// ggml's `block_q8_K` stores `[d: f32][q: 256 × int8][bsums: 16 × int16]` (292 bytes);
/// here the codes are widened to `Int16` so the dot products feed `vpmaddwd` directly.
struct ActivationsQ8_K: ActivationEncoding {
    /// Number of activations (a multiple of 256).
    let count: Int
    /// `[count]` codes widened to 16 bits.
    var codes: [Int16]
    /// `[count]` the same codes as bytes (what the x86 `vpmaddubsw` kernels read).
    var codes8: [Int8]
    /// `[count / 256]` block scales.
    var scales: [Float]
    /// `[count / 16]` sums of the codes of each group of 16.
    var groupSums: [Int32]
    /// The same sums as 16-bit integers (|sum| ≤ 16 · 127), as ggml's `bsums` are.
    var groupSums16: [Int16]

    static var format: ActivationFormat { .q8_K }

    init(encoding x: UnsafePointer<Float>, count n: Int) {
        count = n
        codes = [Int16](repeating: 0, count: n)
        codes8 = [Int8](repeating: 0, count: n)
        scales = [Float](repeating: 0, count: n / 256)
        groupSums = [Int32](repeating: 0, count: n / 16)
        groupSums16 = [Int16](repeating: 0, count: n / 16)
        codes.withUnsafeMutableBufferPointer { q in
            for b in 0..<(n / 256) {
                scales[b] = Self.quantizeBlock(x + 256 * b, into: q.baseAddress! + 256 * b)
                for g in 0..<16 {
                    var s: Int32 = 0
                    for i in 0..<16 { s += Int32(q[256 * b + 16 * g + i]) }
                    groupSums[16 * b + g] = s
                    groupSums16[16 * b + g] = Int16(truncatingIfNeeded: s)
                }
            }
            codes8.withUnsafeMutableBufferPointer { c in
                for i in 0..<n { c[i] = Int8(truncatingIfNeeded: q[i]) }
            }
        }
    }

    /// One block: codes into `q`, returns `d`.
    @inline(__always)
    static func quantizeBlock(_ x: UnsafePointer<Float>, into q: UnsafeMutablePointer<Int16>) -> Float {
        var max: Float = 0, amax: Float = 0
        for j in 0..<256 {
            let ax = abs(x[j])
            if ax > amax { amax = ax; max = x[j] }
        }
        if amax == 0 {
            q.update(repeating: 0, count: 256)
            return 0
        }
        let iscale = -127 / max
        for j in 0..<256 { q[j] = Int16(Int8(truncatingIfNeeded: Swift.min(127, KQuantSearch.nearestInt(iscale * x[j])))) }
        return 1 / iscale
    }

    static func roundTrip(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        withUnsafeTemporaryAllocation(of: Int16.self, capacity: 256) { q in
            for b in 0..<(count / 256) {
                let d = quantizeBlock(x + 256 * b, into: q.baseAddress!)
                for j in 0..<256 { y[256 * b + j] = d * Float(q[j]) }
            }
        }
    }

    func withRow<R>(_ body: (Q8_KRow) -> R) -> R {
        codes.withUnsafeBufferPointer { q in
            codes8.withUnsafeBufferPointer { q8 in
                scales.withUnsafeBufferPointer { s in
                    groupSums.withUnsafeBufferPointer { g in
                        groupSums16.withUnsafeBufferPointer { g16 in
                            body(Q8_KRow(codes: q.baseAddress!, codes8: q8.baseAddress!, scales: s.baseAddress!,
                                         groupSums: g.baseAddress!, groupSums16: g16.baseAddress!, blocks: count / 256))
                        }
                    }
                }
            }
        }
    }

    /// The same activations as ggml `block_q8_K` bytes (292 per block).
    var ggmlBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: count / 256 * 292)
        out.withUnsafeMutableBytes { o in
            for b in 0..<(count / 256) {
                o.storeBytes(of: scales[b].bitPattern.littleEndian, toByteOffset: 292 * b, as: UInt32.self)
                for j in 0..<256 { o[292 * b + 4 + j] = UInt8(truncatingIfNeeded: codes[256 * b + j]) }
                for g in 0..<16 {
                    o.storeBytes(of: Int16(truncatingIfNeeded: groupSums[16 * b + g]).littleEndian,
                                 toByteOffset: 292 * b + 260 + 2 * g, as: Int16.self)
                }
            }
        }
        return out
    }
}

/// The pointers of a Q8_K activation row.
struct Q8_KRow {
    /// `[blocks · 256]` codes.
    let codes: UnsafePointer<Int16>
    /// `[blocks · 256]` codes as bytes.
    let codes8: UnsafePointer<Int8>
    /// `[blocks]` scales `d`.
    let scales: UnsafePointer<Float>
    /// `[blocks · 16]` group sums.
    let groupSums: UnsafePointer<Int32>
    /// `[blocks · 16]` group sums as 16-bit integers.
    let groupSums16: UnsafePointer<Int16>
    let blocks: Int
}

extension ActivationQuantizer {
    /// Quantizes `x` (a multiple of 256) to ggml `block_q8_K` bytes, as ggml's
    /// `quantize_row_q8_K_ref`.
    ///
    /// - Throws: ``KernelError/notBlockAligned(type:count:)`` when `x.count` is not a multiple of 256.
    public static func quantizeRowQ8_K(_ x: UnsafeBufferPointer<Float>) throws(KernelError) -> [UInt8] {
        guard x.count % 256 == 0 else { throw .notBlockAligned(type: .q8_K, count: x.count) }
        guard let p = x.baseAddress else { return [] }
        return ActivationsQ8_K(encoding: p, count: x.count).ggmlBytes
    }
}
