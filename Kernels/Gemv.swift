/// Matrix-vector kernels for decode (one activation row): `y[r] = Σ_c W[r, c] · x[c]` for
/// the rows in a range. Kernel-internal; ``LinearWeights`` checks shapes and splits rows
/// over threads.
///
/// The integer kernels run one row at a time, reading each row as a single sequential stream:
/// measured here, interleaving four quantized rows (four streams advancing 18–34 bytes per
/// step) cut DRAM throughput by 3× (6 GB/s against 16 GB/s) at equal cache-hot speed. The
/// float kernels make four outputs per pass (64-byte steps per row stream well), loading
/// the activations once for four rows.
enum Gemv {
    /// Pointers to quantized activations (see ``ActivationsQ8_0``).
    struct Q8Input {
        let codes: UnsafePointer<Int16>
        let scales: UnsafePointer<Float>
        let sums: UnsafePointer<Float>
        let blocks: Int
    }

    static func q8_0(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = DotProducts.dotQ8_0Q8_0(w + r * rowBytes, x.codes, x.scales, blocks: x.blocks) }
    }

    static func q4_0(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = DotProducts.dotQ4_0Q8_0(w + r * rowBytes, x.codes, x.scales, x.sums, blocks: x.blocks) }
    }

    /// Q4_0 rows in ``RepackedQ4_0``'s layout; `x.codes` permuted to match.
    static func q4_0Repacked(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = RepackedQ4_0.dot(w + r * rowBytes, x.codes, x.scales, x.sums, blocks: x.blocks) }
    }

    static func q4_1(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = DotProducts.dotQ4_1Q8_0(w + r * rowBytes, x.codes, x.scales, x.sums, blocks: x.blocks) }
    }

    @inline(__always)
    static func store4(_ v: SIMD4<Float>, _ y: UnsafeMutablePointer<Float>) {
        y[0] = v[0]; y[1] = v[1]; y[2] = v[2]; y[3] = v[3]
    }

    /// Float weights (f32, f16, bf16): four rows per pass, two accumulators per row.
    static func float<R: FloatRow>(
        _: R.Type, _ w: UnsafeRawPointer, rowBytes: Int, cols n: Int, rows: Range<Int>, x: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>
    ) {
        var r = rows.lowerBound
        while r + 4 <= rows.upperBound {
            let p0 = w + r * rowBytes, p1 = p0 + rowBytes, p2 = p1 + rowBytes, p3 = p2 + rowBytes
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
            var c = 0
            while c + 16 <= n {
                let x0 = load8(x + c), x1 = load8(x + c + 8)
                a0.addProduct(R.load8(p0, c), x0); b0.addProduct(R.load8(p0, c + 8), x1)
                a1.addProduct(R.load8(p1, c), x0); b1.addProduct(R.load8(p1, c + 8), x1)
                a2.addProduct(R.load8(p2, c), x0); b2.addProduct(R.load8(p2, c + 8), x1)
                a3.addProduct(R.load8(p3, c), x0); b3.addProduct(R.load8(p3, c + 8), x1)
                c += 16
            }
            var s = SIMD4<Float>(hsum(a0 + b0), hsum(a1 + b1), hsum(a2 + b2), hsum(a3 + b3))
            while c < n {
                s.addProduct(SIMD4(R.load1(p0, c), R.load1(p1, c), R.load1(p2, c), R.load1(p3, c)), SIMD4(repeating: x[c]))
                c += 1
            }
            store4(s, y + r)
            r += 4
        }
        while r < rows.upperBound {
            y[r] = DotProducts.dotFloat(R.self, w + r * rowBytes, x, count: n)
            r += 1
        }
    }
}
