#if arch(x86_64)
import _Builtin_intrinsics.intel

/// The x86 stored layout of Q2_K matrices: rows interleaved in panels of eight, as
/// ``WidePanelK`` does for Q4_K, so that every 32-bit lane of a `vpmaddubsw`/`vpmaddwd` result
/// belongs to one row and a super-block ends in one float conversion and two FMAs for eight
/// rows.
///
/// A `[rows, cols]` matrix of `nb = cols / 256` super-blocks per row is stored as `rows / 8`
/// panels of `nb` groups, then the `rows % 8` tail rows in ggml's layout. A group holds
/// super-block `i` of the panel's eight rows (672 bytes, eight ggml blocks):
///
/// ```
/// [d0 … d7: fp16] [dmin0 … dmin7: fp16]
/// [scales w for w in 0..<4] = [row 0: scales[4w ..< 4w+4]] … [row 7: …]
/// [sub-block s for s in 0..<16] = [row 0: 4 bytes] … [row 7: 4 bytes]
///   bits 2j…2j+1 of byte b: the code of element 16s + 4j + b
/// ```
///
/// so one 32-byte load holds a whole sub-block of eight rows, and shift `j` of it multiplies
/// the four activations `16s + 4j …` broadcast to every row (ggml's own order, `qs[32n + l]`
/// bits `2j`, would spread a sub-block over four loads of four different sub-blocks).
///
/// Per row and super-block the kernels compute ggml's integers exactly: for sub-block `s`,
/// `t = Σ q · x` from four 16-bit `vpmaddubsw` sums (at most 4 · 2 · 3 · 128 = 3072), then
/// `isum = Σ sc_s · t_s` and `mins = Σ m_s · Σx_s` with `vpmaddwd` (the activations' 16-element
/// group sums, two at a time); then `acc = fma(Float(isum), d · dx, acc)` and
/// `acc = acc − Float(mins) · (dmin · dx)`, super-block after super-block, the same in GEMV
/// and GEMM.
enum WidePanelQ2_K: PanelKernels {
    static var rows: Int { 8 }
    static let groupBytes = 8 * 84

    static func repack(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        let nb = cols / 256, rowBytes = nb * 84, panels = rows / 8
        for p in 0..<panels {
            for b in 0..<nb {
                let g = dst + (p * nb + b) * groupBytes
                for r in 0..<8 {
                    let block = src + (8 * p + r) * rowBytes + b * 84
                    g.storeBytes(of: block.loadUnaligned(fromByteOffset: 80, as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
                    g.storeBytes(of: block.loadUnaligned(fromByteOffset: 82, as: UInt16.self), toByteOffset: 16 + 2 * r, as: UInt16.self)
                    for w in 0..<4 { (g + 32 + 32 * w + 4 * r).copyMemory(from: block + 4 * w, byteCount: 4) }
                    for sb in 0..<16 {
                        for byte in 0..<4 {
                            var v: UInt8 = 0
                            for j in 0..<4 { v |= UInt8(BlockQ2_K.code(block, 16 * sb + 4 * j + byte)) << (2 * j) }
                            g.storeBytes(of: v, toByteOffset: 160 + 32 * sb + 4 * r + byte, as: UInt8.self)
                        }
                    }
                }
            }
        }
        let done = panels * 8 * rowBytes
        (dst + done).copyMemory(from: src + done, byteCount: (rows - 8 * panels) * rowBytes)
    }

    static func unpack(_ base: UnsafeRawPointer, row r: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer) {
        let nb = cols / 256, rowBytes = nb * 84
        if r >= rows / 8 * 8 {
            dst.copyMemory(from: base + r * rowBytes, byteCount: rowBytes)
            return
        }
        let p = r / 8, i = r % 8
        for b in 0..<nb {
            let g = base + (p * nb + b) * groupBytes, block = dst + b * 84
            block.storeBytes(of: g.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self), toByteOffset: 80, as: UInt16.self)
            block.storeBytes(of: g.loadUnaligned(fromByteOffset: 16 + 2 * i, as: UInt16.self), toByteOffset: 82, as: UInt16.self)
            for w in 0..<4 { (block + 4 * w).copyMemory(from: g + 32 + 32 * w + 4 * i, byteCount: 4) }
            for l in 0..<64 { block.storeBytes(of: 0, toByteOffset: 16 + l, as: UInt8.self) }
            for sb in 0..<16 {
                for byte in 0..<4 {
                    let v = g.load(fromByteOffset: 160 + 32 * sb + 4 * i + byte, as: UInt8.self)
                    for j in 0..<4 {
                        // Element e = 128k + 32j′ + l lives in bits 2j′ of qs[32k + l].
                        let e = 16 * sb + 4 * j + byte, k = e / 128, jj = (e % 128) / 32, l = e % 32
                        let q = block + 16 + 32 * k + l
                        q.storeBytes(of: q.load(as: UInt8.self) | ((v >> (2 * j)) & 3) << (2 * jj), as: UInt8.self)
                    }
                }
            }
        }
    }

    /// Bytes `k` and `k2` of each row's four scale bytes in scale vector `w`, zero-extended
    /// into 16-bit lanes `2r` and `2r + 1`.
    @inline(__always)
    static func spread(_ g: UnsafeRawPointer, _ w: Int, _ k: Int, _ k2: Int) -> __m256i {
        let b = Int8(k), c = Int8(k2), z: Int8 = -128
        let m = _mm256_setr_epi8(b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12, z,
                                 b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12, z)
        return _mm256_shuffle_epi8(AVX2.load(g + 32 + 32 * w), m)
    }

    /// Sub-block `s`'s scale (low nibble) of row `r` in 16-bit lanes `2r` and `2r + 1`.
    @inline(__always)
    static func scale(_ g: UnsafeRawPointer, _ s: Int) -> __m256i {
        _mm256_and_si256(spread(g, s / 4, s % 4, s % 4), _mm256_set1_epi16(0x0f))
    }

    /// The minimums (high nibbles) of sub-blocks `2k` and `2k + 1` of row `r` in 16-bit lanes
    /// `2r` and `2r + 1`.
    @inline(__always)
    static func minPair(_ g: UnsafeRawPointer, _ k: Int) -> __m256i {
        _mm256_srli_epi16(spread(g, k / 2, 2 * (k % 2), 2 * (k % 2) + 1), 4)
    }

    /// Bit pair `j` of sub-block vector `raw`: the codes of elements `16s + 4j …` of eight rows.
    @inline(__always)
    static func codes(_ raw: __m256i, _ j: Int) -> __m256i {
        _mm256_and_si256(j == 0 ? raw : _mm256_srli_epi16(raw, Int32(2 * j)), _mm256_set1_epi8(3))
    }

    /// Sub-block `s` of eight rows.
    @inline(__always)
    static func subBlock(_ g: UnsafeRawPointer, _ s: Int) -> __m256i { AVX2.load(g + 160 + 32 * s) }

    /// One token's 16-bit sums `Σ q · x` of sub-block `s` (`x`: the super-block's codes).
    @inline(__always)
    static func subSum(_ g: UnsafeRawPointer, _ s: Int, _ x: UnsafePointer<Int8>) -> __m256i {
        let raw = subBlock(g, s)
        var sum = _mm256_maddubs_epi16(codes(raw, 0), AVX2.broadcast4(x + 16 * s))
        for j in 1..<4 { sum = _mm256_add_epi16(sum, _mm256_maddubs_epi16(codes(raw, j), AVX2.broadcast4(x + 16 * s + 4 * j))) }
        return sum
    }

    /// `mins` lanes of one token: `Σ m_s · Σx_s` per row (`gs`: its 16 group sums).
    @inline(__always)
    static func minimums(_ g: UnsafeRawPointer, _ gs: UnsafePointer<Int16>) -> __m256i {
        let pairs = UnsafeRawPointer(gs)
        // k spelled out, not looped: each shuffle mask is then a constant.
        @inline(__always) func term(_ k: Int) -> __m256i {
            _mm256_madd_epi16(minPair(g, k), _mm256_set1_epi32(pairs.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)))
        }
        let m0 = _mm256_add_epi32(_mm256_add_epi32(term(0), term(1)), _mm256_add_epi32(term(2), term(3)))
        let m1 = _mm256_add_epi32(_mm256_add_epi32(term(4), term(5)), _mm256_add_epi32(term(6), term(7)))
        return _mm256_add_epi32(m0, m1)
    }

    /// The super-block's two FMAs.
    @inline(__always)
    static func finish(_ acc: __m256, _ g: UnsafeRawPointer, isum: __m256i, mins: __m256i, dx: Float) -> __m256 {
        let d = _mm256_cvtph_ps(AVX2.load128(g)), dmin = _mm256_cvtph_ps(AVX2.load128(g + 16)), s = _mm256_set1_ps(dx)
        let a = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_mul_ps(d, s), acc)
        return _mm256_fnmadd_ps(_mm256_cvtepi32_ps(mins), _mm256_mul_ps(dmin, s), a)
    }

    /// One token through one group: `acc` plus the eight rows' super-block results.
    @inline(__always)
    static func accumulate(_ acc: __m256, _ g: UnsafeRawPointer, _ x: UnsafePointer<Int8>, _ gs: UnsafePointer<Int16>, dx: Float)
        -> __m256
    {
        var isum = _mm256_setzero_si256()
        // s spelled out, not looped: each scale shuffle is then a constant.
        @inline(__always) func sub(_ s: Int) { isum = _mm256_add_epi32(isum, _mm256_madd_epi16(subSum(g, s, x), scale(g, s))) }
        sub(0); sub(1); sub(2); sub(3); sub(4); sub(5); sub(6); sub(7)
        sub(8); sub(9); sub(10); sub(11); sub(12); sub(13); sub(14); sub(15)
        return finish(acc, g, isum: isum, mins: minimums(g, gs), dx: dx)
    }

    static func gemvRows(_ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Q8_KRow, y: UnsafeMutablePointer<Float>) {
        let nb = cols / 256, panels = rows / 8, pb = nb * groupBytes
        let first = range.lowerBound / 8, last = min(panels, range.upperBound / 8)
        PanelLayout.fourStreams(first: first, last: last, panelBytes: pb) { p0, p1, p2, p3 in
            let w0 = base + p0 * pb, w1 = base + p1 * pb, w2 = base + p2 * pb, w3 = base + p3 * pb
            var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
            for b in 0..<nb {
                let xb = x.codes8 + 256 * b, gs = x.groupSums16 + 16 * b, dx = x.scales[b], o = groupBytes * b
                a0 = accumulate(a0, w0 + o, xb, gs, dx: dx)
                a1 = accumulate(a1, w1 + o, xb, gs, dx: dx)
                a2 = accumulate(a2, w2 + o, xb, gs, dx: dx)
                a3 = accumulate(a3, w3 + o, xb, gs, dx: dx)
            }
            _mm256_storeu_ps(y + 8 * p0, a0); _mm256_storeu_ps(y + 8 * p1, a1)
            _mm256_storeu_ps(y + 8 * p2, a2); _mm256_storeu_ps(y + 8 * p3, a3)
        } single: { p in
            let w = base + p * pb
            var a = _mm256_setzero_ps()
            for b in 0..<nb { a = accumulate(a, w + groupBytes * b, x.codes8 + 256 * b, x.groupSums16 + 16 * b, dx: x.scales[b]) }
            _mm256_storeu_ps(y + 8 * p, a)
        }
        for r in max(range.lowerBound, 8 * last)..<range.upperBound {
            y[r] = BlockQ2_K.dot(base + r * nb * 84, x, count: cols)
        }
    }

    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int, y: UnsafeMutablePointer<Float>,
        pool: ThreadPool?
    ) {
        let act = ActivationBatchQ8_K(x, tokens: tokens, cols: cols, pool: pool)
        let nb = cols / 256, pb = nb * groupBytes
        PanelLayout.gemm(rows: rows, panelRows: 8, tokens: tokens, pool: pool) { p, t, n in
            tile(base + p * pb, nb, act, t, n, y + t * rows + 8 * p, rows)
        } tail: { r, t in
            y[t * rows + r] = BlockQ2_K.dot(base + r * nb * 84, act.row(t), count: cols)
        }
    }

    /// The `[8 rows × n ≤ 4 tokens]` tile of one panel: each chunk's codes unpacked and each
    /// scale decoded once for the four tokens.
    @inline(__always)
    static func tile(
        _ panel: UnsafeRawPointer, _ nb: Int, _ a: ActivationBatchQ8_K, _ t0: Int, _ n: Int, _ y: UnsafeMutablePointer<Float>,
        _ ldy: Int
    ) {
        guard n == 4 else {
            for j in 0..<n {
                let x = a.row(t0 + j)
                var acc = _mm256_setzero_ps()
                for b in 0..<nb {
                    acc = accumulate(acc, panel + groupBytes * b, x.codes8 + 256 * b, x.groupSums16 + 16 * b, dx: x.scales[b])
                }
                _mm256_storeu_ps(y + j * ldy, acc)
            }
            return
        }
        let r0 = a.row(t0), r1 = a.row(t0 + 1), r2 = a.row(t0 + 2), r3 = a.row(t0 + 3)
        var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
        for b in 0..<nb {
            let g = panel + groupBytes * b, o = 256 * b
            var i0 = _mm256_setzero_si256(), i1 = _mm256_setzero_si256(), i2 = _mm256_setzero_si256(), i3 = _mm256_setzero_si256()
            @inline(__always) func sub(_ s: Int) {
                var s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256(), s2 = _mm256_setzero_si256(), s3 = _mm256_setzero_si256()
                let raw = subBlock(g, s)
                for j in 0..<4 {
                    let q = codes(raw, j), e = o + 16 * s + 4 * j
                    s0 = _mm256_add_epi16(s0, _mm256_maddubs_epi16(q, AVX2.broadcast4(r0.codes8 + e)))
                    s1 = _mm256_add_epi16(s1, _mm256_maddubs_epi16(q, AVX2.broadcast4(r1.codes8 + e)))
                    s2 = _mm256_add_epi16(s2, _mm256_maddubs_epi16(q, AVX2.broadcast4(r2.codes8 + e)))
                    s3 = _mm256_add_epi16(s3, _mm256_maddubs_epi16(q, AVX2.broadcast4(r3.codes8 + e)))
                }
                let sc = scale(g, s)
                i0 = _mm256_add_epi32(i0, _mm256_madd_epi16(s0, sc)); i1 = _mm256_add_epi32(i1, _mm256_madd_epi16(s1, sc))
                i2 = _mm256_add_epi32(i2, _mm256_madd_epi16(s2, sc)); i3 = _mm256_add_epi32(i3, _mm256_madd_epi16(s3, sc))
            }
            sub(0); sub(1); sub(2); sub(3); sub(4); sub(5); sub(6); sub(7)
            sub(8); sub(9); sub(10); sub(11); sub(12); sub(13); sub(14); sub(15)
            a0 = finish(a0, g, isum: i0, mins: minimums(g, r0.groupSums16 + 16 * b), dx: r0.scales[b])
            a1 = finish(a1, g, isum: i1, mins: minimums(g, r1.groupSums16 + 16 * b), dx: r1.scales[b])
            a2 = finish(a2, g, isum: i2, mins: minimums(g, r2.groupSums16 + 16 * b), dx: r2.scales[b])
            a3 = finish(a3, g, isum: i3, mins: minimums(g, r3.groupSums16 + 16 * b), dx: r3.scales[b])
        }
        _mm256_storeu_ps(y, a0); _mm256_storeu_ps(y + ldy, a1); _mm256_storeu_ps(y + 2 * ldy, a2); _mm256_storeu_ps(y + 3 * ldy, a3)
    }
}

/// Q2_K matrices are stored in these panels.
extension BlockQ2_K: PanelStored {
    typealias Panels = WidePanelQ2_K
}
#endif
