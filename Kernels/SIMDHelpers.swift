// Small always-inlined SIMD helpers for the kernels. Kernel-internal.
//
// The stdlib's generic SIMD conversions (`truncatingIfNeeded`, `pointwiseMax`, `.max()`)
// compile to calls in this module; these per-lane loops compile to single instructions
// (`vpmovsxbw`, `vpmovzxbw`, `vpmaddwd`, `vmaxps`, `vcvtdq2ps`) with `-target-cpu haswell`,
// and to their NEON equivalents on arm64 (REFERENCE §5).

@inline(__always)
func widenI8(_ v: SIMD16<Int8>) -> SIMD16<Int16> {
    var r = SIMD16<Int16>()
    for i in 0..<16 { r[i] = Int16(v[i]) }
    return r
}

@inline(__always)
func widenU8(_ v: SIMD16<UInt8>) -> SIMD16<Int16> {
    var r = SIMD16<Int16>()
    for i in 0..<16 { r[i] = Int16(v[i]) }
    return r
}

@inline(__always)
func widenI16(_ v: SIMD16<Int16>) -> SIMD16<Int32> {
    var r = SIMD16<Int32>()
    for i in 0..<16 { r[i] = Int32(v[i]) }
    return r
}

@inline(__always)
func widenU16(_ v: SIMD8<UInt16>) -> SIMD8<UInt32> {
    var r = SIMD8<UInt32>()
    for i in 0..<8 { r[i] = UInt32(v[i]) }
    return r
}

@inline(__always)
func narrowI32(_ v: SIMD8<Int32>) -> SIMD8<Int16> {
    var r = SIMD8<Int16>()
    for i in 0..<8 { r[i] = Int16(truncatingIfNeeded: v[i]) }
    return r
}

@inline(__always)
func narrowI16(_ v: SIMD16<Int16>) -> SIMD16<Int8> {
    var r = SIMD16<Int8>()
    for i in 0..<16 { r[i] = Int8(truncatingIfNeeded: v[i]) }
    return r
}

/// Multiplies 16-bit lanes and adds adjacent products (x86 `vpmaddwd`).
@inline(__always)
func maddPairs(_ a: SIMD16<Int16>, _ b: SIMD16<Int16>) -> SIMD8<Int32> {
    let p = widenI16(a) &* widenI16(b)
    return p.evenHalf &+ p.oddHalf
}

/// Sums adjacent lanes of `a` then of `b`: `[a0+a1, a2+a3, a4+a5, a6+a7, b0+b1, …]`.
@inline(__always)
func pairSums(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>) -> SIMD8<Int32> {
    let c = SIMD16<Int32>(lowHalf: a, highHalf: b)
    return c.evenHalf &+ c.oddHalf
}

@inline(__always)
func toFloat(_ v: SIMD8<Int32>) -> SIMD8<Float> {
    var r = SIMD8<Float>()
    for i in 0..<8 { r[i] = Float(v[i]) }
    return r
}

@inline(__always)
func vmax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    var r = SIMD8<Float>()
    for i in 0..<8 { r[i] = a[i] > b[i] ? a[i] : b[i] }
    return r
}

@inline(__always)
func vabs(_ v: SIMD8<Float>) -> SIMD8<Float> {
    unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7fff_ffff, to: SIMD8<Float>.self)
}

@inline(__always)
func vmin(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    var r = SIMD8<Float>()
    for i in 0..<8 { r[i] = a[i] < b[i] ? a[i] : b[i] }
    return r
}

@inline(__always)
func hmin(_ v: SIMD8<Float>) -> Float {
    var m = v[0]
    for i in 1..<8 where v[i] < m { m = v[i] }
    return m
}

@inline(__always)
func hmax(_ v: SIMD8<Float>) -> Float {
    var m = v[0]
    for i in 1..<8 where v[i] > m { m = v[i] }
    return m
}

@inline(__always)
func hsum(_ v: SIMD8<Float>) -> Float {
    let h = v.lowHalf + v.highHalf
    return (h[0] + h[2]) + (h[1] + h[3])
}

@inline(__always)
func hsum(_ v: SIMD8<Int32>) -> Int32 {
    let h = v.lowHalf &+ v.highHalf
    return (h[0] &+ h[2]) &+ (h[1] &+ h[3])
}

/// `roundf` on each lane (round half away from zero), as an integer. Exact for |v| < 2²².
@inline(__always)
func roundHalfAway(_ v: SIMD8<Float>) -> SIMD8<Int32> {
    let sign = unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x8000_0000
    let half = unsafeBitCast(SIMD8<UInt32>(repeating: Float(0.49999997).bitPattern) | sign, to: SIMD8<Float>.self)
    let t = (v + half).rounded(.towardZero) + 12_582_912  // 1.5·2²³ puts the integer in the low mantissa bits
    return unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
}

@inline(__always)
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Eight IEEE halves at `p` widened to f32 (one `vcvtph2ps`).
///
/// Per-lane on purpose: the stdlib's `SIMD8<Float>(SIMD8<Float16>)` is an outlined call
/// (`vcvtph2ps` + `vzeroupper` + `ret`), which capped the f16 GEMV at a third of DRAM
/// bandwidth; this loop folds into one `vcvtph2ps (mem), %ymm` inside the kernel.
@inline(__always)
func loadF16x8(_ p: UnsafeRawPointer) -> SIMD8<Float> {
    let h = p.loadUnaligned(as: SIMD8<Float16>.self)
    var r = SIMD8<Float>()
    for i in 0..<8 { r[i] = Float(h[i]) }
    return r
}

/// Four IEEE halves at `p` widened to f32 (one `vcvtph2ps`).
@inline(__always)
func loadF16x4(_ p: UnsafeRawPointer) -> SIMD4<Float> {
    let h = p.loadUnaligned(as: SIMD4<Float16>.self)
    var r = SIMD4<Float>()
    for i in 0..<4 { r[i] = Float(h[i]) }
    return r
}

/// Eight bfloat16 values at `p` widened to f32 exactly.
@inline(__always)
func loadBF16x8(_ p: UnsafeRawPointer) -> SIMD8<Float> {
    unsafeBitCast(widenU16(p.loadUnaligned(as: SIMD8<UInt16>.self)) &<< 16, to: SIMD8<Float>.self)
}

@inline(__always)
func hsum(_ v: SIMD4<Float>) -> Float {
    (v[0] + v[2]) + (v[1] + v[3])
}

@inline(__always)
func load4(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
}

/// Scale vector `[s0 s0 s1 s1 s2 s2 s3 s3]`, matching the lanes of two rounds of ``pairSums(_:_:)``.
@inline(__always)
func pairScales(_ s: SIMD4<Float>) -> SIMD8<Float> {
    SIMD8(s[0], s[0], s[1], s[1], s[2], s[2], s[3], s[3])
}

/// Four fp16 values at `p + offset + i · stride`, widened with one conversion.
@inline(__always)
func scales4(_ p: UnsafeRawPointer, _ stride: Int, _ offset: Int) -> SIMD4<Float> {
    let h = SIMD4<UInt16>(loadU16(p, offset), loadU16(p, stride + offset), loadU16(p, 2 * stride + offset), loadU16(p, 3 * stride + offset))
    return SIMD4<Float>(unsafeBitCast(h, to: SIMD4<Float16>.self))
}

@inline(__always)
func widenI8x8(_ v: SIMD8<Int8>) -> SIMD8<Int32> {
    var r = SIMD8<Int32>()
    for i in 0..<8 { r[i] = Int32(v[i]) }
    return r
}

/// Sixteen 16-bit integers as two vectors of f32.
@inline(__always)
func floats(_ v: SIMD16<Int16>) -> (SIMD8<Float>, SIMD8<Float>) {
    let w = widenI16(v)
    return (toFloat(w.lowHalf), toFloat(w.highHalf))
}

/// `Σ pairs (q · s) · x` for sixteen codes `q` with one sub-block scale `s` and sixteen
/// activation codes at `x`: one `vpmullw` and one `vpmaddwd`. The k-quant dot products'
/// inner step; `q · s` must fit in 16 bits.
@inline(__always)
func scaledMadd(_ q: SIMD16<Int16>, _ s: Int16, _ x: UnsafePointer<Int16>) -> SIMD8<Int32> {
    maddPairs(q &* SIMD16(repeating: s), UnsafeRawPointer(x).loadUnaligned(as: SIMD16<Int16>.self))
}

/// Sixteen bytes at `p` widened to 16-bit lanes.
@inline(__always)
func load16U8(_ p: UnsafeRawPointer) -> SIMD16<Int16> {
    widenU8(p.loadUnaligned(as: SIMD16<UInt8>.self))
}

/// Stores `f · q − m` for sixteen codes at `y` (the k-quant dequantizers' step, in ggml's
/// evaluation order: one multiply, then one subtraction).
@inline(__always)
func storeScaled(_ q: SIMD16<Int16>, _ f: Float, minus m: Float, _ y: UnsafeMutablePointer<Float>) {
    let (a, b) = floats(q)
    let fv = SIMD8<Float>(repeating: f), mv = SIMD8<Float>(repeating: m)
    store8(fv * a - mv, y)
    store8(fv * b - mv, y + 8)
}

/// `SIMD8(r0.sum(), r1.sum(), …, r7.sum())` bit for bit: each lane of the result is its
/// row's lanes added in lane order, `((r[0] + r[1]) + r[2]) + … + r[7]`, exactly as the
/// stdlib's `sum()` adds them. On x86 the eight rows are transposed (24 shuffles) and the
/// columns added as vectors in that order, instead of eight serial scalar chains of seven
/// adds and extracts each.
@inline(__always)
func laneSums(
    _ r0: SIMD8<Float>, _ r1: SIMD8<Float>, _ r2: SIMD8<Float>, _ r3: SIMD8<Float>,
    _ r4: SIMD8<Float>, _ r5: SIMD8<Float>, _ r6: SIMD8<Float>, _ r7: SIMD8<Float>
) -> SIMD8<Float> {
    #if arch(x86_64)
    AVX2.laneSums(r0, r1, r2, r3, r4, r5, r6, r7)
    #else
    SIMD8(r0.sum(), r1.sum(), r2.sum(), r3.sum(), r4.sum(), r5.sum(), r6.sum(), r7.sum())
    #endif
}
