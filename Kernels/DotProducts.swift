/// Dot products of one weight row with one activation row, named like ggml's
/// `ggml_vec_dot_*`: a SIMD kernel and, beside it, the scalar `…Ref` that is its spec.
///
/// Weight rows are raw bytes in the weight type's layout. Quantized weights dot with
/// ``ActivationsQ8_0``; float weights dot with f32 activations.
public enum DotProducts {
    // MARK: Q8_0 · Q8_0

    /// `Σ_b d_w[b] · d_x[b] · Σ_j q_w[j] · q_x[j]` over the blocks of a Q8_0 row.
    ///
    /// - Parameters:
    ///   - w: one Q8_0 row of `x.count / 32` blocks.
    ///   - x: the quantized activations.
    public static func dotQ8_0Q8_0(_ w: UnsafeRawBufferPointer, _ x: ActivationsQ8_0) -> Float {
        let blocks = checked(w, x, bytesPerBlock: BlockQ8_0.bytes)
        return withPointers(x) { q, s, _ in dotQ8_0Q8_0(w.baseAddress!, q, s, blocks: blocks) }
    }

    /// Scalar reference for ``dotQ8_0Q8_0(_:_:)``.
    public static func dotQ8_0Q8_0Ref(_ w: UnsafeRawBufferPointer, _ x: ActivationsQ8_0) -> Float {
        let blocks = checked(w, x, bytesPerBlock: BlockQ8_0.bytes)
        var sum: Float = 0
        for b in 0..<blocks {
            var sumi: Int32 = 0
            for j in 0..<32 {
                sumi += Int32(w.load(fromByteOffset: 34 * b + 2 + j, as: Int8.self)) * Int32(x.codes[32 * b + j])
            }
            sum += Float(sumi) * (loadF16(w.baseAddress!, 34 * b) * x.scales[b])
        }
        return sum
    }

    /// Four blocks per step: the blocks' lane sums are folded by adjacent-lane adds into one
    /// `[b0 b0 b1 b1 b2 b2 b3 b3]` vector, so four blocks cost one conversion and one FMA.
    @inline(__always)
    static func dotQ8_0Q8_0(_ w: UnsafeRawPointer, _ q: UnsafePointer<Int16>, _ s: UnsafePointer<Float>, blocks: Int) -> Float {
        @inline(__always) func block(_ b: Int) -> SIMD8<Int32> {
            let p = w + 34 * b, xq = UnsafeRawPointer(q + 32 * b)
            return maddPairs(widenI8(p.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)), xq.loadUnaligned(as: SIMD16<Int16>.self))
                &+ maddPairs(widenI8(p.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)), xq.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self))
        }
        var acc = SIMD8<Float>()
        var b = 0
        while b + 4 <= blocks {
            let h = pairSums(pairSums(block(b), block(b + 1)), pairSums(block(b + 2), block(b + 3)))
            acc.addProduct(toFloat(h), pairScales(scales4(w + 34 * b, 34, 0) * load4(s + b)))
            b += 4
        }
        var sum = hsum(acc)
        while b < blocks {
            sum += Float(hsum(block(b))) * (loadF16(w, 34 * b) * s[b])
            b += 1
        }
        return sum
    }

    // MARK: Q4_0 · Q8_0

    /// `Σ_b d_w[b] · d_x[b] · Σ_j (q_w[j] − 8) · q_x[j]` over the blocks of a Q4_0 row.
    ///
    /// The kernel multiplies the unsigned nibbles and folds the `− 8` into
    /// `− 8 · d_w[b] · x.sums[b]`.
    public static func dotQ4_0Q8_0(_ w: UnsafeRawBufferPointer, _ x: ActivationsQ8_0) -> Float {
        let blocks = checked(w, x, bytesPerBlock: BlockQ4_0.bytes)
        return withPointers(x) { q, s, m in dotQ4_0Q8_0(w.baseAddress!, q, s, m, blocks: blocks) }
    }

    /// Scalar reference for ``dotQ4_0Q8_0(_:_:)``, as ggml's `ggml_vec_dot_q4_0_q8_0` generic path.
    public static func dotQ4_0Q8_0Ref(_ w: UnsafeRawBufferPointer, _ x: ActivationsQ8_0) -> Float {
        let blocks = checked(w, x, bytesPerBlock: BlockQ4_0.bytes)
        var sum: Float = 0
        for b in 0..<blocks {
            var sumi: Int32 = 0
            for j in 0..<16 {
                let byte = w.load(fromByteOffset: 18 * b + 2 + j, as: UInt8.self)
                sumi += (Int32(byte & 0x0f) - 8) * Int32(x.codes[32 * b + j])
                sumi += (Int32(byte >> 4) - 8) * Int32(x.codes[32 * b + j + 16])
            }
            sum += Float(sumi) * (loadF16(w.baseAddress!, 18 * b) * x.scales[b])
        }
        return sum
    }

    @inline(__always)
    static func nibbleDot(_ p: UnsafeRawPointer, _ xq: UnsafeRawPointer) -> SIMD8<Int32> {
        let v = widenU8(p.loadUnaligned(as: SIMD16<UInt8>.self))
        return maddPairs(v & 0x0f, xq.loadUnaligned(as: SIMD16<Int16>.self))
            &+ maddPairs(v &>> 4, xq.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self))
    }

    @inline(__always)
    static func dotQ4_0Q8_0(
        _ w: UnsafeRawPointer, _ q: UnsafePointer<Int16>, _ s: UnsafePointer<Float>, _ m: UnsafePointer<Float>, blocks: Int
    ) -> Float {
        @inline(__always) func block(_ b: Int) -> SIMD8<Int32> { nibbleDot(w + 18 * b + 2, UnsafeRawPointer(q + 32 * b)) }
        var acc = SIMD8<Float>()
        var corr = SIMD4<Float>()
        var b = 0
        while b + 4 <= blocks {
            let h = pairSums(pairSums(block(b), block(b + 1)), pairSums(block(b + 2), block(b + 3)))
            let d = scales4(w + 18 * b, 18, 0)
            acc.addProduct(toFloat(h), pairScales(d * load4(s + b)))
            corr.addProduct(d, load4(m + b))
            b += 4
        }
        var sum = hsum(acc) - 8 * hsum(corr)
        while b < blocks {
            let d = loadF16(w, 18 * b)
            sum += Float(hsum(block(b))) * (d * s[b]) - 8 * d * m[b]
            b += 1
        }
        return sum
    }

    // MARK: Q4_1 · Q8_0

    /// `Σ_b (d_w[b] · d_x[b] · Σ_j q_w[j] · q_x[j] + m_w[b] · x.sums[b])` over a Q4_1 row.
    public static func dotQ4_1Q8_0(_ w: UnsafeRawBufferPointer, _ x: ActivationsQ8_0) -> Float {
        let blocks = checked(w, x, bytesPerBlock: BlockQ4_1.bytes)
        return withPointers(x) { q, s, m in dotQ4_1Q8_0(w.baseAddress!, q, s, m, blocks: blocks) }
    }

    /// Scalar reference for ``dotQ4_1Q8_0(_:_:)``.
    public static func dotQ4_1Q8_0Ref(_ w: UnsafeRawBufferPointer, _ x: ActivationsQ8_0) -> Float {
        let blocks = checked(w, x, bytesPerBlock: BlockQ4_1.bytes)
        var sum: Float = 0
        for b in 0..<blocks {
            var sumi: Int32 = 0
            for j in 0..<16 {
                let byte = w.load(fromByteOffset: 20 * b + 4 + j, as: UInt8.self)
                sumi += Int32(byte & 0x0f) * Int32(x.codes[32 * b + j])
                sumi += Int32(byte >> 4) * Int32(x.codes[32 * b + j + 16])
            }
            sum += Float(sumi) * (loadF16(w.baseAddress!, 20 * b) * x.scales[b]) + loadF16(w.baseAddress!, 20 * b + 2) * x.sums[b]
        }
        return sum
    }

    @inline(__always)
    static func dotQ4_1Q8_0(
        _ w: UnsafeRawPointer, _ q: UnsafePointer<Int16>, _ s: UnsafePointer<Float>, _ m: UnsafePointer<Float>, blocks: Int
    ) -> Float {
        @inline(__always) func block(_ b: Int) -> SIMD8<Int32> { nibbleDot(w + 20 * b + 4, UnsafeRawPointer(q + 32 * b)) }
        var acc = SIMD8<Float>()
        var corr = SIMD4<Float>()
        var b = 0
        while b + 4 <= blocks {
            let h = pairSums(pairSums(block(b), block(b + 1)), pairSums(block(b + 2), block(b + 3)))
            acc.addProduct(toFloat(h), pairScales(scales4(w + 20 * b, 20, 0) * load4(s + b)))
            corr.addProduct(scales4(w + 20 * b, 20, 2), load4(m + b))
            b += 4
        }
        var sum = hsum(acc) + hsum(corr)
        while b < blocks {
            sum += Float(hsum(block(b))) * (loadF16(w, 20 * b) * s[b]) + loadF16(w, 20 * b + 2) * m[b]
            b += 1
        }
        return sum
    }

    // MARK: Float weights

    /// `Σ_c w[c] · x[c]` for f32 weights.
    public static func dotF32(_ w: UnsafeBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>) -> Float {
        precondition(w.count >= x.count, "dotF32: weight row shorter than activations")
        guard let wp = w.baseAddress, let xp = x.baseAddress else { return 0 }
        return dotFloat(F32Row.self, UnsafeRawPointer(wp), xp, count: x.count)
    }

    /// Scalar reference for ``dotF32(_:_:)``.
    public static func dotF32Ref(_ w: UnsafeBufferPointer<Float>, _ x: UnsafeBufferPointer<Float>) -> Float {
        var sum: Float = 0
        for c in x.indices { sum = sum.addingProduct(w[c], x[c]) }
        return sum
    }

    /// `Σ_c w[c] · x[c]` for IEEE half weights (`w` holds `x.count` halves).
    public static func dotF16F32(_ w: UnsafeRawBufferPointer, _ x: UnsafeBufferPointer<Float>) -> Float {
        precondition(w.count >= 2 * x.count, "dotF16F32: weight row shorter than activations")
        guard let wp = w.baseAddress, let xp = x.baseAddress else { return 0 }
        return dotFloat(F16Row.self, wp, xp, count: x.count)
    }

    /// Scalar reference for ``dotF16F32(_:_:)``.
    public static func dotF16F32Ref(_ w: UnsafeRawBufferPointer, _ x: UnsafeBufferPointer<Float>) -> Float {
        var sum: Float = 0
        for c in x.indices { sum = sum.addingProduct(loadF16(w.baseAddress!, 2 * c), x[c]) }
        return sum
    }

    /// `Σ_c w[c] · x[c]` for bfloat16 weights (`w` holds `x.count` bf16 values).
    public static func dotBF16F32(_ w: UnsafeRawBufferPointer, _ x: UnsafeBufferPointer<Float>) -> Float {
        precondition(w.count >= 2 * x.count, "dotBF16F32: weight row shorter than activations")
        guard let wp = w.baseAddress, let xp = x.baseAddress else { return 0 }
        return dotFloat(BF16Row.self, wp, xp, count: x.count)
    }

    /// Scalar reference for ``dotBF16F32(_:_:)``.
    public static func dotBF16F32Ref(_ w: UnsafeRawBufferPointer, _ x: UnsafeBufferPointer<Float>) -> Float {
        var sum: Float = 0
        for c in x.indices {
            sum = sum.addingProduct(HalfConversion.float(bf16Bits: loadU16(w.baseAddress!, 2 * c)), x[c])
        }
        return sum
    }

    /// Four accumulator chains: with two, the FMA latency capped the f16 GEMV at about
    /// 4 elements per cycle, below what the cache hierarchy delivers.
    @inline(__always)
    static func dotFloat<R: FloatRow>(_: R.Type, _ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, count n: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var c = 0
        while c + 32 <= n {
            a0.addProduct(R.load8(w, c), load8(x + c))
            a1.addProduct(R.load8(w, c + 8), load8(x + c + 8))
            a2.addProduct(R.load8(w, c + 16), load8(x + c + 16))
            a3.addProduct(R.load8(w, c + 24), load8(x + c + 24))
            c += 32
        }
        while c + 8 <= n {
            a0.addProduct(R.load8(w, c), load8(x + c))
            c += 8
        }
        var sum = hsum((a0 + a1) + (a2 + a3))
        while c < n {
            sum = sum.addingProduct(R.load1(w, c), x[c])
            c += 1
        }
        return sum
    }

    // MARK: Boundary checks

    private static func checked(_ w: UnsafeRawBufferPointer, _ x: ActivationsQ8_0, bytesPerBlock: Int) -> Int {
        let blocks = x.count / 32
        precondition(w.count >= blocks * bytesPerBlock, "dot: weight row shorter than activations")
        return blocks
    }

    @inline(__always)
    static func withPointers<R>(
        _ x: ActivationsQ8_0, _ body: (UnsafePointer<Int16>, UnsafePointer<Float>, UnsafePointer<Float>) -> R
    ) -> R {
        x.codes.withUnsafeBufferPointer { q in
            x.scales.withUnsafeBufferPointer { s in
                x.sums.withUnsafeBufferPointer { m in body(q.baseAddress!, s.baseAddress!, m.baseAddress!) }
            }
        }
    }
}

/// Element access for the float weight layouts, so one generic kernel serves all three.
protocol FloatRow {
    /// The ggml type of the layout.
    static var type: GGMLType { get }
    /// Eight elements starting at element `i`, widened to f32.
    static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float>
    /// Element `i` widened to f32.
    static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float
    /// Stores `v`, rounded to the layout's precision, as element `i`.
    static func store1(_ v: Float, _ p: UnsafeMutableRawPointer, _ i: Int)
}

enum F32Row: FloatRow {
    static var type: GGMLType { .f32 }
    @inline(__always) static func store1(_ v: Float, _ p: UnsafeMutableRawPointer, _ i: Int) {
        p.storeBytes(of: v, toByteOffset: 4 * i, as: Float.self)
    }
    @inline(__always) static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float> {
        p.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
    }
    @inline(__always) static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float {
        p.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
    }
}

enum F16Row: FloatRow {
    static var type: GGMLType { .f16 }
    @inline(__always) static func store1(_ v: Float, _ p: UnsafeMutableRawPointer, _ i: Int) {
        storeU16(p, 2 * i, HalfConversion.f16Bits(v))
    }
    @inline(__always) static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float> { loadF16x8(p + 2 * i) }
    @inline(__always) static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float { loadF16(p, 2 * i) }
}

enum BF16Row: FloatRow {
    static var type: GGMLType { .bf16 }
    @inline(__always) static func store1(_ v: Float, _ p: UnsafeMutableRawPointer, _ i: Int) {
        storeU16(p, 2 * i, HalfConversion.bf16Bits(v))
    }
    @inline(__always) static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float> { loadBF16x8(p + 2 * i) }
    @inline(__always) static func load1(_ p: UnsafeRawPointer, _ i: Int) -> Float {
        HalfConversion.float(bf16Bits: loadU16(p, 2 * i))
    }
}
