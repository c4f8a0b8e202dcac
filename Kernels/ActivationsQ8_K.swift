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
            codes8.withUnsafeMutableBufferPointer { q8 in
                groupSums.withUnsafeMutableBufferPointer { g in
                    groupSums16.withUnsafeMutableBufferPointer { g16 in
                        for b in 0..<(n / 256) {
                            scales[b] = Self.encodeBlock(x + 256 * b, codes: q.baseAddress! + 256 * b, codes8: q8.baseAddress! + 256 * b,
                                                         groupSums: g.baseAddress! + 16 * b, groupSums16: g16.baseAddress! + 16 * b)
                        }
                    }
                }
            }
        }
    }

    /// One block of 256 encoded with SIMD: its codes (16- and 8-bit), its sixteen group sums
    /// (32- and 16-bit); returns `d`. Bit for bit ``quantizeBlock(_:into:)`` and the group
    /// sums of its codes: the same `|x|` comparison (`>`, so NaN never wins and the first of
    /// equal magnitudes does), the same `iscale · x` products and the same round-half-even
    /// through `nearest_int`'s 1.5 · 2²³ trick, lane by lane. The 2048-column Q8_K encoding
    /// took 0.4–1.3% of kernel-bench's and decode's profiles with the scalar loops.
    @inline(__always)
    static func encodeBlock(
        _ x: UnsafePointer<Float>, codes q: UnsafeMutablePointer<Int16>, codes8 q8: UnsafeMutablePointer<Int8>,
        groupSums g: UnsafeMutablePointer<Int32>, groupSums16 g16: UnsafeMutablePointer<Int16>
    ) -> Float {
        let raw = UnsafeRawPointer(x)
        @inline(__always) func load(_ i: Int) -> SIMD16<Float> { raw.loadUnaligned(fromByteOffset: 64 * i, as: SIMD16<Float>.self) }
        var m = SIMD16<Float>(repeating: 0)
        for i in 0..<16 {
            let a = unsafeBitCast(unsafeBitCast(load(i), to: SIMD16<UInt32>.self) & 0x7fff_ffff, to: SIMD16<Float>.self)
            m.replace(with: a, where: a .> m)
        }
        var amax: Float = 0
        for j in 0..<16 where m[j] > amax { amax = m[j] }
        guard amax > 0 else {
            q.update(repeating: 0, count: 256)
            q8.update(repeating: 0, count: 256)
            g.update(repeating: 0, count: 16)
            g16.update(repeating: 0, count: 16)
            return 0
        }
        // The signed value of the first element of largest magnitude, as the scalar scan keeps.
        var j = 0
        while abs(x[j]) != amax { j += 1 }
        let iscale = -127 / x[j]
        let scale = SIMD16<Float>(repeating: iscale), magic = SIMD16<Float>(repeating: 12_582_912)
        let lowBits = SIMD16<Int32>(repeating: 0x007f_ffff), half = SIMD16<Int32>(repeating: 0x0040_0000)
        let top = SIMD16<Int32>(repeating: 127)
        for i in 0..<16 {
            let bits = unsafeBitCast(scale * load(i) + magic, to: SIMD16<Int32>.self)
            var v = (bits & lowBits) &- half
            v.replace(with: top, where: v .> top)
            let c8 = SIMD16<Int8>(truncatingIfNeeded: v)
            let c16 = SIMD16<Int16>(truncatingIfNeeded: c8)
            UnsafeMutableRawPointer(q8).storeBytes(of: c8, toByteOffset: 16 * i, as: SIMD16<Int8>.self)
            UnsafeMutableRawPointer(q).storeBytes(of: c16, toByteOffset: 32 * i, as: SIMD16<Int16>.self)
            let sum = SIMD16<Int32>(truncatingIfNeeded: c16).wrappedSum()
            g[i] = sum
            g16[i] = Int16(truncatingIfNeeded: sum)
        }
        return 1 / iscale
    }

    /// One block: codes into `q`, returns `d` (the scalar spec, which ``encodeBlock(_:codes:codes8:groupSums:groupSums16:)`` equals).
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
    /// `quantize_row_q8_K_ref`, through the SIMD encoder the kernels use
    /// (``quantizeRowQ8_KRef(_:)`` is the scalar spec it equals byte for byte).
    ///
    /// - Throws: ``KernelError/notBlockAligned(type:count:)`` when `x.count` is not a multiple of 256.
    public static func quantizeRowQ8_K(_ x: UnsafeBufferPointer<Float>) throws(KernelError) -> [UInt8] {
        guard x.count % 256 == 0 else { throw .notBlockAligned(type: .q8_K, count: x.count) }
        guard let p = x.baseAddress else { return [] }
        return ActivationsQ8_K(encoding: p, count: x.count).ggmlBytes
    }

    /// The scalar reference for ``quantizeRowQ8_K(_:)``: ggml's `quantize_row_q8_K_ref`
    /// element by element (first largest `|x|` by `>`, `nearest_int`, group sums by addition).
    ///
    /// - Throws: ``KernelError/notBlockAligned(type:count:)`` when `x.count` is not a multiple of 256.
    public static func quantizeRowQ8_KRef(_ x: UnsafeBufferPointer<Float>) throws(KernelError) -> [UInt8] {
        guard x.count % 256 == 0 else { throw .notBlockAligned(type: .q8_K, count: x.count) }
        guard let p = x.baseAddress else { return [] }
        var out = [UInt8](repeating: 0, count: x.count / 256 * 292)
        withUnsafeTemporaryAllocation(of: Int16.self, capacity: 256) { q in
            out.withUnsafeMutableBytes { o in
                for b in 0..<(x.count / 256) {
                    let d = ActivationsQ8_K.quantizeBlock(p + 256 * b, into: q.baseAddress!)
                    o.storeBytes(of: d.bitPattern.littleEndian, toByteOffset: 292 * b, as: UInt32.self)
                    for j in 0..<256 { o[292 * b + 4 + j] = UInt8(truncatingIfNeeded: q[j]) }
                    for g in 0..<16 {
                        var sum: Int16 = 0
                        for i in 0..<16 { sum &+= q[16 * g + i] }
                        o.storeBytes(of: sum.littleEndian, toByteOffset: 292 * b + 260 + 2 * g, as: Int16.self)
                    }
                }
            }
        }
        return out
    }
}
