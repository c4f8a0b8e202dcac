/// Matrix-vector kernels for decode (one activation row): `y[r] = Σ_c W[r, c] · x[c]` for
/// the rows in a range. Kernel-internal; ``LinearWeights`` checks shapes and splits rows
/// over threads.
///
/// Each pass makes four outputs, so the activations are loaded once for four weight rows.
/// The integer kernels combine the four rows' per-block lane sums with two rounds of
/// adjacent-lane adds into one `[r0 r0 r1 r1 r2 r2 r3 r3]` vector, so each block costs one
/// int→float conversion and one FMA for all four rows.
enum Gemv {
    /// Pointers to quantized activations (see ``ActivationsQ8_0``).
    struct Q8Input {
        let codes: UnsafePointer<Int16>
        let scales: UnsafePointer<Float>
        let sums: UnsafePointer<Float>
        let blocks: Int
    }

    /// Scale vector `[s0 s0 s1 s1 s2 s2 s3 s3]` for the combined lanes.
    @inline(__always)
    static func pairScales(_ s: SIMD4<Float>) -> SIMD8<Float> {
        SIMD8(s[0], s[0], s[1], s[1], s[2], s[2], s[3], s[3])
    }

    @inline(__always)
    static func scales4(_ p: UnsafeRawPointer, _ stride: Int, _ offset: Int) -> SIMD4<Float> {
        let h = SIMD4<UInt16>(loadU16(p, offset), loadU16(p, stride + offset), loadU16(p, 2 * stride + offset), loadU16(p, 3 * stride + offset))
        return SIMD4<Float>(unsafeBitCast(h, to: SIMD4<Float16>.self))
    }

    @inline(__always)
    static func finish(_ acc: SIMD8<Float>) -> SIMD4<Float> {
        acc.evenHalf + acc.oddHalf
    }

    @inline(__always)
    static func store4(_ v: SIMD4<Float>, _ y: UnsafeMutablePointer<Float>) {
        y[0] = v[0]; y[1] = v[1]; y[2] = v[2]; y[3] = v[3]
    }

    static func q8_0(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        var r = rows.lowerBound
        while r + 4 <= rows.upperBound {
            let base = w + r * rowBytes
            var acc = SIMD8<Float>()
            for b in 0..<x.blocks {
                let xq = UnsafeRawPointer(x.codes + 32 * b)
                let x0 = xq.loadUnaligned(as: SIMD16<Int16>.self), x1 = xq.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self)
                let p = base + 34 * b
                @inline(__always) func row(_ i: Int) -> SIMD8<Int32> {
                    let q = p + i * rowBytes
                    return maddPairs(widenI8(q.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self)), x0)
                        &+ maddPairs(widenI8(q.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self)), x1)
                }
                let h = pairSums(pairSums(row(0), row(1)), pairSums(row(2), row(3)))
                acc.addProduct(toFloat(h), pairScales(scales4(p, rowBytes, 0) * x.scales[b]))
            }
            store4(finish(acc), y + r)
            r += 4
        }
        while r < rows.upperBound {
            y[r] = DotProducts.dotQ8_0Q8_0(w + r * rowBytes, x.codes, x.scales, blocks: x.blocks)
            r += 1
        }
    }

    static func q4_0(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        var r = rows.lowerBound
        while r + 4 <= rows.upperBound {
            let base = w + r * rowBytes
            var acc = SIMD8<Float>()
            var corr = SIMD4<Float>()
            for b in 0..<x.blocks {
                let xq = UnsafeRawPointer(x.codes + 32 * b)
                let x0 = xq.loadUnaligned(as: SIMD16<Int16>.self), x1 = xq.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self)
                let p = base + 18 * b
                @inline(__always) func row(_ i: Int) -> SIMD8<Int32> {
                    let v = widenU8((p + i * rowBytes).loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self))
                    return maddPairs(v & 0x0f, x0) &+ maddPairs(v &>> 4, x1)
                }
                let h = pairSums(pairSums(row(0), row(1)), pairSums(row(2), row(3)))
                let d = scales4(p, rowBytes, 0)
                acc.addProduct(toFloat(h), pairScales(d * x.scales[b]))
                corr.addProduct(d, SIMD4(repeating: x.sums[b]))
            }
            store4(finish(acc) - 8 * corr, y + r)
            r += 4
        }
        while r < rows.upperBound {
            y[r] = DotProducts.dotQ4_0Q8_0(w + r * rowBytes, x.codes, x.scales, x.sums, blocks: x.blocks)
            r += 1
        }
    }

    static func q4_1(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        var r = rows.lowerBound
        while r + 4 <= rows.upperBound {
            let base = w + r * rowBytes
            var acc = SIMD8<Float>()
            var corr = SIMD4<Float>()
            for b in 0..<x.blocks {
                let xq = UnsafeRawPointer(x.codes + 32 * b)
                let x0 = xq.loadUnaligned(as: SIMD16<Int16>.self), x1 = xq.loadUnaligned(fromByteOffset: 32, as: SIMD16<Int16>.self)
                let p = base + 20 * b
                @inline(__always) func row(_ i: Int) -> SIMD8<Int32> {
                    let v = widenU8((p + i * rowBytes).loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self))
                    return maddPairs(v & 0x0f, x0) &+ maddPairs(v &>> 4, x1)
                }
                let h = pairSums(pairSums(row(0), row(1)), pairSums(row(2), row(3)))
                acc.addProduct(toFloat(h), pairScales(scales4(p, rowBytes, 0) * x.scales[b]))
                corr.addProduct(scales4(p, rowBytes, 2), SIMD4(repeating: x.sums[b]))
            }
            store4(finish(acc) + corr, y + r)
            r += 4
        }
        while r < rows.upperBound {
            y[r] = DotProducts.dotQ4_1Q8_0(w + r * rowBytes, x.codes, x.scales, x.sums, blocks: x.blocks)
            r += 1
        }
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
