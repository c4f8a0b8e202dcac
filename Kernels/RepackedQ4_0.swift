/// Q4_0 rows repacked at load time for the decode GEMV: groups of four blocks whose nibbles
/// are laid out so that one `vpmaddwd` multiplies weights of all four blocks at once.
///
/// A row of `n` Q4_0 blocks becomes `n / 4` groups of 72 bytes, then the `n % 4` tail blocks
/// unchanged (18 bytes each), so a repacked row has exactly the size of the original. A group
/// of blocks `b0…b3` is
///
/// ```
/// [nibbles: 64 bytes = two loads L = 0, 1 of sixteen u16 lanes][d0 d1 d2 d3: fp16]
/// lane k of load L, bits 4p…4p+3 (plane p = 0…3) = q[b = k / 4][e = 16L + 4p + k % 4]
/// ```
///
/// Extracting plane `p` of a load is one shift and one mask on 16-bit lanes, with no byte
/// widening; its lane `k` belongs to block `k / 4`, so the eight `vpmaddwd` of a group add
/// into one `[b0 b0 b1 b1 b2 b2 b3 b3]` vector with plain `vpaddd` (no horizontal adds).
/// The activations are permuted once per call to match (``permute(_:blocks:into:)``). The
/// `− 8` is folded into `− 8 · d_w · x.sums` as in ``DotProducts/dotQ4_0Q8_0(_:_:)``.
///
/// Measured on the 1.1B shapes (Zen 3, one thread): about 2 cycles per block against 4.5
/// for the ggml layout; see `kernel-bench`.
public enum RepackedQ4_0 {
    /// Bytes of a four-block group.
    public static let groupBytes = 72

    /// Writes the repacked form of one row of `blocks` ggml Q4_0 blocks at `src` to `dst`
    /// (both `blocks · 18` bytes).
    public static func repackRow(_ src: UnsafeRawPointer, _ dst: UnsafeMutableRawPointer, blocks: Int) {
        let groups = blocks / 4
        for g in 0..<groups {
            let s = src + 72 * g, d = dst + 72 * g
            for b in 0..<4 {
                // Lane j of block b (k = 4b + j): plane p is byte 4p + j's low nibble (L = 0)
                // or high nibble (L = 1).
                let p = s + 18 * b + 2
                @inline(__always) func bytes(_ i: Int) -> SIMD4<UInt16> {
                    let v = p.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<UInt8>.self)
                    return SIMD4(UInt16(v[0]), UInt16(v[1]), UInt16(v[2]), UInt16(v[3]))
                }
                let v0 = bytes(0), v1 = bytes(1), v2 = bytes(2), v3 = bytes(3)
                let lo = (v0 & 0xf) | (v1 & 0xf) &<< 4 | (v2 & 0xf) &<< 8 | (v3 & 0xf) &<< 12
                let hi = (v0 &>> 4) | (v1 &>> 4) &<< 4 | (v2 &>> 4) &<< 8 | (v3 &>> 4) &<< 12
                for j in 0..<4 {
                    d.storeBytes(of: lo[j].littleEndian, toByteOffset: 8 * b + 2 * j, as: UInt16.self)
                    d.storeBytes(of: hi[j].littleEndian, toByteOffset: 32 + 8 * b + 2 * j, as: UInt16.self)
                }
            }
            for b in 0..<4 { d.storeBytes(of: loadU16(s, 18 * b).littleEndian, toByteOffset: 64 + 2 * b, as: UInt16.self) }
        }
        let done = 72 * groups
        (dst + done).copyMemory(from: src + done, byteCount: 18 * (blocks - 4 * groups))
    }

    /// Element `e` (0–31) of the ggml Q4_0 block at `p`, unsigned (0–15).
    @inline(__always)
    static func nibble(_ p: UnsafeRawPointer, _ e: Int) -> UInt8 {
        let byte = p.load(fromByteOffset: 2 + e % 16, as: UInt8.self)
        return e < 16 ? byte & 0x0f : byte >> 4
    }

    /// Element `e` (0–31) of block `b` of a repacked row, unsigned (0–15): the layout's spec.
    static func element(_ row: UnsafeRawPointer, blocks: Int, block b: Int, _ e: Int) -> UInt8 {
        let g = b / 4
        guard g < blocks / 4 else { return nibble(row + 72 * g + 18 * (b - 4 * g), e) }
        let L = e / 16, p = (e % 16) / 4, k = 4 * (b % 4) + e % 4
        let lane = UInt16(littleEndian: row.loadUnaligned(fromByteOffset: 72 * g + 32 * L + 2 * k, as: UInt16.self))
        return UInt8((lane >> (4 * p)) & 0x0f)
    }

    /// Scale of block `b` of a repacked row.
    static func scale(_ row: UnsafeRawPointer, blocks: Int, block b: Int) -> Float {
        let g = b / 4
        guard g < blocks / 4 else { return loadF16(row, 72 * g + 18 * (b - 4 * g)) }
        return loadF16(row, 72 * g + 64 + 2 * (b % 4))
    }

    /// Reorders Q8_0 activation codes (`32 · blocks` int16) into the order the repacked
    /// kernel reads: per group, sixteen-lane vectors `m = 4L + p` holding elements
    /// `4m + 0…3` of each of the four blocks; tail blocks stay in natural order.
    public static func permute(_ codes: UnsafePointer<Int16>, blocks: Int, into out: UnsafeMutablePointer<Int16>) {
        let groups = blocks / 4
        let src = UnsafeRawPointer(codes), dst = UnsafeMutableRawPointer(out)
        for g in 0..<groups {
            for m in 0..<8 {
                for b in 0..<4 {
                    let v = src.loadUnaligned(fromByteOffset: 2 * (128 * g + 32 * b + 4 * m), as: UInt64.self)
                    dst.storeBytes(of: v, toByteOffset: 2 * (128 * g + 16 * m + 4 * b), as: UInt64.self)
                }
            }
        }
        let done = 128 * groups
        (out + done).update(from: codes + done, count: 32 * blocks - done)
    }

    /// Scalar reference: `Σ_b d_w[b] · d_x[b] · Σ_e (q[b][e] − 8) · x[32b + e]` over a
    /// repacked row, with `x` the activations in natural order.
    public static func dotRef(_ row: UnsafeRawBufferPointer, _ x: ActivationsQ8_0) -> Float {
        let blocks = x.count / 32
        precondition(row.count >= blocks * BlockQ4_0.bytes, "RepackedQ4_0.dotRef: row shorter than activations")
        var sum: Float = 0
        for b in 0..<blocks {
            var sumi: Int32 = 0
            for e in 0..<32 {
                sumi += (Int32(element(row.baseAddress!, blocks: blocks, block: b, e)) - 8) * Int32(x.codes[32 * b + e])
            }
            sum += Float(sumi) * (scale(row.baseAddress!, blocks: blocks, block: b) * x.scales[b])
        }
        return sum
    }

    /// SIMD dot of a repacked row with activations in natural order (permutes them first).
    public static func dot(_ row: UnsafeRawBufferPointer, _ x: ActivationsQ8_0) -> Float {
        let blocks = x.count / 32
        precondition(row.count >= blocks * BlockQ4_0.bytes, "RepackedQ4_0.dot: row shorter than activations")
        guard blocks > 0 else { return 0 }
        return DotProducts.withPointers(x) { q, s, m in
            withUnsafeTemporaryAllocation(of: Int16.self, capacity: 32 * blocks) { perm in
                permute(q, blocks: blocks, into: perm.baseAddress!)
                return dot(row.baseAddress!, UnsafePointer(perm.baseAddress!), s, m, blocks: blocks)
            }
        }
    }

    @inline(__always)
    static func plane(_ v: SIMD16<UInt16>, _ p: UInt16) -> SIMD16<Int16> {
        unsafeBitCast((v &>> (4 * p)) & 0x000f, to: SIMD16<Int16>.self)
    }

    /// The kernel: `q` holds permuted codes (``permute(_:blocks:into:)``), `s` and `m` the
    /// activation scales and sums per block.
    @inline(__always)
    static func dot(
        _ w: UnsafeRawPointer, _ q: UnsafePointer<Int16>, _ s: UnsafePointer<Float>, _ m: UnsafePointer<Float>, blocks: Int
    ) -> Float {
        let groups = blocks / 4
        var acc = SIMD8<Float>()
        var corr = SIMD4<Float>()
        for g in 0..<groups {
            let p = w + 72 * g, x = UnsafeRawPointer(q + 128 * g)
            let v0 = p.loadUnaligned(as: SIMD16<UInt16>.self), v1 = p.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt16>.self)
            @inline(__always) func xv(_ i: Int) -> SIMD16<Int16> { x.loadUnaligned(fromByteOffset: 32 * i, as: SIMD16<Int16>.self) }
            @inline(__always) func masked(_ v: SIMD16<UInt16>, _ mask: UInt16) -> SIMD16<Int16> {
                unsafeBitCast(v & mask, to: SIMD16<Int16>.self)
            }
            // Planes 1 and 2 stay in place (×16, ×256) and are scaled down once per group:
            // shifting them per plane lets LLVM rewrite the nibble extraction through byte packs.
            let ones = (maddPairs(masked(v0, 0x000f), xv(0)) &+ maddPairs(unsafeBitCast(v0 &>> 12, to: SIMD16<Int16>.self), xv(3)))
                &+ (maddPairs(masked(v1, 0x000f), xv(4)) &+ maddPairs(unsafeBitCast(v1 &>> 12, to: SIMD16<Int16>.self), xv(7)))
            let sixteens = maddPairs(masked(v0, 0x00f0), xv(1)) &+ maddPairs(masked(v1, 0x00f0), xv(5))
            let x256 = maddPairs(masked(v0, 0x0f00), xv(2)) &+ maddPairs(masked(v1, 0x0f00), xv(6))
            let a = ones, b = (sixteens &+ (x256 &>> 4)) &>> 4
            let d = loadF16x4(p + 64)
            acc.addProduct(toFloat(a &+ b), pairScales(d * load4(s + 4 * g)))
            corr.addProduct(d, load4(m + 4 * g))
        }
        var sum = hsum(acc) - 8 * hsum(corr)
        let tail = w + 72 * groups
        for b in (4 * groups)..<blocks {
            let p = tail + 18 * (b - 4 * groups)
            let d = loadF16(p, 0)
            sum += Float(hsum(DotProducts.nibbleDot(p + 2, UnsafeRawPointer(q + 32 * b)))) * (d * s[b]) - 8 * d * m[b]
        }
        return sum
    }

    /// Decodes one repacked row of `y.count` elements (a multiple of 32) to f32: exactly the
    /// values of the ggml row it came from.
    public static func dequantizeRow(_ row: UnsafeRawBufferPointer, into y: UnsafeMutableBufferPointer<Float>) {
        precondition(y.count % 32 == 0 && row.count >= y.count / 32 * BlockQ4_0.bytes, "RepackedQ4_0.dequantizeRow: shape mismatch")
        guard let src = row.baseAddress, let dst = y.baseAddress else { return }
        dequantizeRow(src, dst, cols: y.count)
    }

    /// Decodes one repacked row of `cols` elements to f32 (the GEMM's weight tiles).
    static func dequantizeRow(_ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, cols: Int) {
        let blocks = cols / 32, groups = blocks / 4
        for g in 0..<groups {
            let p = src + 72 * g, y = dst + 128 * g
            let d = loadF16x4(p + 64)
            let dLo = SIMD8(d[0], d[0], d[0], d[0], d[1], d[1], d[1], d[1])
            let dHi = SIMD8(d[2], d[2], d[2], d[2], d[3], d[3], d[3], d[3])
            for L in 0..<2 {
                let v = p.loadUnaligned(fromByteOffset: 32 * L, as: SIMD16<UInt16>.self)
                for pl in 0..<4 {
                    let (lo, hi) = floats(plane(v, UInt16(pl)) &- 8)
                    let a = lo * dLo, b = hi * dHi, e = 16 * L + 4 * pl
                    UnsafeMutableRawPointer(y + e).storeBytes(of: a.lowHalf, as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(y + 32 + e).storeBytes(of: a.highHalf, as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(y + 64 + e).storeBytes(of: b.lowHalf, as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(y + 96 + e).storeBytes(of: b.highHalf, as: SIMD4<Float>.self)
                }
            }
        }
        let done = 4 * groups
        BlockQ4_0.dequantizeGGMLRow(src + 72 * groups, into: dst + 32 * done, count: 32 * (blocks - done))
    }
}
