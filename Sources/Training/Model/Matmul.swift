import Kernels

/// The three matrix products of training, on row-major f32 matrices:
///
/// ```
/// forward:        Y[n, out]  = X[n, in] · W[out, in]ᵀ
/// backwardInput:  dX[n, in] (+)= dY[n, out] · W[out, in]
/// backwardWeight: dW[out, in] += dY[n, out]ᵀ · X[n, in]
/// ```
///
/// All three reduce to one kernel, `C[n, m] (+)= A[n, k] · B[k, m]`, after transposing the
/// smaller operand (W for the forward, dY for the weight gradient) into scratch. The kernel
/// splits rows of C across threads; each element of C is an FMA chain over k in a fixed
/// order (k in blocks of `kBlock`), computed by exactly one thread, so results are
/// bit-identical for any thread count.
enum Matmul {
    /// Reduction chunk: C is re-loaded and stored after each block of k.
    static let kBlock = 256
    /// Column panel kept hot in cache while row tiles sweep over it.
    static let nPanel = 128

    static func forward(
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        rows: Int, inDim: Int, outDim: Int, scratch: FloatBuffer, pool: ThreadPool
    ) {
        let wt = scratch.reserve(inDim * outDim)
        transpose(w, rows: outDim, cols: inDim, into: wt, pool: pool)
        gemm(a: x, b: wt, c: y, n: rows, k: inDim, m: outDim, accumulate: false, pool: pool)
    }

    static func backwardInput(
        dy: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
        rows: Int, inDim: Int, outDim: Int, accumulate: Bool, pool: ThreadPool
    ) {
        gemm(a: dy, b: w, c: dx, n: rows, k: outDim, m: inDim, accumulate: accumulate, pool: pool)
    }

    static func backwardWeight(
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
        rows: Int, inDim: Int, outDim: Int, scratch: FloatBuffer, pool: ThreadPool
    ) {
        let dyt = scratch.reserve(rows * outDim)
        transpose(dy, rows: rows, cols: outDim, into: dyt, pool: pool)
        gemm(a: dyt, b: x, c: dw, n: outDim, k: rows, m: inDim, accumulate: true, pool: pool)
    }

    /// `dst[c, r] = src[r, c]` for a `rows × cols` source.
    static func transpose(
        _ src: UnsafePointer<Float>, rows: Int, cols: Int, into dst: UnsafeMutablePointer<Float>, pool: ThreadPool
    ) {
        let tile = 32
        pool.parallelFor((cols + tile - 1) / tile) { range, _ in
            for cb in range {
                let c0 = cb * tile, c1 = min(cols, c0 + tile)
                var r0 = 0
                while r0 < rows {
                    let r1 = min(rows, r0 + tile)
                    for c in c0..<c1 {
                        for r in r0..<r1 { dst[c &* rows &+ r] = src[r &* cols &+ c] }
                    }
                    r0 = r1
                }
            }
        }
    }

    /// `C[n, m] = A[n, k] · B[k, m]`, or `C += A · B` when `accumulate`.
    static func gemm(
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
        n: Int, k: Int, m: Int, accumulate: Bool, pool: ThreadPool
    ) {
        guard n > 0, m > 0 else { return }
        if k == 0 {
            if !accumulate { c.update(repeating: 0, count: n * m) }
            return
        }
        pool.parallelFor(n) { range, _ in
            var k0 = 0
            while k0 < k {
                let k1 = min(k, k0 + kBlock)
                let load = accumulate || k0 > 0
                var j0 = 0
                while j0 < m {
                    let j1 = min(m, j0 + nPanel)
                    var i = range.lowerBound
                    while i + 6 <= range.upperBound {
                        tile6(a, b, c, i, j0, j1, k0, k1, k, m, load)
                        i += 6
                    }
                    while i < range.upperBound {
                        tile1(a, b, c, i, j0, j1, k0, k1, k, m, load)
                        i += 1
                    }
                    j0 = j1
                }
                k0 = k1
            }
        }
    }

    @inline(__always)
    private static func ld(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func st(_ p: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// Six rows of C, columns `j0..<j1`, reduction `k0..<k1`.
    @inline(__always)
    private static func tile6(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        _ i: Int, _ j0: Int, _ j1: Int, _ k0: Int, _ k1: Int, _ k: Int, _ m: Int, _ load: Bool
    ) {
        let a0 = a + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k, a4 = a3 + k, a5 = a4 + k
        let c0 = c + i * m, c1 = c0 + m, c2 = c1 + m, c3 = c2 + m, c4 = c3 + m, c5 = c4 + m
        var j = j0
        while j + 16 <= j1 {
            var s00 = SIMD8<Float>(), s01 = SIMD8<Float>(), s10 = SIMD8<Float>(), s11 = SIMD8<Float>()
            var s20 = SIMD8<Float>(), s21 = SIMD8<Float>(), s30 = SIMD8<Float>(), s31 = SIMD8<Float>()
            var s40 = SIMD8<Float>(), s41 = SIMD8<Float>(), s50 = SIMD8<Float>(), s51 = SIMD8<Float>()
            if load {
                s00 = ld(c0 + j); s01 = ld(c0 + j + 8); s10 = ld(c1 + j); s11 = ld(c1 + j + 8)
                s20 = ld(c2 + j); s21 = ld(c2 + j + 8); s30 = ld(c3 + j); s31 = ld(c3 + j + 8)
                s40 = ld(c4 + j); s41 = ld(c4 + j + 8); s50 = ld(c5 + j); s51 = ld(c5 + j + 8)
            }
            var bp = b + k0 * m + j
            for kk in k0..<k1 {
                let b0 = ld(bp), b1 = ld(bp + 8)
                var x = SIMD8<Float>(repeating: a0[kk])
                s00.addProduct(x, b0); s01.addProduct(x, b1)
                x = SIMD8<Float>(repeating: a1[kk])
                s10.addProduct(x, b0); s11.addProduct(x, b1)
                x = SIMD8<Float>(repeating: a2[kk])
                s20.addProduct(x, b0); s21.addProduct(x, b1)
                x = SIMD8<Float>(repeating: a3[kk])
                s30.addProduct(x, b0); s31.addProduct(x, b1)
                x = SIMD8<Float>(repeating: a4[kk])
                s40.addProduct(x, b0); s41.addProduct(x, b1)
                x = SIMD8<Float>(repeating: a5[kk])
                s50.addProduct(x, b0); s51.addProduct(x, b1)
                bp += m
            }
            st(c0 + j, s00); st(c0 + j + 8, s01); st(c1 + j, s10); st(c1 + j + 8, s11)
            st(c2 + j, s20); st(c2 + j + 8, s21); st(c3 + j, s30); st(c3 + j + 8, s31)
            st(c4 + j, s40); st(c4 + j + 8, s41); st(c5 + j, s50); st(c5 + j + 8, s51)
            j += 16
        }
        if j < j1 {
            for r in 0..<6 { tail(a, b, c, i + r, j, j1, k0, k1, k, m, load) }
        }
    }

    /// One row of C, columns `j0..<j1`; same per-element arithmetic as `tile6`.
    @inline(__always)
    private static func tile1(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        _ i: Int, _ j0: Int, _ j1: Int, _ k0: Int, _ k1: Int, _ k: Int, _ m: Int, _ load: Bool
    ) {
        let a0 = a + i * k, c0 = c + i * m
        var j = j0
        while j + 16 <= j1 {
            var s0 = load ? ld(c0 + j) : SIMD8<Float>()
            var s1 = load ? ld(c0 + j + 8) : SIMD8<Float>()
            var bp = b + k0 * m + j
            for kk in k0..<k1 {
                let x = SIMD8<Float>(repeating: a0[kk])
                s0.addProduct(x, ld(bp)); s1.addProduct(x, ld(bp + 8))
                bp += m
            }
            st(c0 + j, s0); st(c0 + j + 8, s1)
            j += 16
        }
        if j < j1 { tail(a, b, c, i, j, j1, k0, k1, k, m, load) }
    }

    /// Columns `j0..<j1` (fewer than 16) of one row: 8 wide, then scalar.
    @inline(__always)
    private static func tail(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
        _ i: Int, _ j0: Int, _ j1: Int, _ k0: Int, _ k1: Int, _ k: Int, _ m: Int, _ load: Bool
    ) {
        let a0 = a + i * k, c0 = c + i * m
        var j = j0
        while j + 8 <= j1 {
            var s = load ? ld(c0 + j) : SIMD8<Float>()
            var bp = b + k0 * m + j
            for kk in k0..<k1 {
                s.addProduct(SIMD8<Float>(repeating: a0[kk]), ld(bp))
                bp += m
            }
            st(c0 + j, s)
            j += 8
        }
        while j < j1 {
            var s: Float = load ? c0[j] : 0
            var bp = b + k0 * m + j
            for kk in k0..<k1 {
                s.addProduct(a0[kk], bp.pointee)
                bp += m
            }
            c0[j] = s
            j += 1
        }
    }
}
