/// Matrix-matrix kernel for prefill (several activation rows): `y[t, r] = Σ_c W[r, c] · x[t, c]`.
/// Kernel-internal; ``LinearWeights`` checks shapes.
///
/// Blocking: the activations are packed once per call into panels of 16 tokens laid out
/// `[panel][c][16]` (zero-padded), and the weights are taken 6 rows at a time, dequantized
/// to f32 by the format's SIMD dequantizer (f32 rows are read in place). The micro-kernel
/// holds a 6 × 16 tile of `y` in twelve `SIMD8<Float>` accumulators: per column it
/// broadcasts six weights, loads two activation vectors and issues twelve FMAs. Each weight
/// tile is decoded once and reused for every token panel, so decoding costs `1 / tokens`
/// of the FMA work.
///
/// Activations go through the format's activation encoding and back to f32
/// (``ActivationEncoding/roundTrip(_:into:count:)``), so prefill computes the same function
/// as the integer GEMV (ggml's semantics), up to summation order.
enum BlockedGemm {
    static let tileRows = 6
    static let panelTokens = 16

    static func run<F: WeightFormat>(
        _: F.Type, w: UnsafeRawPointer, rows: Int, cols: Int,
        x: UnsafePointer<Float>, tokens: Int, y: UnsafeMutablePointer<Float>, pool: ThreadPool?,
        accumulate: Bool = false, transposedX: Bool = false
    ) {
        let panels = (tokens + panelTokens - 1) / panelTokens
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: panels * cols * panelTokens)
        defer { packed.deallocate() }
        packed.initialize(repeating: 0, count: panels * cols * panelTokens)
        if transposedX {
            packTransposed(x, tokens: tokens, cols: cols, into: packed)
        } else {
            packActivations(F.Activations.self, x, tokens: tokens, cols: cols, into: packed)
        }

        let tiles = (rows + tileRows - 1) / tileRows
        let pk = UncheckedBox(UnsafePointer(packed)), wk = UncheckedBox(w), yk = UncheckedBox(y)
        let work: (Range<Int>, Int) -> Void = { range, _ in
            let tile = UnsafeMutablePointer<Float>.allocate(capacity: tileRows * cols)
            defer { tile.deallocate() }
            tile.initialize(repeating: 0, count: tileRows * cols)
            for t in range {
                let r0 = t * tileRows, n = min(tileRows, rows - r0)
                var rowPtr = [UnsafePointer<Float>](repeating: UnsafePointer(tile), count: tileRows)
                for i in 0..<tileRows {
                    let dst = tile + i * cols
                    if i < n {
                        if F.panelRows == 1, let f = F.floatRow(wk.value + (r0 + i) * F.rowBytes(cols)) {
                            rowPtr[i] = f
                            continue
                        }
                        F.dequantizeStoredRow(wk.value, row: r0 + i, rows: rows, cols: cols, into: dst)
                    } else {
                        dst.update(repeating: 0, count: cols)
                    }
                    rowPtr[i] = UnsafePointer(dst)
                }
                for p in 0..<panels {
                    microKernel(
                        rowPtr[0], rowPtr[1], rowPtr[2], rowPtr[3], rowPtr[4], rowPtr[5],
                        pk.value + p * cols * panelTokens, cols: cols,
                        y: yk.value, ldy: rows, row0: r0, rowCount: n,
                        token0: p * panelTokens, tokenCount: min(panelTokens, tokens - p * panelTokens),
                        accumulate: accumulate)
                }
            }
        }
        if let pool { pool.parallelFor(tiles, work) } else { work(0..<tiles, 0) }
    }

    /// Packs `x` (`[tokens, cols]`), rounded through activation encoding `A`, into
    /// `[panel][c][16]`.
    static func packActivations<A: ActivationEncoding>(
        _: A.Type, _ x: UnsafePointer<Float>, tokens: Int, cols: Int, into packed: UnsafeMutablePointer<Float>
    ) {
        let row = UnsafeMutablePointer<Float>.allocate(capacity: cols)
        defer { row.deallocate() }
        for t in 0..<tokens {
            A.roundTrip(x + t * cols, into: row, count: cols)
            let panel = packed + (t / panelTokens) * cols * panelTokens + t % panelTokens
            for c in 0..<cols { panel[c * panelTokens] = row[c] }
        }
    }

    /// Packs `x` given as `xᵀ` (`[cols, tokens]`, f32, used as is) into `[panel][c][16]`.
    static func packTransposed(_ xt: UnsafePointer<Float>, tokens: Int, cols: Int, into packed: UnsafeMutablePointer<Float>) {
        for c in 0..<cols {
            let src = xt + c * tokens
            for t in 0..<tokens { packed[(t / panelTokens) * cols * panelTokens + c * panelTokens + t % panelTokens] = src[t] }
        }
    }

    /// `y[token0 + j, row0 + i] (+)= Σ_c w_i[c] · panel[c][j]` for a 6 × 16 tile, storing
    /// (or adding, with `accumulate`) only the `rowCount × tokenCount` valid corner.
    @inline(__always)
    static func microKernel(
        _ w0: UnsafePointer<Float>, _ w1: UnsafePointer<Float>, _ w2: UnsafePointer<Float>,
        _ w3: UnsafePointer<Float>, _ w4: UnsafePointer<Float>, _ w5: UnsafePointer<Float>,
        _ panel: UnsafePointer<Float>, cols: Int,
        y: UnsafeMutablePointer<Float>, ldy: Int, row0: Int, rowCount: Int, token0: Int, tokenCount: Int,
        accumulate: Bool
    ) {
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        var c40 = SIMD8<Float>(), c41 = SIMD8<Float>(), c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
        if accumulate {
            // Start each chain from y, so that accumulating adds every product to y in
            // column order, exactly as a scalar `y += w·x` loop would.
            withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 12) { acc in
                let a = UnsafeMutableRawPointer(acc.baseAddress!)
                a.initializeMemory(as: Float.self, repeating: 0, count: 96)
                for i in 0..<rowCount {
                    let src = y + token0 * ldy + row0 + i
                    for j in 0..<tokenCount { a.storeBytes(of: src[j * ldy], toByteOffset: 4 * (16 * i + j), as: Float.self) }
                }
                c00 = acc[0]; c01 = acc[1]; c10 = acc[2]; c11 = acc[3]; c20 = acc[4]; c21 = acc[5]
                c30 = acc[6]; c31 = acc[7]; c40 = acc[8]; c41 = acc[9]; c50 = acc[10]; c51 = acc[11]
            }
        }
        var xp = panel
        for c in 0..<cols {
            let x0 = load8(xp), x1 = load8(xp + 8)
            xp += 16
            var b = SIMD8<Float>(repeating: w0[c])
            c00.addProduct(b, x0); c01.addProduct(b, x1)
            b = SIMD8(repeating: w1[c])
            c10.addProduct(b, x0); c11.addProduct(b, x1)
            b = SIMD8(repeating: w2[c])
            c20.addProduct(b, x0); c21.addProduct(b, x1)
            b = SIMD8(repeating: w3[c])
            c30.addProduct(b, x0); c31.addProduct(b, x1)
            b = SIMD8(repeating: w4[c])
            c40.addProduct(b, x0); c41.addProduct(b, x1)
            b = SIMD8(repeating: w5[c])
            c50.addProduct(b, x0); c51.addProduct(b, x1)
        }
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 12) { acc in
            acc[0] = c00; acc[1] = c01; acc[2] = c10; acc[3] = c11; acc[4] = c20; acc[5] = c21
            acc[6] = c30; acc[7] = c31; acc[8] = c40; acc[9] = c41; acc[10] = c50; acc[11] = c51
            let a = UnsafeRawPointer(acc.baseAddress!)
            for i in 0..<rowCount {
                let out = y + token0 * ldy + row0 + i
                for j in 0..<tokenCount { out[j * ldy] = a.load(fromByteOffset: 4 * (16 * i + j), as: Float.self) }
            }
        }
    }
}
