#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelsVNNI

/// What the eight-row panel kernels need to know of a 32-element block type of 4- or 5-bit
/// codes (Q4_0, Q4_1, Q5_0, Q5_1): where ggml's block keeps its fields, and how a code maps to a
/// weight, `w = d · (q − offset)` or, with a minimum, `w = d · q + m`.
protocol WidePanel32Block: PanelStored where Activations == ActivationsQ8_0 {
    /// Bytes of one ggml block.
    static var blockBytes: Int { get }
    /// Byte offset of the fp16 minimum `m` in ggml's block, when the type has one.
    static var minOffset: Int? { get }
    /// Byte offset of the 32 fifth bits (`qh`, a little-endian `u32`), when codes have five bits.
    static var highBitsOffset: Int? { get }
    /// Byte offset of the 16 bytes of nibbles.
    static var nibblesOffset: Int { get }
    /// The code the integer sums are taken around, `Σ (q − offset) · x`, which keeps them
    /// within 16 bits (8 for Q4_0, 0 for Q4_1, 16 for 5-bit codes).
    static var offset: Int32 { get }
}

/// The x86 stored layout of Q4_0, Q4_1, Q5_0 and Q5_1 matrices: rows interleaved in panels of
/// eight, so that one `vpmaddubsw` multiplies four elements of eight rows and every 32-bit
/// lane of the result belongs to one row (no horizontal sums, one float conversion and FMA
/// per block for eight rows).
///
/// A `[rows, cols]` matrix of `nb = cols / 32` blocks per row is stored as `rows / 8` panels
/// of `nb` groups, then the `rows % 8` tail rows in ggml's own layout. A group holds block
/// `b` of the panel's eight rows (the size of eight ggml blocks):
///
/// ```
/// [d0 … d7: fp16] ([m0 … m7: fp16]) ([high bits: 8 rows × 4 bytes]) [chunk 0] … [chunk 3]
/// chunk c = [row 0: qs[4c..4c+3]] [row 1: qs[4c..4c+3]] … [row 7: qs[4c..4c+3]]
///           low nibbles: elements 4c…4c+3, high nibbles: elements 16+4c…16+4c+3
/// high-bit byte j of row i: bit c = fifth bit of element 4c+j, bit 4+c = of element 16+4c+j
/// ```
///
/// so chunk `c`'s fifth bits are one shift of the group's high-bit vector away.
///
/// Per row and block the kernels compute the integer sum `Σ (q − offset) · x` exactly
/// (ggml's own sum for Q4_0, Q4_1 and Q5_0): the products of the unsigned codes with the
/// activation bytes (each chunk's four bytes broadcast to every row) add in 16 bits onto a
/// start value that holds the `−offset · Σ x` of the same lanes
/// (``corrections(_:blocks:into:)``). A row's two 16-bit lanes each hold 16 products, so the
/// final sums lie within `±16 · 16 · 127` and 16 bits never overflow (intermediate sums may
/// wrap; `vpaddw` wraps, and the total is exact). Then
/// `acc = fma(Float(sum), d · dx, acc)`, plus `(offset · d + m) · Σ dx·x` for the types with a minimum, block
/// after block, the same in GEMV and GEMM. On AVX-512 VNNI machines the GEMM runs on
/// `KernelsVNNI`'s tiles (``PanelLayout/vnniGemm(_:rows:cols:tokens:y:pool:blockBytes:layout:activations:tail:)``),
/// whose 32-bit sums are the same integers.
enum WidePanel32<F: WidePanel32Block>: PanelKernels {
    /// Rows per panel.
    static var rows: Int { 8 }
    /// Bytes per group: eight ggml blocks.
    @inline(__always) static var groupBytes: Int { 8 * F.blockBytes }
    /// Group offset of the eight minimums.
    @inline(__always) static var minsAt: Int { 16 }
    /// Group offset of the high bits.
    @inline(__always) static var highBitsAt: Int { 16 + (F.minOffset == nil ? 0 : 16) }
    /// Group offset of chunk 0.
    @inline(__always) static var chunksAt: Int { highBitsAt + (F.highBitsOffset == nil ? 0 : 32) }

    /// The group layout as the AVX-512 VNNI tiles read it.
    static var vnniLayout: VNNIPanelLayout {
        VNNIPanelLayout(groupBytes: groupBytes, minsAt: F.minOffset == nil ? nil : minsAt,
                        highBitsAt: F.highBitsOffset == nil ? nil : highBitsAt, chunksAt: chunksAt, chunks: 4, offset: F.offset)
    }

    /// Interleaves a ggml-layout matrix into panels of eight rows.
    static func repack(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        PanelLayout.repackPanels(src, into: dst, rows: rows, cols: cols, panelRows: 8, blockElements: 32, blockBytes: F.blockBytes) {
            g, i, block in
            g.storeBytes(of: block.loadUnaligned(as: UInt16.self), toByteOffset: 2 * i, as: UInt16.self)
            if let m = F.minOffset {
                g.storeBytes(of: block.loadUnaligned(fromByteOffset: m, as: UInt16.self), toByteOffset: minsAt + 2 * i, as: UInt16.self)
            }
            if let h = F.highBitsOffset {
                let qh = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: h, as: UInt32.self))
                for j in 0..<4 {
                    var byte: UInt8 = 0
                    for c in 0..<4 {
                        byte |= UInt8((qh >> UInt32(4 * c + j)) & 1) << c
                        byte |= UInt8((qh >> UInt32(16 + 4 * c + j)) & 1) << (4 + c)
                    }
                    g.storeBytes(of: byte, toByteOffset: highBitsAt + 4 * i + j, as: UInt8.self)
                }
            }
            for c in 0..<4 { (g + chunksAt + 32 * c + 4 * i).copyMemory(from: block + F.nibblesOffset + 4 * c, byteCount: 4) }
        }
    }

    /// Stored row `r` back in ggml's layout.
    static func unpack(_ base: UnsafeRawPointer, row r: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer) {
        PanelLayout.unpackPanelRow(base, row: r, rows: rows, cols: cols, panelRows: 8, blockElements: 32, blockBytes: F.blockBytes,
                                   into: dst) { g, i, block in
            block.storeBytes(of: g.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self), as: UInt16.self)
            if let m = F.minOffset {
                block.storeBytes(of: g.loadUnaligned(fromByteOffset: minsAt + 2 * i, as: UInt16.self), toByteOffset: m, as: UInt16.self)
            }
            if let h = F.highBitsOffset {
                var qh: UInt32 = 0
                for j in 0..<4 {
                    let byte = UInt32(g.load(fromByteOffset: highBitsAt + 4 * i + j, as: UInt8.self))
                    for c in 0..<4 {
                        qh |= ((byte >> UInt32(c)) & 1) << UInt32(4 * c + j)
                        qh |= ((byte >> UInt32(4 + c)) & 1) << UInt32(16 + 4 * c + j)
                    }
                }
                block.storeBytes(of: qh.littleEndian, toByteOffset: h, as: UInt32.self)
            }
            for c in 0..<4 { (block + F.nibblesOffset + 4 * c).copyMemory(from: g + chunksAt + 32 * c + 4 * i, byteCount: 4) }
        }
    }

    /// Each block's start value of the 16-bit sums, as two `Int16` in one `Int32`: the low
    /// half `−offset · Σ x[j]` over `j ≡ 0, 1 (mod 4)`, the high half over `j ≡ 2, 3`,
    /// matching the two 16-bit lanes each row's `vpmaddubsw` products land in.
    static func corrections(_ x: UnsafePointer<Int8>, blocks: Int, into k: UnsafeMutablePointer<Int32>) {
        guard F.offset != 0 else { return k.initialize(repeating: 0, count: blocks) }
        for b in 0..<blocks {
            var even: Int32 = 0, odd: Int32 = 0
            for j in stride(from: 0, to: 32, by: 4) {
                even += Int32(x[32 * b + j]) + Int32(x[32 * b + j + 1])
                odd += Int32(x[32 * b + j + 2]) + Int32(x[32 * b + j + 3])
            }
            let lo = UInt32(UInt16(truncatingIfNeeded: -F.offset * even))
            let hi = UInt32(UInt16(truncatingIfNeeded: -F.offset * odd))
            k[b] = Int32(bitPattern: lo | hi << 16)
        }
    }

    /// The eight block scales of group `g` as floats.
    @inline(__always)
    static func scales(_ g: UnsafeRawPointer) -> __m256 { _mm256_cvtph_ps(AVX2.load128(g)) }

    /// `offset · d + m` of group `g`'s eight rows (their weight for the activations' block
    /// sum), when the type has minimums.
    @inline(__always)
    static func minimumWeights(_ g: UnsafeRawPointer, _ d: __m256) -> __m256 {
        _mm256_fmadd_ps(d, _mm256_set1_ps(Float(F.offset)), _mm256_cvtph_ps(AVX2.load128(g + minsAt)))
    }

    /// The group's high-bit vector (zero for 4-bit codes).
    @inline(__always)
    static func highBits(_ g: UnsafeRawPointer) -> __m256i {
        F.highBitsOffset == nil ? _mm256_setzero_si256() : AVX2.load(g + highBitsAt)
    }

    /// The codes of chunk `c` of group `g`: low nibbles (elements `4c…`) and high nibbles
    /// (elements `16 + 4c…`), each with its fifth bit from `h` for 5-bit types.
    @inline(__always)
    static func codes(_ g: UnsafeRawPointer, _ c: Int, _ h: __m256i) -> (__m256i, __m256i) {
        let m4 = _mm256_set1_epi8(0x0f), raw = AVX2.load(g + chunksAt + 32 * c)
        let lo = _mm256_and_si256(raw, m4), hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4)
        guard F.highBitsOffset != nil else { return (lo, hi) }
        // Bit c of each byte to bit 0 and bit 4 + c to bit 4 (a 16-bit shift by c ≤ 3 only
        // moves bits from the high byte into the low byte's bits 5–7, which the masks drop).
        let m16 = _mm256_set1_epi8(0x10), hc = _mm256_srl_epi16(h, _mm_cvtsi32_si128(Int32(c)))
        return (_mm256_or_si256(lo, _mm256_and_si256(_mm256_slli_epi16(hc, 4), m16)),
                _mm256_or_si256(hi, _mm256_and_si256(hc, m16)))
    }

    /// `p + ` the products of chunk `c`'s codes `q` with block activations `x`.
    @inline(__always)
    static func add(_ p: __m256i, _ q: (__m256i, __m256i), _ x: UnsafePointer<Int8>, _ c: Int) -> __m256i {
        _mm256_add_epi16(_mm256_add_epi16(p, _mm256_maddubs_epi16(q.0, AVX2.broadcast4(x + 4 * c))),
                         _mm256_maddubs_epi16(q.1, AVX2.broadcast4(x + 16 + 4 * c)))
    }

    /// `acc + Float(madd(p, 1)) · d · dx (+ mw · sx)`.
    @inline(__always)
    static func finish(_ acc: __m256, _ p: __m256i, d: __m256, dx: Float, mw: __m256, sx: Float) -> __m256 {
        let a = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_madd_epi16(p, _mm256_set1_epi16(1))), _mm256_mul_ps(d, _mm256_set1_ps(dx)), acc)
        return F.minOffset == nil ? a : _mm256_fmadd_ps(mw, _mm256_set1_ps(sx), a)
    }

    /// `acc +` one block of the eight rows of group `g` times one token's block.
    @inline(__always)
    static func accumulate(_ acc: __m256, _ g: UnsafeRawPointer, _ x: UnsafePointer<Int8>, k: Int32, dx: Float, sx: Float)
        -> __m256
    {
        var p = _mm256_set1_epi32(k)
        let h = highBits(g)
        for c in 0..<4 { p = add(p, codes(g, c, h), x, c) }
        let d = scales(g)
        return finish(acc, p, d: d, dx: dx, mw: F.minOffset == nil ? d : minimumWeights(g, d), sx: sx)
    }

    /// Stores eight row results at `y`.
    @inline(__always)
    static func store(_ acc: __m256, _ y: UnsafeMutablePointer<Float>) { _mm256_storeu_ps(y, acc) }

    /// `y[r] = W[r] · x` for the rows of `range` (starting at a panel boundary).
    static func gemvRows(_ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Q8_0Row, y: UnsafeMutablePointer<Float>) {
        let nb = cols / 32
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, nb)) { kb in
            let k = kb.baseAddress!
            corrections(x.codes8, blocks: nb, into: k)
            PanelLayout.gemv8(base, range: range, rows: rows, blocks: nb, groupBytes: groupBytes, y: y) { acc, g, b in
                accumulate(acc, g, x.codes8 + 32 * b, k: k[b], dx: x.scales[b], sx: x.sums[b])
            } tail: { r in
                F.dot(base + r * nb * F.blockBytes, x, count: cols)
            }
        }
    }

    /// `y[t, r] = W[r] · x[t]`: activations quantized once, then each panel multiplied with
    /// four tokens at a time (each chunk's codes unpacked once for the four), work split over
    /// panels; every result as ``gemvRows(_:range:rows:cols:_:y:)`` computes it.
    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int, y: UnsafeMutablePointer<Float>,
        pool: ThreadPool?
    ) {
        let act = ActivationBatchQ8_0(x, tokens: tokens, cols: cols, pool: pool)
        if InstructionSet.current == .avx512vnni {
            return PanelLayout.vnniGemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockBytes: F.blockBytes,
                                        layout: vnniLayout, activations: act) { row, t in F.dot(row, act.row(t), count: cols) }
        }
        let nb = cols / 32
        let k = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, tokens * nb))
        defer { k.deallocate() }
        for t in 0..<tokens { corrections(act.codes8 + t * cols, blocks: nb, into: k + t * nb) }
        let kc = UnsafePointer(k)
        PanelLayout.gemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockElements: 32, blockBytes: F.blockBytes) {
            panel, t, n, out in tile(panel, nb, act, kc, t, n, out, rows)
        } tail: { row, t in
            F.dot(row, act.row(t), count: cols)
        }
    }

    /// The `[8 rows × n ≤ 4 tokens]` tile of one panel, token `t0 + j`'s rows stored at
    /// `y + j · ldy`: each chunk's codes unpacked once for the `n` tokens.
    @inline(__always)
    static func tile(
        _ panel: UnsafeRawPointer, _ nb: Int, _ a: ActivationBatchQ8_0, _ k: UnsafePointer<Int32>, _ t0: Int, _ n: Int,
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
        _ panel: UnsafeRawPointer, _ nb: Int, _ a: ActivationBatchQ8_0, _ k: UnsafePointer<Int32>, _ t0: Int, count n: Int,
        _ y: UnsafeMutablePointer<Float>, _ ldy: Int
    ) {
        let cols = a.cols, gb = groupBytes
        @inline(__always) func token(_ j: Int) -> Int { t0 + min(j, n - 1) }
        let x0 = a.codes8 + token(0) * cols, x1 = a.codes8 + token(1) * cols
        let x2 = a.codes8 + token(2) * cols, x3 = a.codes8 + token(3) * cols
        let k0 = k + token(0) * nb, k1 = k + token(1) * nb, k2 = k + token(2) * nb, k3 = k + token(3) * nb
        let s0 = a.scales + token(0) * nb, s1 = a.scales + token(1) * nb
        let s2 = a.scales + token(2) * nb, s3 = a.scales + token(3) * nb
        let m0 = a.sums + token(0) * nb, m1 = a.sums + token(1) * nb
        let m2 = a.sums + token(2) * nb, m3 = a.sums + token(3) * nb
        var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
        let z = _mm256_setzero_si256()
        for b in 0..<nb {
            let g = panel + gb * b, o = 32 * b
            var p0 = _mm256_set1_epi32(k0[b]), p1 = n > 1 ? _mm256_set1_epi32(k1[b]) : z
            var p2 = n > 2 ? _mm256_set1_epi32(k2[b]) : z, p3 = n > 3 ? _mm256_set1_epi32(k3[b]) : z
            let h = highBits(g)
            for c in 0..<4 {
                let q = codes(g, c, h)
                p0 = add(p0, q, x0 + o, c)
                if n > 1 { p1 = add(p1, q, x1 + o, c) }
                if n > 2 { p2 = add(p2, q, x2 + o, c) }
                if n > 3 { p3 = add(p3, q, x3 + o, c) }
            }
            let d = scales(g), mw = F.minOffset == nil ? d : minimumWeights(g, d)
            a0 = finish(a0, p0, d: d, dx: s0[b], mw: mw, sx: m0[b])
            if n > 1 { a1 = finish(a1, p1, d: d, dx: s1[b], mw: mw, sx: m1[b]) }
            if n > 2 { a2 = finish(a2, p2, d: d, dx: s2[b], mw: mw, sx: m2[b]) }
            if n > 3 { a3 = finish(a3, p3, d: d, dx: s3[b], mw: mw, sx: m3[b]) }
        }
        store(a0, y)
        if n > 1 { store(a1, y + ldy) }
        if n > 2 { store(a2, y + 2 * ldy) }
        if n > 3 { store(a3, y + 3 * ldy) }
    }
}

/// Q4_0: `[d][qs]`, `w = d · (q − 8)`.
extension BlockQ4_0: WidePanel32Block {
    typealias Panels = WidePanel32<Self>
    static var blockBytes: Int { 18 }
    static var minOffset: Int? { nil }
    static var highBitsOffset: Int? { nil }
    static var nibblesOffset: Int { 2 }
    static var offset: Int32 { 8 }
}

/// Q4_1: `[d][m][qs]`, `w = d · q + m` (sums around 0: 16 products of 15 · 127 fit in 16 bits,
/// so the integer sum is ggml's `Σ q · x`).
extension BlockQ4_1: WidePanel32Block {
    typealias Panels = WidePanel32<Self>
    static var blockBytes: Int { 20 }
    static var minOffset: Int? { 2 }
    static var highBitsOffset: Int? { nil }
    static var nibblesOffset: Int { 4 }
    static var offset: Int32 { 0 }
}

/// Q5_0: `[d][qh][qs]`, `w = d · (q − 16)`.
extension BlockQ5_0: WidePanel32Block {
    typealias Panels = WidePanel32<Self>
    static var blockBytes: Int { 22 }
    static var minOffset: Int? { nil }
    static var highBitsOffset: Int? { 2 }
    static var nibblesOffset: Int { 6 }
    static var offset: Int32 { 16 }
}

/// Q5_1: `[d][m][qh][qs]`, `w = d · q + m`.
extension BlockQ5_1: WidePanel32Block {
    typealias Panels = WidePanel32<Self>
    static var blockBytes: Int { 24 }
    static var minOffset: Int? { 2 }
    static var highBitsOffset: Int? { 4 }
    static var nibblesOffset: Int { 8 }
    static var offset: Int32 { 16 }
}
#endif
