import Kernels

/// Weights of one shape and type, with enough copies to stream from DRAM rather than L3.
struct MatrixBench {
    let shape: MatrixShape
    let type: GGMLType
    let weightBytes: Int
    private let copies: [LinearWeights]
    private let raw: [UInt8]

    /// Total weight bytes cycled through, so repeated calls do not hit the 32 MB L3
    /// (unless `hot`, which times one cache-resident copy for cycles-per-block analysis).
    static let coldBytes = 96 << 20

    init(shape: MatrixShape, type: GGMLType, hot: Bool) {
        self.shape = shape
        self.type = type
        var rng: UInt64 = 0x1234_5678 &+ UInt64(shape.rows &* 31 &+ shape.cols)
        let values = (0..<(shape.rows * shape.cols)).map { _ -> Float in
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int32(truncatingIfNeeded: rng >> 32)) / Float(Int32.max) * 0.05
        }
        raw = try! RowCodec.quantize(values, as: type)  // shapes are block-aligned by construction
        weightBytes = raw.count
        let n = hot ? 1 : min(512, max(1, (Self.coldBytes + raw.count - 1) / raw.count))
        copies = raw.withUnsafeBytes { b in
            (0..<n).map { _ in try! LinearWeights(type: type, rows: shape.rows, cols: shape.cols, bytes: b) }
        }
    }

    /// One configuration's timing: the median seconds per `apply`, and the read bandwidth
    /// measured right beside each repetition.
    struct Timing {
        /// Median seconds per `apply`.
        var seconds: Double
        /// Median over repetitions of the mean of the read passes just before and just after it, GB/s.
        var adjacentReadGBps: Double
        /// Median over repetitions of (weight bytes / seconds) / that repetition's adjacent read rate.
        var fractionOfAdjacentRead: Double
    }

    /// Times `apply` over `reps` repetitions, each ≥ 20 ms, cycling the copies. When `reader`
    /// is given, a ≥ 20 ms read pass over it runs before the first repetition and after every
    /// one, so each repetition's bandwidth is compared with the ceiling of the same moment
    /// (this VM's DRAM bandwidth drifts by ±30% within minutes).
    func time(tokens: Int, pool: ThreadPool, reps: Int, reader: ReadProbe?) -> Timing {
        let x = (0..<(tokens * shape.cols)).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
        var y = [Float](repeating: 0, count: tokens * shape.rows)
        var samples: [Double] = [], reads: [Double] = [], ratios: [Double] = []
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                for w in copies { w.apply(xb, tokens: tokens, into: yb, pool: pool) }  // warm up
                var before = reader?.gbps(pool: pool, minSeconds: 0.02)
                for _ in 0..<reps {
                    var calls = 0
                    let t0 = now()
                    var dt = 0.0
                    repeat {
                        copies[calls % copies.count].apply(xb, tokens: tokens, into: yb, pool: pool)
                        calls += 1
                        dt = now() - t0
                    } while dt < 0.02
                    let seconds = dt / Double(calls)
                    samples.append(seconds)
                    if let reader, let b = before {
                        let after = reader.gbps(pool: pool, minSeconds: 0.02), read = (b + after) / 2
                        reads.append(read)
                        ratios.append(Double(weightBytes) / seconds / 1e9 / read)
                        before = after
                    }
                }
            }
        }
        sink += y[0]
        func median(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.sorted()[v.count / 2] }
        return Timing(seconds: median(samples), adjacentReadGBps: median(reads), fractionOfAdjacentRead: median(ratios))
    }

    /// Seconds per row of the scalar reference dot (one thread), timed on up to 256 rows.
    func scalarGemvSecondsPerRow() -> Double {
        let rows = min(shape.rows, 256), rowBytes = weightBytes / shape.rows
        let x = (0..<shape.cols).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
        var acc: Float = 0
        let t0 = now()
        let traits = type.traits!  // kernel-bench only accepts supported types
        x.withUnsafeBufferPointer { xb in
            raw.withUnsafeBytes { w in
                for r in 0..<rows {
                    let row = UnsafeRawBufferPointer(rebasing: w[(r * rowBytes)..<((r + 1) * rowBytes)])
                    acc += (try? traits.dotRef(row, xb)) ?? 0
                }
            }
        }
        sink += acc
        return (now() - t0) / Double(rows)
    }
}
