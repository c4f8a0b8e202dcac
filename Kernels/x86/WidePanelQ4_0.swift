#if arch(x86_64)
import _Builtin_intrinsics.intel

/// The x86 stored layout of Q4_0 matrices: rows interleaved in panels of eight, so that one
/// `vpmaddubsw` multiplies four elements of eight rows and every 32-bit lane of the result
/// belongs to one row (no horizontal sums, one float conversion and FMA per block for eight
/// rows).
///
/// A `[rows, cols]` matrix of `nb = cols / 32` blocks per row is stored as `rows / 8` panels
/// of `nb` groups, then the `rows % 8` tail rows in ggml's own layout. A group holds block
/// `b` of the panel's eight rows (144 bytes, the size of eight ggml blocks):
///
/// ```
/// [d0 … d7: fp16] [chunk 0] [chunk 1] [chunk 2] [chunk 3]
/// chunk c = [row 0: qs[4c..4c+3]] [row 1: qs[4c..4c+3]] … [row 7: qs[4c..4c+3]]
///           low nibbles: elements 4c…4c+3, high nibbles: elements 16+4c…16+4c+3
/// ```
///
/// Per row and block the kernels compute ggml's integer sum `Σ (q − 8) · x` exactly: the
/// products of the unsigned nibbles with the activation bytes (each chunk's four bytes
/// broadcast to every row) add in 16 bits onto a start value that holds the `−8 · Σ x` of
/// the same lanes (``corrections(_:blocks:into:)``); the sums stay within
/// `[−8 · 16 · 127, 8 · 2 · 15 · 127]`, so 16 bits never overflow. Then
/// `acc = fma(Float(sum), d · dx, acc)`, block after block, the same in GEMV and GEMM.
enum WidePanelQ4_0 {
    /// Rows per panel.
    static let rows = 8
    /// Bytes per group: eight ggml blocks.
    static let groupBytes = 8 * 18

    /// Interleaves a ggml-layout Q4_0 matrix into panels of eight rows.
    static func repack(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        let nb = cols / 32, rowBytes = nb * 18, panels = rows / 8
        for p in 0..<panels {
            for b in 0..<nb {
                let g = dst + (p * nb + b) * groupBytes
                for i in 0..<8 {
                    let block = src + (8 * p + i) * rowBytes + b * 18
                    g.storeBytes(of: block.loadUnaligned(as: UInt16.self), toByteOffset: 2 * i, as: UInt16.self)
                    for c in 0..<4 { (g + 16 + 32 * c + 4 * i).copyMemory(from: block + 2 + 4 * c, byteCount: 4) }
                }
            }
        }
        let done = panels * 8 * rowBytes
        (dst + done).copyMemory(from: src + done, byteCount: (rows - 8 * panels) * rowBytes)
    }

    /// Stored row `r` back in ggml's layout.
    static func unpack(_ base: UnsafeRawPointer, row r: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer) {
        let nb = cols / 32, rowBytes = nb * 18
        if r >= rows / 8 * 8 {
            dst.copyMemory(from: base + r * rowBytes, byteCount: rowBytes)
            return
        }
        let p = r / 8, i = r % 8
        for b in 0..<nb {
            let g = base + (p * nb + b) * groupBytes, block = dst + b * 18
            block.storeBytes(of: g.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self), as: UInt16.self)
            for c in 0..<4 { (block + 2 + 4 * c).copyMemory(from: g + 16 + 32 * c + 4 * i, byteCount: 4) }
        }
    }

    /// Each block's start value of the 16-bit sums, as two `Int16` in one `Int32`: the low
    /// half `−8 · Σ x[j]` over `j ≡ 0, 1 (mod 4)`, the high half over `j ≡ 2, 3`, matching
    /// the two 16-bit lanes each row's `vpmaddubsw` products land in.
    static func corrections(_ x: UnsafePointer<Int8>, blocks: Int, into k: UnsafeMutablePointer<Int32>) {
        for b in 0..<blocks {
            var even: Int32 = 0, odd: Int32 = 0
            for j in stride(from: 0, to: 32, by: 4) {
                even += Int32(x[32 * b + j]) + Int32(x[32 * b + j + 1])
                odd += Int32(x[32 * b + j + 2]) + Int32(x[32 * b + j + 3])
            }
            let lo = UInt32(UInt16(bitPattern: Int16(-8 * even))), hi = UInt32(UInt16(bitPattern: Int16(-8 * odd)))
            k[b] = Int32(bitPattern: lo | hi << 16)
        }
    }

    /// The eight block scales of group `g` as floats.
    @inline(__always)
    static func scales(_ g: UnsafeRawPointer) -> __m256 { _mm256_cvtph_ps(AVX2.load128(g)) }

    /// The low and high nibbles of chunk `c` of group `g`.
    @inline(__always)
    static func nibbles(_ g: UnsafeRawPointer, _ c: Int) -> (__m256i, __m256i) {
        let m4 = _mm256_set1_epi8(0x0f), raw = AVX2.load(g + 16 + 32 * c)
        return (_mm256_and_si256(raw, m4), _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4))
    }

    /// `p + ` the products of chunk `c`'s nibbles `n` with block activations `x`.
    @inline(__always)
    static func add(_ p: __m256i, _ n: (__m256i, __m256i), _ x: UnsafePointer<Int8>, _ c: Int) -> __m256i {
        _mm256_add_epi16(_mm256_add_epi16(p, _mm256_maddubs_epi16(n.0, AVX2.broadcast4(x + 4 * c))),
                         _mm256_maddubs_epi16(n.1, AVX2.broadcast4(x + 16 + 4 * c)))
    }

    /// `acc + Float(Σ (q − 8)·x) · d · dx` for the eight rows of group `g` and one token's block.
    @inline(__always)
    static func accumulate(_ acc: __m256, _ g: UnsafeRawPointer, _ x: UnsafePointer<Int8>, k: Int32, dx: Float) -> __m256 {
        var p = _mm256_set1_epi32(k)
        for c in 0..<4 { p = add(p, nibbles(g, c), x, c) }
        return finish(acc, p, d: scales(g), dx: dx)
    }

    /// `acc + Float(madd(p, 1)) · d · dx`.
    @inline(__always)
    static func finish(_ acc: __m256, _ p: __m256i, d: __m256, dx: Float) -> __m256 {
        _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_madd_epi16(p, _mm256_set1_epi16(1))), _mm256_mul_ps(d, _mm256_set1_ps(dx)), acc)
    }

    /// Stores eight row results at `y`.
    @inline(__always)
    static func store(_ acc: __m256, _ y: UnsafeMutablePointer<Float>) { _mm256_storeu_ps(y, acc) }

    /// `y[r] = W[r] · x` for the rows of `range` (starting at a panel boundary).
    static func gemvRows(_ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Q8_0Row, y: UnsafeMutablePointer<Float>) {
        let nb = cols / 32, panels = rows / 8, pb = nb * groupBytes
        let first = range.lowerBound / 8, last = min(panels, range.upperBound / 8)
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, nb)) { kb in
            let k = kb.baseAddress!
            corrections(x.codes8, blocks: nb, into: k)
            PanelLayout.fourStreams(first: first, last: last) { p0, p1, p2, p3 in
                let w0 = base + p0 * pb, w1 = base + p1 * pb, w2 = base + p2 * pb, w3 = base + p3 * pb
                var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
                for b in 0..<nb {
                    let xb = x.codes8 + 32 * b, kk = k[b], dx = x.scales[b], o = groupBytes * b
                    a0 = accumulate(a0, w0 + o, xb, k: kk, dx: dx)
                    a1 = accumulate(a1, w1 + o, xb, k: kk, dx: dx)
                    a2 = accumulate(a2, w2 + o, xb, k: kk, dx: dx)
                    a3 = accumulate(a3, w3 + o, xb, k: kk, dx: dx)
                }
                store(a0, y + 8 * p0); store(a1, y + 8 * p1); store(a2, y + 8 * p2); store(a3, y + 8 * p3)
            } single: { p in
                let w = base + p * pb
                var a = _mm256_setzero_ps()
                for b in 0..<nb { a = accumulate(a, w + groupBytes * b, x.codes8 + 32 * b, k: k[b], dx: x.scales[b]) }
                store(a, y + 8 * p)
            }
        }
        for r in max(range.lowerBound, 8 * last)..<range.upperBound {
            y[r] = BlockQ4_0.dot(base + r * nb * 18, x, count: cols)
        }
    }

    /// `y[t, r] = W[r] · x[t]`: activations quantized once, then each panel multiplied with
    /// four tokens at a time (the nibbles unpacked once per chunk for the four), work split
    /// over panels; every result as ``gemvRows(_:range:rows:cols:_:y:)`` computes it.
    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int, y: UnsafeMutablePointer<Float>,
        pool: ThreadPool?
    ) {
        let act = PanelGemm.Activations(x, tokens: tokens, cols: cols, pool: pool)
        let nb = cols / 32, pb = nb * groupBytes
        let k = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, tokens * nb))
        defer { k.deallocate() }
        for t in 0..<tokens { corrections(act.codes8 + t * cols, blocks: nb, into: k + t * nb) }
        let kc = UnsafePointer(k)
        PanelLayout.gemm(rows: rows, panelRows: 8, tokens: tokens, pool: pool) { p, t, n in
            tile(base + p * pb, nb, act, kc, t, n, y + t * rows + 8 * p, rows)
        } tail: { r, t in
            y[t * rows + r] = BlockQ4_0.dot(base + r * nb * 18, act.row(t), count: cols)
        }
    }

    /// The `[8 rows × n ≤ 4 tokens]` tile of one panel, token `t0 + j`'s rows stored at
    /// `y + j · ldy`: each chunk's nibbles unpacked once for the `n` tokens.
    @inline(__always)
    static func tile(
        _ panel: UnsafeRawPointer, _ nb: Int, _ a: PanelGemm.Activations, _ k: UnsafePointer<Int32>, _ t0: Int, _ n: Int,
        _ y: UnsafeMutablePointer<Float>, _ ldy: Int
    ) {
        switch n {
        case 4: tile(panel, nb, a, k, t0, count: 4, y, ldy)
        case 3: tile(panel, nb, a, k, t0, count: 3, y, ldy)
        case 2: tile(panel, nb, a, k, t0, count: 2, y, ldy)
        default: tile(panel, nb, a, k, t0, count: 1, y, ldy)
        }
    }

    /// ``tile(_:_:_:_:_:_:_:_:)`` for a constant `n` (each call site specializes it); a
    /// missing token's lanes are never computed or stored.
    @inline(__always)
    static func tile(
        _ panel: UnsafeRawPointer, _ nb: Int, _ a: PanelGemm.Activations, _ k: UnsafePointer<Int32>, _ t0: Int, count n: Int,
        _ y: UnsafeMutablePointer<Float>, _ ldy: Int
    ) {
        let cols = a.cols
        @inline(__always) func token(_ j: Int) -> Int { t0 + min(j, n - 1) }
        let x0 = a.codes8 + token(0) * cols, x1 = a.codes8 + token(1) * cols
        let x2 = a.codes8 + token(2) * cols, x3 = a.codes8 + token(3) * cols
        let k0 = k + token(0) * nb, k1 = k + token(1) * nb, k2 = k + token(2) * nb, k3 = k + token(3) * nb
        let s0 = a.scales + token(0) * nb, s1 = a.scales + token(1) * nb
        let s2 = a.scales + token(2) * nb, s3 = a.scales + token(3) * nb
        var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
        let z = _mm256_setzero_si256()
        for b in 0..<nb {
            let g = panel + groupBytes * b, o = 32 * b
            var p0 = _mm256_set1_epi32(k0[b]), p1 = n > 1 ? _mm256_set1_epi32(k1[b]) : z
            var p2 = n > 2 ? _mm256_set1_epi32(k2[b]) : z, p3 = n > 3 ? _mm256_set1_epi32(k3[b]) : z
            for c in 0..<4 {
                let q = nibbles(g, c)
                p0 = add(p0, q, x0 + o, c)
                if n > 1 { p1 = add(p1, q, x1 + o, c) }
                if n > 2 { p2 = add(p2, q, x2 + o, c) }
                if n > 3 { p3 = add(p3, q, x3 + o, c) }
            }
            let d = scales(g)
            a0 = finish(a0, p0, d: d, dx: s0[b])
            if n > 1 { a1 = finish(a1, p1, d: d, dx: s1[b]) }
            if n > 2 { a2 = finish(a2, p2, d: d, dx: s2[b]) }
            if n > 3 { a3 = finish(a3, p3, d: d, dx: s3[b]) }
        }
        store(a0, y)
        if n > 1 { store(a1, y + ldy) }
        if n > 2 { store(a2, y + 2 * ldy) }
        if n > 3 { store(a3, y + 3 * ldy) }
    }
}

extension BlockQ4_0 {
    static var repacksAtLoad: Bool { true }
    static var gemmIsExact: Bool { true }
    static var panelRows: Int { WidePanelQ4_0.rows }

    static func repackMatrix(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        WidePanelQ4_0.repack(src, into: dst, rows: rows, cols: cols)
    }

    static func unpackStoredRow(_ base: UnsafeRawPointer, row: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer) {
        WidePanelQ4_0.unpack(base, row: row, rows: rows, cols: cols, into: dst)
    }

    static func gemvRows(
        _ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Q8_0Row, y: UnsafeMutablePointer<Float>
    ) {
        WidePanelQ4_0.gemvRows(base, range: range, rows: rows, cols: cols, x, y: y)
    }

    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int,
        y: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        WidePanelQ4_0.gemm(base, rows: rows, cols: cols, x: x, tokens: tokens, y: y, pool: pool)
    }
}
#endif
