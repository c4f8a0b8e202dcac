#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelsVNNI

/// What the eight-row panel kernels need to know of a k-quant with 16-element sub-blocks
/// (Q2_K, Q3_K, Q6_K): how its fields move into a group, how a group's scales decode for eight rows
/// and how its codes and second term combine.
protocol WidePanel16Block: PanelStored where Activations == ActivationsQ8_K {
    /// A group's sub-block scales decoded for eight rows.
    associatedtype Scales: WidePanel16Scales
    /// Bytes of one ggml super-block.
    static var blockBytes: Int { get }
    /// Group offset of sub-block `s`'s code vector, the one ``codes(_:_:_:_:)`` receives
    /// loaded. Each type keeps the rest of a sub-block's codes beside it, so that the kernels
    /// read a group front to back (with the low bits of all sixteen sub-blocks in one run and
    /// the other bits in another, the Q6_K GEMV streamed 2.3 GB/s from DRAM; interleaved,
    /// 6.5–10).
    static func lowBitsAt(_ s: Int) -> Int
    /// Moves row `r`'s part (scales, `d`, codes) between ggml's `block` and group `g`;
    /// ``unpackRow(_:row:into:)`` finds the block's ``codeBytes`` zeroed.
    static func repackRow(_ block: UnsafeRawPointer, into g: UnsafeMutableRawPointer, row r: Int)
    static func unpackRow(_ g: UnsafeRawPointer, row r: Int, into block: UnsafeMutableRawPointer)
    /// The unsigned code (0…3, 0…7 or 0…63) of element `e` of ggml's `block`.
    static func panelCode(_ block: UnsafeRawPointer, _ e: Int) -> UInt8
    /// ORs the code of element `e` into ggml's `block` (whose code bits start out zero).
    static func setCode(_ q: UInt8, _ e: Int, in block: UnsafeMutableRawPointer)
    /// The bytes of ggml's block that hold codes (zeroed before ``setCode(_:_:in:)``).
    static var codeBytes: Range<Int> { get }
    /// The codes of elements `16s + 4j …` of eight rows, from low-bit vector `low` of group `g`.
    static func codes(_ g: UnsafeRawPointer, _ low: __m256i, _ s: Int, _ j: Int) -> __m256i
    /// `acc +` the eight rows' super-block results from the integer sums `isum = Σ sc·Σq·x`
    /// and `pairs = Σ p_s·Σx_s` (``WidePanel16Scales/pair(_:)``).
    static func finish(_ acc: __m256, _ g: UnsafeRawPointer, isum: __m256i, pairs: __m256i, dx: Float) -> __m256
    /// Whether codes reach 63 (Q6_K): then a sub-block's 16-bit sums are reduced with
    /// `vpmaddwd` after every two shifts (four shifts could reach 4 · 2 · 63 · 127, past 16 bits).
    static var wideCodes: Bool { get }
    /// The type's AVX-512 VNNI tile in `KernelsVNNI` (`nil`: the AVX2 tile everywhere), which
    /// must compute the AVX2 tile's integers and float steps exactly, with the pairs that
    /// ``WidePanel16/groupSumPairs(_:blocks:into:)`` writes.
    static var vnniTile: PanelLayout.VNNIKTile? { get }
}

extension WidePanel16Block {
    static var wideCodes: Bool { false }
    static var vnniTile: PanelLayout.VNNIKTile? { nil }

    /// Writes row `r`'s two low code bits of every sub-block into its vector at
    /// ``lowBitsAt(_:)``: bits `2j…2j+1` of byte `b` are those of element `16s + 4j + b`.
    static func packLowBits(_ block: UnsafeRawPointer, into g: UnsafeMutableRawPointer, row r: Int) {
        for sb in 0..<16 {
            for byte in 0..<4 {
                var v: UInt8 = 0
                for j in 0..<4 { v |= (panelCode(block, 16 * sb + 4 * j + byte) & 3) << (2 * j) }
                g.storeBytes(of: v, toByteOffset: lowBitsAt(sb) + 4 * r + byte, as: UInt8.self)
            }
        }
    }

    /// ORs row `r`'s low code bits from the vectors at ``lowBitsAt(_:)`` back into `block`.
    static func unpackLowBits(_ g: UnsafeRawPointer, row i: Int, into block: UnsafeMutableRawPointer) {
        for sb in 0..<16 {
            for byte in 0..<4 {
                let v = g.load(fromByteOffset: lowBitsAt(sb) + 4 * i + byte, as: UInt8.self)
                for j in 0..<4 { setCode((v >> (2 * j)) & 3, 16 * sb + 4 * j + byte, in: block) }
            }
        }
    }
}

/// Decoded sub-block scales of one group.
protocol WidePanel16Scales {
    init(_ g: UnsafeRawPointer)
    /// Sub-block `s`'s scale of row `r` in 16-bit lanes `2r` and `2r + 1`.
    func scale(_ s: Int) -> __m256i
    /// The coefficients of the activations' group sums of sub-blocks `2k` and `2k + 1` of row
    /// `r`, in 16-bit lanes `2r` and `2r + 1`.
    func pair(_ k: Int) -> __m256i
}

/// The x86 stored layout of Q2_K, Q3_K and Q6_K matrices: rows interleaved in panels of eight, as
/// ``WidePanelK`` does for Q4_K, so that every 32-bit lane of a `vpmaddubsw`/`vpmaddwd` result
/// belongs to one row and a super-block ends in one float conversion and one or two FMAs for
/// eight rows.
///
/// A `[rows, cols]` matrix of `nb = cols / 256` super-blocks per row is stored as `rows / 8`
/// panels of `nb` groups, then the `rows % 8` tail rows in ggml's layout. A group holds
/// super-block `i` of the panel's eight rows (eight ggml blocks: 672 bytes for Q2_K, 880 for
/// Q3_K, 1680 for Q6_K): the type's header (scales and `d` of eight rows), then the codes of
/// the sixteen sub-blocks in order, each with one code vector (``WidePanel16Block/lowBitsAt(_:)``)
/// beside the type's other code bits. Q2_K's code vector holds its two-bit codes (Q3_K and
/// Q6_K pack theirs as their conformances show):
///
/// ```
/// low bits of sub-block s = [row 0: 4 bytes] … [row 7: 4 bytes]
///   bits 2j…2j+1 of byte b: the low bits of element 16s + 4j + b
/// ```
///
/// so one 32-byte load holds a whole sub-block of eight rows, and shift `j` of it multiplies
/// the four activations `16s + 4j …` broadcast to every row (ggml's own order, `qs[32n + l]`
/// bits `2j`, would spread a sub-block over four loads of four different sub-blocks).
///
/// Per row and super-block the kernels compute ggml's integers exactly: for sub-block `s`,
/// `t = Σ q · x` from four 16-bit `vpmaddubsw` sums (at most 4 · 2 · 7 · 128 = 7168; for
/// Q6_K's 6-bit codes two at a time, at most 2 · 2 · 63 · 128 = 32256), then
/// `isum = Σ sc_s · t_s` and `pairs = Σ p_s · Σx_s` with `vpmaddwd` (the activations'
/// 16-element group sums, two at a time), then the type's ``WidePanel16Block/finish``,
/// super-block after super-block, the same in GEMV and GEMM.
enum WidePanel16<F: WidePanel16Block>: PanelKernels {
    static var rows: Int { 8 }
    @inline(__always) static var groupBytes: Int { 8 * F.blockBytes }

    static func repack(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        PanelLayout.repackPanels(src, into: dst, rows: rows, cols: cols, panelRows: 8, blockElements: 256, blockBytes: F.blockBytes) {
            g, r, block in F.repackRow(block, into: g, row: r)
        }
    }

    static func unpack(_ base: UnsafeRawPointer, row r: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer) {
        PanelLayout.unpackPanelRow(base, row: r, rows: rows, cols: cols, panelRows: 8, blockElements: 256, blockBytes: F.blockBytes,
                                   into: dst) { g, i, block in
            (block + F.codeBytes.lowerBound).initializeMemory(as: UInt8.self, repeating: 0, count: F.codeBytes.count)
            F.unpackRow(g, row: i, into: block)
        }
    }

    /// Bytes `k` and `k2` of each row's 32-bit lane of `v`, zero-extended into 16-bit lanes
    /// `2r` and `2r + 1`.
    @inline(__always)
    static func spread(_ v: __m256i, _ k: Int, _ k2: Int) -> __m256i {
        let b = Int8(k), c = Int8(k2), z: Int8 = -128
        let m = _mm256_setr_epi8(b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12, z,
                                 b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12, z)
        return _mm256_shuffle_epi8(v, m)
    }

    /// ``spread(_:_:_:)`` for signed bytes: sign-extended into the 16-bit lanes.
    @inline(__always)
    static func spreadSigned(_ v: __m256i, _ k: Int, _ k2: Int) -> __m256i {
        let b = Int8(k), c = Int8(k2), z: Int8 = -128
        let m = _mm256_setr_epi8(z, b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12,
                                 z, b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12)
        return _mm256_srai_epi16(_mm256_shuffle_epi8(v, m), 8)
    }

    /// One token's 16-bit sums `Σ q · x` of shifts `j0 ..< j1` of sub-block `s` (`low`: its
    /// low-bit vector, `x`: the super-block's codes).
    @inline(__always)
    static func subSum(_ g: UnsafeRawPointer, _ low: __m256i, _ s: Int, _ x: UnsafePointer<Int8>, _ j0: Int, _ j1: Int) -> __m256i {
        var sum = _mm256_maddubs_epi16(F.codes(g, low, s, j0), AVX2.broadcast4(x + 16 * s + 4 * j0))
        for j in (j0 + 1)..<j1 {
            sum = _mm256_add_epi16(sum, _mm256_maddubs_epi16(F.codes(g, low, s, j), AVX2.broadcast4(x + 16 * s + 4 * j)))
        }
        return sum
    }

    /// One token's `sc_s · Σ q · x` of sub-block `s` per row (32-bit lanes; `k`: the scale).
    @inline(__always)
    static func subTerm(_ g: UnsafeRawPointer, _ s: Int, _ x: UnsafePointer<Int8>, _ k: __m256i) -> __m256i {
        let low = AVX2.load(g + F.lowBitsAt(s))
        guard F.wideCodes else { return _mm256_madd_epi16(subSum(g, low, s, x, 0, 4), k) }
        return _mm256_add_epi32(_mm256_madd_epi16(subSum(g, low, s, x, 0, 2), k), _mm256_madd_epi16(subSum(g, low, s, x, 2, 4), k))
    }

    /// One token's 16-bit group sums in pairs, eight per super-block: `Int32` `k` of block
    /// `b` packs group sums `2k` (low half) and `2k + 1` (high half), the operand
    /// ``pairTerms(_:_:)`` broadcasts.
    static func groupSumPairs(_ x: Q8_KRow, blocks: Int, into out: UnsafeMutablePointer<Int32>) {
        let sums = UnsafeRawPointer(x.groupSums16)
        for i in 0..<(8 * blocks) { out[i] = sums.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self) }
    }

    /// `pairs` lanes of one token: `Σ p_s · Σx_s` per row (`gs`: its 16 group sums).
    @inline(__always)
    static func pairTerms(_ sc: F.Scales, _ gs: UnsafePointer<Int16>) -> __m256i {
        let sums = UnsafeRawPointer(gs)
        // k spelled out, not looped: each shuffle mask is then a constant.
        @inline(__always) func term(_ k: Int) -> __m256i {
            _mm256_madd_epi16(sc.pair(k), _mm256_set1_epi32(sums.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)))
        }
        let m0 = _mm256_add_epi32(_mm256_add_epi32(term(0), term(1)), _mm256_add_epi32(term(2), term(3)))
        let m1 = _mm256_add_epi32(_mm256_add_epi32(term(4), term(5)), _mm256_add_epi32(term(6), term(7)))
        return _mm256_add_epi32(m0, m1)
    }

    /// One token through one group: `acc` plus the eight rows' super-block results.
    @inline(__always)
    static func accumulate(_ acc: __m256, _ g: UnsafeRawPointer, _ x: UnsafePointer<Int8>, _ gs: UnsafePointer<Int16>, dx: Float)
        -> __m256
    {
        let sc = F.Scales(g)
        var isum = _mm256_setzero_si256()
        // s spelled out, not looped: each scale shuffle is then a constant.
        @inline(__always) func sub(_ s: Int) { isum = _mm256_add_epi32(isum, subTerm(g, s, x, sc.scale(s))) }
        sub(0); sub(1); sub(2); sub(3); sub(4); sub(5); sub(6); sub(7)
        sub(8); sub(9); sub(10); sub(11); sub(12); sub(13); sub(14); sub(15)
        return F.finish(acc, g, isum: isum, pairs: pairTerms(sc, gs), dx: dx)
    }

    static func gemvRows(_ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Q8_KRow, y: UnsafeMutablePointer<Float>) {
        let nb = cols / 256
        PanelLayout.gemv8(base, range: range, rows: rows, blocks: nb, groupBytes: groupBytes, y: y) { acc, g, b in
            accumulate(acc, g, x.codes8 + 256 * b, x.groupSums16 + 16 * b, dx: x.scales[b])
        } tail: { r in
            F.dot(base + r * nb * F.blockBytes, x, count: cols)
        }
    }

    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int, y: UnsafeMutablePointer<Float>,
        pool: ThreadPool?
    ) {
        let act = ActivationBatchQ8_K(x, tokens: tokens, cols: cols, pool: pool)
        let nb = cols / 256
        if InstructionSet.current == .avx512vnni, let vnniTile = F.vnniTile {
            return PanelLayout.vnniKGemm(
                base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockBytes: F.blockBytes, activations: act,
                pairsPerBlock: 8, pairs: { row, out in groupSumPairs(row, blocks: nb, into: out) }, tile: vnniTile,
                tail: { row, t in F.dot(row, act.row(t), count: cols) })
        }
        PanelLayout.gemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockElements: 256, blockBytes: F.blockBytes) {
            panel, t, n, out in tile(panel, nb, act, t, n, out, rows)
        } tail: { row, t in
            F.dot(row, act.row(t), count: cols)
        }
    }

    /// The `[8 rows × n ≤ 4 tokens]` tile of one panel: each sub-block's codes unpacked and
    /// each scale decoded once for the four tokens.
    @inline(__always)
    static func tile(
        _ panel: UnsafeRawPointer, _ nb: Int, _ a: ActivationBatchQ8_K, _ t0: Int, _ n: Int, _ y: UnsafeMutablePointer<Float>,
        _ ldy: Int
    ) {
        let gb = groupBytes
        guard n == 4 else {
            for j in 0..<n {
                let x = a.row(t0 + j)
                var acc = _mm256_setzero_ps()
                for b in 0..<nb { acc = accumulate(acc, panel + gb * b, x.codes8 + 256 * b, x.groupSums16 + 16 * b, dx: x.scales[b]) }
                _mm256_storeu_ps(y + j * ldy, acc)
            }
            return
        }
        let r0 = a.row(t0), r1 = a.row(t0 + 1), r2 = a.row(t0 + 2), r3 = a.row(t0 + 3)
        // The four tokens' float accumulators live in `y` (loaded and stored once per group),
        // which leaves the sixteen registers to the integer sums: held in registers, they
        // spilled sums and codes in the sub-block loop.
        for j in 0..<4 { _mm256_storeu_ps(y + j * ldy, _mm256_setzero_ps()) }
        for b in 0..<nb {
            let g = panel + gb * b, o = 256 * b
            let sc = F.Scales(g)
            var i0 = _mm256_setzero_si256(), i1 = _mm256_setzero_si256(), i2 = _mm256_setzero_si256(), i3 = _mm256_setzero_si256()
            @inline(__always) func sub(_ s: Int) {
                var s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256(), s2 = _mm256_setzero_si256(), s3 = _mm256_setzero_si256()
                let low = AVX2.load(g + F.lowBitsAt(s)), k = sc.scale(s)
                @inline(__always) func reduce() {
                    i0 = _mm256_add_epi32(i0, _mm256_madd_epi16(s0, k)); i1 = _mm256_add_epi32(i1, _mm256_madd_epi16(s1, k))
                    i2 = _mm256_add_epi32(i2, _mm256_madd_epi16(s2, k)); i3 = _mm256_add_epi32(i3, _mm256_madd_epi16(s3, k))
                }
                for j in 0..<4 {
                    let q = F.codes(g, low, s, j), e = o + 16 * s + 4 * j
                    s0 = _mm256_add_epi16(s0, _mm256_maddubs_epi16(q, AVX2.broadcast4(r0.codes8 + e)))
                    s1 = _mm256_add_epi16(s1, _mm256_maddubs_epi16(q, AVX2.broadcast4(r1.codes8 + e)))
                    s2 = _mm256_add_epi16(s2, _mm256_maddubs_epi16(q, AVX2.broadcast4(r2.codes8 + e)))
                    s3 = _mm256_add_epi16(s3, _mm256_maddubs_epi16(q, AVX2.broadcast4(r3.codes8 + e)))
                    if F.wideCodes && j == 1 {
                        reduce()
                        s0 = _mm256_setzero_si256(); s1 = _mm256_setzero_si256(); s2 = _mm256_setzero_si256(); s3 = _mm256_setzero_si256()
                    }
                }
                reduce()
            }
            sub(0); sub(1); sub(2); sub(3); sub(4); sub(5); sub(6); sub(7)
            sub(8); sub(9); sub(10); sub(11); sub(12); sub(13); sub(14); sub(15)
            @inline(__always) func finish(_ j: Int, _ isum: __m256i, _ r: Q8_KRow) {
                let out = y + j * ldy
                _mm256_storeu_ps(out, F.finish(_mm256_loadu_ps(out), g, isum: isum, pairs: pairTerms(sc, r.groupSums16 + 16 * b), dx: r.scales[b]))
            }
            finish(0, i0, r0); finish(1, i1, r1); finish(2, i2, r2); finish(3, i3, r3)
        }
    }
}

/// Q2_K: `w = d · (sc & 15) · q − dmin · (sc >> 4)`. Group header:
/// `[d0 … d7: fp16] [dmin0 … dmin7: fp16] [scales w for w in 0..<4: row r's scales[4w ..< 4w+4]]`;
/// the minimums are the second term, `acc − Float(pairs) · dmin · dx`.
extension BlockQ2_K: WidePanel16Block {
    typealias Panels = WidePanel16<Self>
    static var blockBytes: Int { 84 }
    @inline(__always) static func lowBitsAt(_ s: Int) -> Int { 160 + 32 * s }
    static var codeBytes: Range<Int> { 16..<80 }
    static var vnniTile: PanelLayout.VNNIKTile? {
        { VNNIKTiles.q2KTile($0, blocks: $1, $2, y: $3, ldy: $4, continuing: $5) }
    }

    static func repackRow(_ block: UnsafeRawPointer, into g: UnsafeMutableRawPointer, row r: Int) {
        g.storeBytes(of: block.loadUnaligned(fromByteOffset: 80, as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
        g.storeBytes(of: block.loadUnaligned(fromByteOffset: 82, as: UInt16.self), toByteOffset: 16 + 2 * r, as: UInt16.self)
        for w in 0..<4 { (g + 32 + 32 * w + 4 * r).copyMemory(from: block + 4 * w, byteCount: 4) }
        packLowBits(block, into: g, row: r)
    }

    static func unpackRow(_ g: UnsafeRawPointer, row i: Int, into block: UnsafeMutableRawPointer) {
        block.storeBytes(of: g.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self), toByteOffset: 80, as: UInt16.self)
        block.storeBytes(of: g.loadUnaligned(fromByteOffset: 16 + 2 * i, as: UInt16.self), toByteOffset: 82, as: UInt16.self)
        for w in 0..<4 { (block + 4 * w).copyMemory(from: g + 32 + 32 * w + 4 * i, byteCount: 4) }
        unpackLowBits(g, row: i, into: block)
    }

    static func panelCode(_ block: UnsafeRawPointer, _ e: Int) -> UInt8 { UInt8(code(block, e) as Int32) }

    static func setCode(_ q: UInt8, _ e: Int, in block: UnsafeMutableRawPointer) {
        // Element e = 128k + 32j + l: bits 2j of qs[32k + l].
        let k = e / 128, j = (e % 128) / 32, l = e % 32, p = block + 16 + 32 * k + l
        p.storeBytes(of: p.load(as: UInt8.self) | q << (2 * j), as: UInt8.self)
    }

    @inline(__always)
    static func codes(_ g: UnsafeRawPointer, _ low: __m256i, _ s: Int, _ j: Int) -> __m256i {
        _mm256_and_si256(j == 0 ? low : _mm256_srli_epi16(low, Int32(2 * j)), _mm256_set1_epi8(3))
    }

    /// The four scale vectors as stored (scale in the low nibble, minimum in the high one).
    struct Scales: WidePanel16Scales {
        let g: UnsafeRawPointer
        @inline(__always) init(_ g: UnsafeRawPointer) { self.g = g }
        @inline(__always) func word(_ w: Int) -> __m256i { AVX2.load(g + 32 + 32 * w) }
        @inline(__always) func scale(_ s: Int) -> __m256i {
            _mm256_and_si256(WidePanel16<BlockQ2_K>.spread(word(s / 4), s % 4, s % 4), _mm256_set1_epi16(0x0f))
        }
        @inline(__always) func pair(_ k: Int) -> __m256i {
            _mm256_srli_epi16(WidePanel16<BlockQ2_K>.spread(word(k / 2), 2 * (k % 2), 2 * (k % 2) + 1), 4)
        }
    }

    @inline(__always)
    static func finish(_ acc: __m256, _ g: UnsafeRawPointer, isum: __m256i, pairs: __m256i, dx: Float) -> __m256 {
        let d = _mm256_cvtph_ps(AVX2.load128(g)), dmin = _mm256_cvtph_ps(AVX2.load128(g + 16)), s = _mm256_set1_ps(dx)
        let a = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_mul_ps(d, s), acc)
        return _mm256_fnmadd_ps(_mm256_cvtepi32_ps(pairs), _mm256_mul_ps(dmin, s), a)
    }
}

/// Q3_K: `w = d · (sc − 32) · (q − 4)`, `q` = 0…7. Group header:
/// `[d0 … d7: fp16] [scale words w for w in 0..<3: row r's scales[4w ..< 4w+4]]`, then for each
/// pair of sub-blocks `2h, 2h + 1` 96 bytes, `[rest vector] [code vector 2h] [code vector 2h + 1]`
/// (row `r`: 4 bytes of each). Byte `b` of sub-block `s`'s code vector holds whole codes:
///
/// ```
/// bits 0–2: q(16s + b)   bits 3–5: q(16s + 4 + b)   bits 6–7: q(16s + 8 + b) & 3
/// ```
///
/// and nibble `s % 2` of byte `b` of the rest vector holds `q(16s + 12 + b)` in bits 0–2 and
/// `q(16s + 8 + b) >> 2` in bit 3. Shifts 0, 1 and 3 of a sub-block are then one shift and
/// one mask, shift 2 five operations: 19 per sub-block pair, where two-bit low vectors
/// beside a high-bit vector (ggml's split) took 38. The `−4` is the second term, folded into
/// the integers: `isum − 4 · pairs` with `pairs = Σ (sc − 32) · Σx`, so the sum is ggml's
/// `Σ (sc − 32) · Σ (q − 4) · x` exactly.
extension BlockQ3_K: WidePanel16Block {
    typealias Panels = WidePanel16<Self>
    static var blockBytes: Int { 110 }
    /// Group offset of the rest vector of sub-blocks `2h` and `2h + 1`, which their two code
    /// vectors follow.
    @inline(__always) static func restAt(_ h: Int) -> Int { 112 + 96 * h }
    @inline(__always) static func lowBitsAt(_ s: Int) -> Int { restAt(s / 2) + 32 + 32 * (s % 2) }
    static var codeBytes: Range<Int> { 0..<96 }
    static var vnniTile: PanelLayout.VNNIKTile? {
        { VNNIKTiles.q3KTile($0, blocks: $1, $2, y: $3, ldy: $4, continuing: $5) }
    }

    static func repackRow(_ block: UnsafeRawPointer, into g: UnsafeMutableRawPointer, row r: Int) {
        g.storeBytes(of: block.loadUnaligned(fromByteOffset: 108, as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
        for w in 0..<3 { (g + 16 + 32 * w + 4 * r).copyMemory(from: block + 96 + 4 * w, byteCount: 4) }
        for h in 0..<8 {
            for byte in 0..<4 {
                var rest: UInt8 = 0
                for half in 0..<2 {
                    let s = 2 * h + half
                    let e = 16 * s + byte
                    let q0 = panelCode(block, e), q1 = panelCode(block, e + 4), q2 = panelCode(block, e + 8), q3 = panelCode(block, e + 12)
                    g.storeBytes(of: q0 | q1 << 3 | (q2 & 3) << 6, toByteOffset: lowBitsAt(s) + 4 * r + byte, as: UInt8.self)
                    rest |= (q3 | (q2 >> 2) << 3) << (4 * half)
                }
                g.storeBytes(of: rest, toByteOffset: restAt(h) + 4 * r + byte, as: UInt8.self)
            }
        }
    }

    static func unpackRow(_ g: UnsafeRawPointer, row i: Int, into block: UnsafeMutableRawPointer) {
        block.storeBytes(of: g.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self), toByteOffset: 108, as: UInt16.self)
        for w in 0..<3 { (block + 96 + 4 * w).copyMemory(from: g + 16 + 32 * w + 4 * i, byteCount: 4) }
        for s in 0..<16 {
            for byte in 0..<4 {
                let v = g.load(fromByteOffset: lowBitsAt(s) + 4 * i + byte, as: UInt8.self)
                let n = g.load(fromByteOffset: restAt(s / 2) + 4 * i + byte, as: UInt8.self) >> (4 * (s % 2))
                setCode(v & 7, 16 * s + byte, in: block)
                setCode((v >> 3) & 7, 16 * s + 4 + byte, in: block)
                setCode((v >> 6) | (n >> 3 & 1) << 2, 16 * s + 8 + byte, in: block)
                setCode(n & 7, 16 * s + 12 + byte, in: block)
            }
        }
    }

    static func panelCode(_ block: UnsafeRawPointer, _ e: Int) -> UInt8 { UInt8(code(block, e) as Int32 + 4) }

    static func setCode(_ q: UInt8, _ e: Int, in block: UnsafeMutableRawPointer) {
        // Element e = 128k + 32j + l: low bits 2j of qs[32k + l], high bit 4k + j of hmask[l].
        let k = e / 128, j = (e % 128) / 32, l = e % 32, p = block + 32 + 32 * k + l, h = block + l
        p.storeBytes(of: p.load(as: UInt8.self) | (q & 3) << (2 * j), as: UInt8.self)
        h.storeBytes(of: h.load(as: UInt8.self) | ((q >> 2) & 1) << (4 * k + j), as: UInt8.self)
    }

    @inline(__always)
    static func codes(_ g: UnsafeRawPointer, _ low: __m256i, _ s: Int, _ j: Int) -> __m256i {
        // 16-bit shifts: the bits they move across bytes land outside each mask.
        let seven = _mm256_set1_epi8(7)
        switch j {
        case 0: return _mm256_and_si256(low, seven)
        case 1: return _mm256_and_si256(_mm256_srli_epi16(low, 3), seven)
        case 2:
            let rest = AVX2.load(g + restAt(s / 2))
            return _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(low, 6), _mm256_set1_epi8(3)),
                                   _mm256_and_si256(_mm256_srli_epi16(rest, Int32(1 + 4 * (s % 2))), _mm256_set1_epi8(4)))
        default:
            let rest = AVX2.load(g + restAt(s / 2))
            return _mm256_and_si256(s % 2 == 0 ? rest : _mm256_srli_epi16(rest, 4), seven)
        }
    }

    /// The sixteen signed scales `sc − 32` of eight rows, decoded as ggml's `aux` words:
    /// 32-bit lane `r` of `v[w]` holds row `r`'s scales `4w … 4w + 3` (a byte each).
    struct Scales: WidePanel16Scales {
        let v0, v1, v2, v3: __m256i

        @inline(__always)
        init(_ g: UnsafeRawPointer) {
            let a0 = AVX2.load(g + 16), a1 = AVX2.load(g + 48), a2 = AVX2.load(g + 80)
            let k2 = _mm256_set1_epi8(0x0f), k1 = _mm256_set1_epi8(0x03)
            @inline(__always) func high(_ shift: Int32) -> __m256i {
                _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(a2, shift), k1), 4)
            }
            v0 = _mm256_or_si256(_mm256_and_si256(a0, k2), high(0))
            v1 = _mm256_or_si256(_mm256_and_si256(a1, k2), high(2))
            v2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(a0, 4), k2), high(4))
            v3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(a1, 4), k2), high(6))
        }

        @inline(__always) func word(_ w: Int) -> __m256i { w == 0 ? v0 : w == 1 ? v1 : w == 2 ? v2 : v3 }
        @inline(__always) func scale(_ s: Int) -> __m256i {
            _mm256_sub_epi16(WidePanel16<BlockQ3_K>.spread(word(s / 4), s % 4, s % 4), _mm256_set1_epi16(32))
        }
        @inline(__always) func pair(_ k: Int) -> __m256i {
            _mm256_sub_epi16(WidePanel16<BlockQ3_K>.spread(word(k / 2), 2 * (k % 2), 2 * (k % 2) + 1), _mm256_set1_epi16(32))
        }
    }

    @inline(__always)
    static func finish(_ acc: __m256, _ g: UnsafeRawPointer, isum: __m256i, pairs: __m256i, dx: Float) -> __m256 {
        let d = _mm256_cvtph_ps(AVX2.load128(g)), total = _mm256_sub_epi32(isum, _mm256_slli_epi32(pairs, 2))
        return _mm256_fmadd_ps(_mm256_cvtepi32_ps(total), _mm256_mul_ps(d, _mm256_set1_ps(dx)), acc)
    }
}

/// Q6_K: `w = d · sc · (q − 32)`, `q` = 0…63. Group header:
/// `[d0 … d7: fp16] [scale words w for w in 0..<4: row r's scales[4w ..< 4w+4], int8]`, then
/// for each sub-block `s` three code vectors of 32 bytes (row `r`: 4 bytes of each), read
/// front to back. Byte `b` of vector `k` holds a whole code in bits 0–5 and two bits of a
/// fourth in bits 6–7:
///
/// ```
/// vector 0: q(16s + b)      | (q(16s + 8 + b) & 3) << 6
/// vector 1: q(16s + 4 + b)  | (q(16s + 8 + b) >> 2 & 3) << 6
/// vector 2: q(16s + 12 + b) | (q(16s + 8 + b) >> 4) << 6
/// ```
///
/// Shifts 0, 1 and 3 of a sub-block are one mask each, shift 2 eight operations: 11 per
/// sub-block, where two-bit low vectors beside nibble vectors (ggml's `ql`/`qh` split) took
/// 19. The `−32` is the second term, folded into the integers: `isum − 32 · pairs` with
/// `pairs = Σ sc · Σx`, so the sum is ggml's `Σ sc · Σ (q − 32) · x`.
extension BlockQ6_K: WidePanel16Block {
    typealias Panels = WidePanel16<Self>
    static var blockBytes: Int { 210 }
    @inline(__always) static func lowBitsAt(_ s: Int) -> Int { 144 + 96 * s }
    /// Group offset of sub-block `s`'s code vector `k`.
    @inline(__always) static func vectorAt(_ s: Int, _ k: Int) -> Int { lowBitsAt(s) + 32 * k }
    static var codeBytes: Range<Int> { 0..<192 }
    static var wideCodes: Bool { true }
    static var vnniTile: PanelLayout.VNNIKTile? {
        { VNNIKTiles.q6KTile($0, blocks: $1, $2, y: $3, ldy: $4, continuing: $5) }
    }

    static func repackRow(_ block: UnsafeRawPointer, into g: UnsafeMutableRawPointer, row r: Int) {
        g.storeBytes(of: block.loadUnaligned(fromByteOffset: 208, as: UInt16.self), toByteOffset: 2 * r, as: UInt16.self)
        for w in 0..<4 { (g + 16 + 32 * w + 4 * r).copyMemory(from: block + 192 + 4 * w, byteCount: 4) }
        for s in 0..<16 {
            for byte in 0..<4 {
                let e = 16 * s + byte
                let q0 = panelCode(block, e), q1 = panelCode(block, e + 4), q2 = panelCode(block, e + 8), q3 = panelCode(block, e + 12)
                let o = 4 * r + byte
                g.storeBytes(of: q0 | (q2 & 3) << 6, toByteOffset: vectorAt(s, 0) + o, as: UInt8.self)
                g.storeBytes(of: q1 | (q2 >> 2 & 3) << 6, toByteOffset: vectorAt(s, 1) + o, as: UInt8.self)
                g.storeBytes(of: q3 | (q2 >> 4) << 6, toByteOffset: vectorAt(s, 2) + o, as: UInt8.self)
            }
        }
    }

    static func unpackRow(_ g: UnsafeRawPointer, row i: Int, into block: UnsafeMutableRawPointer) {
        block.storeBytes(of: g.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self), toByteOffset: 208, as: UInt16.self)
        for w in 0..<4 { (block + 192 + 4 * w).copyMemory(from: g + 16 + 32 * w + 4 * i, byteCount: 4) }
        for s in 0..<16 {
            for byte in 0..<4 {
                let o = 4 * i + byte, e = 16 * s + byte
                let v0 = g.load(fromByteOffset: vectorAt(s, 0) + o, as: UInt8.self)
                let v1 = g.load(fromByteOffset: vectorAt(s, 1) + o, as: UInt8.self)
                let v2 = g.load(fromByteOffset: vectorAt(s, 2) + o, as: UInt8.self)
                setCode(v0 & 63, e, in: block)
                setCode(v1 & 63, e + 4, in: block)
                setCode(v0 >> 6 | (v1 >> 6) << 2 | (v2 >> 6) << 4, e + 8, in: block)
                setCode(v2 & 63, e + 12, in: block)
            }
        }
    }

    static func panelCode(_ block: UnsafeRawPointer, _ e: Int) -> UInt8 { UInt8(code(block, e) as Int32 + 32) }

    static func setCode(_ q: UInt8, _ e: Int, in block: UnsafeMutableRawPointer) {
        // Element e = 128k + 32·quarter + l: nibble (quarter / 2) of ql[64k + 32(quarter % 2) + l],
        // bits 2·quarter of qh[32k + l] above it.
        let k = e / 128, quarter = (e % 128) / 32, l = e % 32
        let p = block + 64 * k + 32 * (quarter % 2) + l, h = block + 128 + 32 * k + l
        p.storeBytes(of: p.load(as: UInt8.self) | (q & 15) << (4 * (quarter / 2)), as: UInt8.self)
        h.storeBytes(of: h.load(as: UInt8.self) | ((q >> 4) & 3) << (2 * quarter), as: UInt8.self)
    }

    @inline(__always)
    static func codes(_ g: UnsafeRawPointer, _ low: __m256i, _ s: Int, _ j: Int) -> __m256i {
        let six = _mm256_set1_epi8(63)
        switch j {
        case 0: return _mm256_and_si256(low, six)
        case 1: return _mm256_and_si256(AVX2.load(g + vectorAt(s, 1)), six)
        case 3: return _mm256_and_si256(AVX2.load(g + vectorAt(s, 2)), six)
        default:
            // The three two-bit fields, masked first so that the 16-bit shifts never move a
            // high byte's bits into its low byte: ((a >> 2 | b) >> 2 | c) >> 2.
            let top = _mm256_set1_epi8(-64)
            let a = _mm256_and_si256(low, top), b = _mm256_and_si256(AVX2.load(g + vectorAt(s, 1)), top)
            let c = _mm256_and_si256(AVX2.load(g + vectorAt(s, 2)), top)
            let ab = _mm256_srli_epi16(_mm256_or_si256(_mm256_srli_epi16(a, 2), b), 2)
            return _mm256_srli_epi16(_mm256_or_si256(ab, c), 2)
        }
    }

    /// The four scale vectors as stored: 32-bit lane `r` of word `w` holds row `r`'s signed
    /// scales `4w … 4w + 3`.
    struct Scales: WidePanel16Scales {
        let g: UnsafeRawPointer
        @inline(__always) init(_ g: UnsafeRawPointer) { self.g = g }
        @inline(__always) func word(_ w: Int) -> __m256i { AVX2.load(g + 16 + 32 * w) }
        @inline(__always) func scale(_ s: Int) -> __m256i { WidePanel16<BlockQ6_K>.spreadSigned(word(s / 4), s % 4, s % 4) }
        @inline(__always) func pair(_ k: Int) -> __m256i {
            WidePanel16<BlockQ6_K>.spreadSigned(word(k / 2), 2 * (k % 2), 2 * (k % 2) + 1)
        }
    }

    @inline(__always)
    static func finish(_ acc: __m256, _ g: UnsafeRawPointer, isum: __m256i, pairs: __m256i, dx: Float) -> __m256 {
        let d = _mm256_cvtph_ps(AVX2.load128(g)), total = _mm256_sub_epi32(isum, _mm256_slli_epi32(pairs, 5))
        return _mm256_fmadd_ps(_mm256_cvtepi32_ps(total), _mm256_mul_ps(d, _mm256_set1_ps(dx)), acc)
    }
}
#endif
