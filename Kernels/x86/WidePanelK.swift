#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelsVNNI

/// What the eight-row panel kernels need to know of a k-quant with 6-bit scales and
/// minimums per 32-element sub-block (Q4_K, Q5_K): `[d][dmin][scales: 12 bytes]`, then the
/// fifth bits (if any) and the nibbles.
protocol WidePanelKBlock: PanelStored where Activations == ActivationsQ8_K {
    /// Bytes of one ggml super-block.
    static var blockBytes: Int { get }
    /// Byte offset of the 32 bytes of fifth bits (`qh`), when codes have five bits.
    static var highBitsOffset: Int? { get }
    /// Byte offset of the 128 bytes of nibbles.
    static var nibblesOffset: Int { get }
}

/// The x86 stored layout of Q4_K and Q5_K matrices: rows interleaved in panels of eight, as
/// ``WidePanel32`` does for Q4_0, so that every 32-bit lane of a `vpmaddubsw`/`vpmaddwd`
/// result belongs to one row and a super-block ends in one float conversion and two FMAs
/// for eight rows.
///
/// A `[rows, cols]` matrix of `nb = cols / 256` super-blocks per row is stored as
/// `rows / 8` panels of `nb` groups, then the `rows % 8` tail rows in ggml's layout. A group
/// holds super-block `i` of the panel's eight rows (eight ggml blocks: 1152 bytes for Q4_K,
/// 1408 for Q5_K):
///
/// ```
/// [d0 … d7: fp16] [dmin0 … dmin7: fp16] [scales: bytes 0–3 of rows 0…7] [4–7 …] [8–11 …]
/// Q5_K: [rest vector c for c in 0..<8] (row r: 4 bytes; see below)
/// [chunk (q, c) for q in 0..<4, c in 0..<8] = [row 0: qs[32q+4c ..< 32q+4c+4]] … [row 7: …]
///   low nibbles: elements 64q + 4c … + 3 (sub-block 2q), high: 64q + 32 + 4c … (2q + 1)
/// ```
///
/// Q5_K's chunks hold whole codes instead of nibbles: byte `b` holds the 5-bit code of
/// element `64q + 4c + b` in bits 0–4 and the low three bits of `64q + 32 + 4c + b` in bits
/// 5–7, whose top two bits are bits `2q`, `2q + 1` of byte `b` of rest vector `c`. A chunk's
/// two code vectors are then 6 operations, where nibbles beside ggml's fifth-bit plane took 10.
///
/// Per row and super-block the kernels compute ggml's integers exactly: for sub-block `s`,
/// `t = Σ q · x` from 16-bit `vpmaddubsw` sums (eight chunks for 4-bit codes, at most
/// 8 · 2 · 15 · 128 = 30720; four for 5-bit ones, 4 · 2 · 31 · 128 = 31744), then
/// `isum = Σ sc_s · t_s` and `mins = Σ m_s · Σx_s` with `vpmaddwd`; then
/// `acc = fma(Float(isum), d · dx, acc)` and `acc = acc − Float(mins) · (dmin · dx)`,
/// super-block after super-block, the same in GEMV and GEMM. On AVX-512 VNNI, Q4_K's GEMM
/// runs on `KernelsVNNI`'s ``VNNIKTiles`` instead (``PanelLayout/vnniKGemm(_:rows:cols:tokens:y:pool:blockBytes:activations:pairsPerBlock:pairs:tile:tail:)``):
/// 32-bit sub-block sums from `vpdpbusd` times their scale with `vpmulld`, the same integers.
/// (A first such tile, without interleaved activations or per-count specializations,
/// measured no faster; README, "AVX-512 VNNI".)
enum WidePanelK<F: WidePanelKBlock>: PanelKernels {
    static var rows: Int { 8 }
    @inline(__always) static var groupBytes: Int { 8 * F.blockBytes }
    /// Group offset of the rest vectors (5-bit types).
    @inline(__always) static var highBitsAt: Int { 128 }
    /// Group offset of chunk (0, 0).
    @inline(__always) static var chunksAt: Int { F.highBitsOffset == nil ? 128 : 384 }
    /// Chunks per 16-bit sum (the most that cannot overflow).
    @inline(__always) static var sumChunks: Int { F.highBitsOffset == nil ? 8 : 4 }

    static func repack(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        PanelLayout.repackPanels(src, into: dst, rows: rows, cols: cols, panelRows: 8, blockElements: 256, blockBytes: F.blockBytes) {
            g, r, block in
            g.storeBytes(of: block.loadUnaligned(as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
            g.storeBytes(of: block.loadUnaligned(fromByteOffset: 2, as: UInt16.self), toByteOffset: 16 + 2 * r, as: UInt16.self)
            for w in 0..<3 { (g + 32 + 32 * w + 4 * r).copyMemory(from: block + 4 + 4 * w, byteCount: 4) }
            guard let h = F.highBitsOffset else {
                for q in 0..<4 {
                    for c in 0..<8 {
                        (g + chunksAt + 32 * (8 * q + c) + 4 * r).copyMemory(from: block + F.nibblesOffset + 32 * q + 4 * c, byteCount: 4)
                    }
                }
                return
            }
            for c in 0..<8 {
                for b in 0..<4 {
                    let qh = block.load(fromByteOffset: h + 4 * c + b, as: UInt8.self)
                    var rest: UInt8 = 0
                    for q in 0..<4 {
                        let qs = block.load(fromByteOffset: F.nibblesOffset + 32 * q + 4 * c + b, as: UInt8.self)
                        let lo = qs & 15 | (qh >> (2 * q) & 1) << 4, hi = qs >> 4 | (qh >> (2 * q + 1) & 1) << 4
                        g.storeBytes(of: lo | (hi & 7) << 5, toByteOffset: chunksAt + 32 * (8 * q + c) + 4 * r + b, as: UInt8.self)
                        rest |= (hi >> 3) << (2 * q)
                    }
                    g.storeBytes(of: rest, toByteOffset: highBitsAt + 32 * c + 4 * r + b, as: UInt8.self)
                }
            }
        }
    }

    static func unpack(_ base: UnsafeRawPointer, row r: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer) {
        PanelLayout.unpackPanelRow(base, row: r, rows: rows, cols: cols, panelRows: 8, blockElements: 256, blockBytes: F.blockBytes,
                                   into: dst) { g, i, block in
            block.storeBytes(of: g.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self), as: UInt16.self)
            block.storeBytes(of: g.loadUnaligned(fromByteOffset: 16 + 2 * i, as: UInt16.self), toByteOffset: 2, as: UInt16.self)
            for w in 0..<3 { (block + 4 + 4 * w).copyMemory(from: g + 32 + 32 * w + 4 * i, byteCount: 4) }
            guard let h = F.highBitsOffset else {
                for q in 0..<4 {
                    for c in 0..<8 {
                        (block + F.nibblesOffset + 32 * q + 4 * c).copyMemory(from: g + chunksAt + 32 * (8 * q + c) + 4 * i, byteCount: 4)
                    }
                }
                return
            }
            for c in 0..<8 {
                for b in 0..<4 {
                    let rest = g.load(fromByteOffset: highBitsAt + 32 * c + 4 * i + b, as: UInt8.self)
                    var qh: UInt8 = 0
                    for q in 0..<4 {
                        let v = g.load(fromByteOffset: chunksAt + 32 * (8 * q + c) + 4 * i + b, as: UInt8.self)
                        let lo = v & 31, hi = v >> 5 | (rest >> (2 * q) & 3) << 3
                        block.storeBytes(of: lo & 15 | (hi & 15) << 4, toByteOffset: F.nibblesOffset + 32 * q + 4 * c + b, as: UInt8.self)
                        qh |= (lo >> 4) << (2 * q) | (hi >> 4) << (2 * q + 1)
                    }
                    block.storeBytes(of: qh, toByteOffset: h + 4 * c + b, as: UInt8.self)
                }
            }
        }
    }

    /// One token's sub-block sums of one super-block, in pairs: `Int32` `j` packs the 16-bit
    /// sums of sub-blocks `2j` (low half) and `2j + 1` (high half), the `vpmaddwd` operand of
    /// the minimum term.
    static func minPairs(_ x: Q8_KRow, blocks: Int, into out: UnsafeMutablePointer<Int32>) {
        for i in 0..<blocks {
            let gs = x.groupSums16 + 16 * i
            for j in 0..<4 {
                let a = UInt32(UInt16(bitPattern: gs[4 * j] &+ gs[4 * j + 1]))
                let b = UInt32(UInt16(bitPattern: gs[4 * j + 2] &+ gs[4 * j + 3]))
                out[4 * i + j] = Int32(bitPattern: a | b << 16)
            }
        }
    }

    /// A group's 6-bit scales and minimums, decoded for eight rows at once: 32-bit lane `r`
    /// of `s0`/`s1` holds row `r`'s scales of sub-blocks 0–3 / 4–7 (a byte each), of
    /// `m0`/`m1` its minimums (the order `get_scale_min_k4` reads).
    struct Scales {
        let s0, s1, m0, m1: __m256i

        @inline(__always)
        init(_ g: UnsafeRawPointer) {
            let u0 = AVX2.load(g + 32), u1 = AVX2.load(g + 64), u2 = AVX2.load(g + 96)
            let k1 = _mm256_set1_epi8(0x3f), k2 = _mm256_set1_epi8(0x0f), k3 = _mm256_set1_epi8(0x03)
            s0 = _mm256_and_si256(u0, k1)
            m0 = _mm256_and_si256(u1, k1)
            s1 = _mm256_or_si256(_mm256_and_si256(u2, k2), _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(u0, 6), k3), 4))
            m1 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(u2, 4), k2),
                                 _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(u1, 6), k3), 4))
        }

        /// Sub-block `s`'s scale of row `r` in 16-bit lanes `2r` and `2r + 1` (`vpmaddwd` operand).
        @inline(__always)
        func scale(_ s: Int) -> __m256i {
            let b = Int8(s % 4), z: Int8 = -128
            let m = _mm256_setr_epi8(b, z, b, z, b + 4, z, b + 4, z, b + 8, z, b + 8, z, b + 12, z, b + 12, z,
                                     b, z, b, z, b + 4, z, b + 4, z, b + 8, z, b + 8, z, b + 12, z, b + 12, z)
            return _mm256_shuffle_epi8(s < 4 ? s0 : s1, m)
        }

        /// The minimums of sub-blocks `2j` and `2j + 1` of row `r` in 16-bit lanes `2r`, `2r + 1`.
        @inline(__always)
        func min(_ j: Int) -> __m256i {
            let b = Int8(2 * (j % 2)), c = b + 1, z: Int8 = -128
            let m = _mm256_setr_epi8(b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12, z,
                                     b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12, z)
            return _mm256_shuffle_epi8(j < 2 ? m0 : m1, m)
        }
    }

    /// The low (sub-block `2q`) and high (`2q + 1`) codes of chunk `(q, c)`: its 4-byte slice
    /// of eight rows (for 5-bit types, whole low codes and the high codes' three low bits,
    /// with their top two bits from rest vector `c`).
    @inline(__always)
    static func codes(_ g: UnsafeRawPointer, _ q: Int, _ c: Int) -> (__m256i, __m256i) {
        let raw = AVX2.load(g + chunksAt + 32 * (8 * q + c))
        guard F.highBitsOffset != nil else {
            let m4 = _mm256_set1_epi8(0x0f)
            return (_mm256_and_si256(raw, m4), _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4))
        }
        // Bits 2q and 2q + 1 of each rest byte to bits 3 and 4. The 16-bit shifts move bits
        // across bytes only outside each mask.
        let rest = AVX2.load(g + highBitsAt + 32 * c)
        let top = q < 2 ? _mm256_slli_epi16(rest, Int32(3 - 2 * q)) : _mm256_srli_epi16(rest, Int32(2 * q - 3))
        let hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(raw, 5), _mm256_set1_epi8(7)),
                                 _mm256_and_si256(top, _mm256_set1_epi8(0x18)))
        return (_mm256_and_si256(raw, _mm256_set1_epi8(0x1f)), hi)
    }

    /// One token's 16-bit sums `Σ q · x` of sub-blocks `2q` and `2q + 1` over chunks
    /// `c0 ..< c0 + sumChunks` (`x`: the super-block's codes).
    @inline(__always)
    static func pairSums(_ g: UnsafeRawPointer, _ q: Int, _ c0: Int, _ x: UnsafePointer<Int8>) -> (__m256i, __m256i) {
        var lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256()
        for c in c0..<(c0 + sumChunks) {
            let (a, b) = codes(g, q, c)
            lo = _mm256_add_epi16(lo, _mm256_maddubs_epi16(a, AVX2.broadcast4(x + 64 * q + 4 * c)))
            hi = _mm256_add_epi16(hi, _mm256_maddubs_epi16(b, AVX2.broadcast4(x + 64 * q + 32 + 4 * c)))
        }
        return (lo, hi)
    }

    /// `isum + sc · lo + sc′ · hi` for the sub-block pair `q` (the scales of `2q` and `2q + 1`).
    @inline(__always)
    static func scaled(_ isum: __m256i, _ sums: (__m256i, __m256i), _ sc: Scales, _ q: Int) -> __m256i {
        _mm256_add_epi32(isum, _mm256_add_epi32(_mm256_madd_epi16(sums.0, sc.scale(2 * q)), _mm256_madd_epi16(sums.1, sc.scale(2 * q + 1))))
    }

    /// `mins` lanes of one token: `Σ m_s · Σx_s` per row (`pairs`: its ``minPairs(_:blocks:into:)``).
    @inline(__always)
    static func minimums(_ sc: Scales, _ pairs: UnsafePointer<Int32>) -> __m256i {
        _mm256_add_epi32(
            _mm256_add_epi32(_mm256_madd_epi16(sc.min(0), _mm256_set1_epi32(pairs[0])), _mm256_madd_epi16(sc.min(1), _mm256_set1_epi32(pairs[1]))),
            _mm256_add_epi32(_mm256_madd_epi16(sc.min(2), _mm256_set1_epi32(pairs[2])), _mm256_madd_epi16(sc.min(3), _mm256_set1_epi32(pairs[3]))))
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
    static func accumulate(_ acc: __m256, _ g: UnsafeRawPointer, _ x: UnsafePointer<Int8>, pairs: UnsafePointer<Int32>, dx: Float)
        -> __m256
    {
        let sc = Scales(g)
        var isum = _mm256_setzero_si256()
        // q spelled out, not looped: each sub-block's scale shuffle is then a constant.
        @inline(__always) func pair(_ q: Int) {
            for c0 in stride(from: 0, to: 8, by: sumChunks) { isum = scaled(isum, pairSums(g, q, c0, x), sc, q) }
        }
        pair(0); pair(1); pair(2); pair(3)
        return finish(acc, g, isum: isum, mins: minimums(sc, pairs), dx: dx)
    }

    static func gemvRows(_ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Q8_KRow, y: UnsafeMutablePointer<Float>) {
        let nb = cols / 256, panels = rows / 8, pb = nb * groupBytes
        let first = range.lowerBound / 8, last = min(panels, range.upperBound / 8)
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, 4 * nb)) { buf in
            let pairs = buf.baseAddress!
            minPairs(x, blocks: nb, into: pairs)
            PanelLayout.fourStreams(first: first, last: last, panelBytes: pb) { p0, p1, p2, p3 in
                let w0 = base + p0 * pb, w1 = base + p1 * pb, w2 = base + p2 * pb, w3 = base + p3 * pb
                var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
                for b in 0..<nb {
                    let xb = x.codes8 + 256 * b, pr = UnsafePointer(pairs + 4 * b), dx = x.scales[b], o = groupBytes * b
                    a0 = accumulate(a0, w0 + o, xb, pairs: pr, dx: dx)
                    a1 = accumulate(a1, w1 + o, xb, pairs: pr, dx: dx)
                    a2 = accumulate(a2, w2 + o, xb, pairs: pr, dx: dx)
                    a3 = accumulate(a3, w3 + o, xb, pairs: pr, dx: dx)
                }
                _mm256_storeu_ps(y + 8 * p0, a0); _mm256_storeu_ps(y + 8 * p1, a1)
                _mm256_storeu_ps(y + 8 * p2, a2); _mm256_storeu_ps(y + 8 * p3, a3)
            } single: { p in
                let w = base + p * pb
                var a = _mm256_setzero_ps()
                for b in 0..<nb { a = accumulate(a, w + groupBytes * b, x.codes8 + 256 * b, pairs: pairs + 4 * b, dx: x.scales[b]) }
                _mm256_storeu_ps(y + 8 * p, a)
            }
        }
        for r in max(range.lowerBound, 8 * last)..<range.upperBound {
            y[r] = F.dot(base + r * nb * F.blockBytes, x, count: cols)
        }
    }

    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int, y: UnsafeMutablePointer<Float>,
        pool: ThreadPool?
    ) {
        let act = ActivationBatchQ8_K(x, tokens: tokens, cols: cols, pool: pool)
        let nb = cols / 256
        if InstructionSet.current == .avx512vnni, F.highBitsOffset == nil {
            // Q4_K: `KernelsVNNI`'s tile, the same integers and float steps as `tile` below.
            return PanelLayout.vnniKGemm(
                base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockBytes: F.blockBytes, activations: act,
                pairsPerBlock: 4, pairs: { row, out in minPairs(row, blocks: nb, into: out) },
                tile: { VNNIKTiles.q4KTile($0, blocks: $1, $2, y: $3, ldy: $4, continuing: $5) },
                tail: { row, t in F.dot(row, act.row(t), count: cols) })
        }
        let pairs = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, tokens * 4 * nb))
        defer { pairs.deallocate() }
        for t in 0..<tokens { minPairs(act.row(t), blocks: nb, into: pairs + t * 4 * nb) }
        let pc = UnsafePointer(pairs)
        PanelLayout.gemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockElements: 256, blockBytes: F.blockBytes) {
            panel, t, n, out in tile(panel, nb, act, pc, t, n, out, rows)
        } tail: { row, t in
            F.dot(row, act.row(t), count: cols)
        }
    }

    /// The `[8 rows × n ≤ 4 tokens]` tile of one panel: each group's scales decoded once and
    /// each chunk's codes unpacked once for the tokens.
    @inline(__always)
    static func tile(
        _ panel: UnsafeRawPointer, _ nb: Int, _ a: ActivationBatchQ8_K, _ pairs: UnsafePointer<Int32>, _ t0: Int, _ n: Int,
        _ y: UnsafeMutablePointer<Float>, _ ldy: Int
    ) {
        guard n == 4 else {
            for j in 0..<n {
                let x = a.row(t0 + j), pr = pairs + (t0 + j) * 4 * nb
                var acc = _mm256_setzero_ps()
                for b in 0..<nb { acc = accumulate(acc, panel + groupBytes * b, x.codes8 + 256 * b, pairs: pr + 4 * b, dx: x.scales[b]) }
                _mm256_storeu_ps(y + j * ldy, acc)
            }
            return
        }
        let r0 = a.row(t0), r1 = a.row(t0 + 1), r2 = a.row(t0 + 2), r3 = a.row(t0 + 3)
        let q0 = pairs + t0 * 4 * nb, q1 = q0 + 4 * nb, q2 = q1 + 4 * nb, q3 = q2 + 4 * nb
        var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
        for b in 0..<nb {
            let g = panel + groupBytes * b, o = 256 * b
            let sc = Scales(g)
            var i0 = _mm256_setzero_si256(), i1 = _mm256_setzero_si256(), i2 = _mm256_setzero_si256(), i3 = _mm256_setzero_si256()
            @inline(__always) func pair(_ q: Int, _ c0: Int) {
                var l0 = _mm256_setzero_si256(), l1 = _mm256_setzero_si256(), l2 = _mm256_setzero_si256(), l3 = _mm256_setzero_si256()
                var h0 = _mm256_setzero_si256(), h1 = _mm256_setzero_si256(), h2 = _mm256_setzero_si256(), h3 = _mm256_setzero_si256()
                for c in c0..<(c0 + sumChunks) {
                    let (lo, hi) = codes(g, q, c), e = o + 64 * q + 4 * c
                    l0 = _mm256_add_epi16(l0, _mm256_maddubs_epi16(lo, AVX2.broadcast4(r0.codes8 + e)))
                    l1 = _mm256_add_epi16(l1, _mm256_maddubs_epi16(lo, AVX2.broadcast4(r1.codes8 + e)))
                    l2 = _mm256_add_epi16(l2, _mm256_maddubs_epi16(lo, AVX2.broadcast4(r2.codes8 + e)))
                    l3 = _mm256_add_epi16(l3, _mm256_maddubs_epi16(lo, AVX2.broadcast4(r3.codes8 + e)))
                    h0 = _mm256_add_epi16(h0, _mm256_maddubs_epi16(hi, AVX2.broadcast4(r0.codes8 + e + 32)))
                    h1 = _mm256_add_epi16(h1, _mm256_maddubs_epi16(hi, AVX2.broadcast4(r1.codes8 + e + 32)))
                    h2 = _mm256_add_epi16(h2, _mm256_maddubs_epi16(hi, AVX2.broadcast4(r2.codes8 + e + 32)))
                    h3 = _mm256_add_epi16(h3, _mm256_maddubs_epi16(hi, AVX2.broadcast4(r3.codes8 + e + 32)))
                }
                i0 = scaled(i0, (l0, h0), sc, q); i1 = scaled(i1, (l1, h1), sc, q)
                i2 = scaled(i2, (l2, h2), sc, q); i3 = scaled(i3, (l3, h3), sc, q)
            }
            @inline(__always) func pairs(_ q: Int) { for c0 in stride(from: 0, to: 8, by: sumChunks) { pair(q, c0) } }
            pairs(0); pairs(1); pairs(2); pairs(3)
            a0 = finish(a0, g, isum: i0, mins: minimums(sc, q0 + 4 * b), dx: r0.scales[b])
            a1 = finish(a1, g, isum: i1, mins: minimums(sc, q1 + 4 * b), dx: r1.scales[b])
            a2 = finish(a2, g, isum: i2, mins: minimums(sc, q2 + 4 * b), dx: r2.scales[b])
            a3 = finish(a3, g, isum: i3, mins: minimums(sc, q3 + 4 * b), dx: r3.scales[b])
        }
        _mm256_storeu_ps(y, a0); _mm256_storeu_ps(y + ldy, a1); _mm256_storeu_ps(y + 2 * ldy, a2); _mm256_storeu_ps(y + 3 * ldy, a3)
    }
}

/// Q4_K: `[d][dmin][scales][qs]`.
extension BlockQ4_K: WidePanelKBlock {
    typealias Panels = WidePanelK<Self>
    static var blockBytes: Int { 144 }
    static var highBitsOffset: Int? { nil }
    static var nibblesOffset: Int { 16 }
}

/// Q5_K: `[d][dmin][scales][qh][qs]`.
extension BlockQ5_K: WidePanelKBlock {
    typealias Panels = WidePanelK<Self>
    static var blockBytes: Int { 176 }
    static var highBitsOffset: Int? { 16 }
    static var nibblesOffset: Int { 48 }
}
#endif
