import Kernels

/// The attention of one model's prefill: every token of a `tokens`-long sequence attending
/// causally over the cache, one work item per (token, key/value group) over the pool, as
/// `TransformerModel` runs it for one layer.
struct AttentionBench {
    let model: String
    let settings: Attention.Settings
    let tokens: Int

    /// The attention shapes of ``ModelShapes``' models.
    static func shape(for key: String) -> (model: String, settings: Attention.Settings)? {
        func s(_ m: String, heads: Int, kvHeads: Int, headDim: Int) -> (String, Attention.Settings) {
            (m, Attention.Settings(heads: heads, kvHeads: kvHeads, keyDim: headDim, valueDim: headDim,
                                   scale: 1 / Float(headDim).squareRoot()))
        }
        switch key {
        case "15m": return s("stories15M", heads: 6, kvHeads: 6, headDim: 48)
        case "110m": return s("stories110M", heads: 12, kvHeads: 12, headDim: 64)
        case "1b": return s("TinyLlama-1.1B", heads: 32, kvHeads: 4, headDim: 64)
        case "7b": return s("Llama-2-7B", heads: 32, kvHeads: 32, headDim: 128)
        default: return nil
        }
    }

    /// Multiply-adds of one layer's prefill: per token `t` (seeing `t + 1` keys) and head,
    /// `keyDim` for each score and `valueDim` for each output element.
    var multiplyAdds: Int {
        let positions = tokens * (tokens + 1) / 2
        return positions * settings.heads * (settings.keyDim + settings.valueDim)
    }

    /// Median seconds per layer over `reps` repetitions of at least 20 ms each.
    func time(pool: ThreadPool, reps: Int) -> Double {
        let a = settings, groups = a.kvHeads, g = a.heads / a.kvHeads
        let qDim = a.heads * a.keyDim, kDim = a.kvHeads * a.keyDim, vDim = a.kvHeads * a.valueDim, oDim = a.heads * a.valueDim
        func values(_ n: Int, _ seed: Int) -> [Float] { (0..<n).map { Float((($0 &* 7919 &+ seed) % 1000)) / 1000 - 0.5 } }
        let q = values(tokens * qDim, 1), k = values(tokens * kDim, 2), v = values(tokens * vDim, 3)
        var out = [Float](repeating: 0, count: tokens * oDim)
        var scores = [Float](repeating: 0, count: pool.threadCount * g * tokens)
        var samples: [Double] = []
        q.withUnsafeBufferPointer { qb in
            k.withUnsafeBufferPointer { kb in
                v.withUnsafeBufferPointer { vb in
                    out.withUnsafeMutableBufferPointer { ob in
                        scores.withUnsafeMutableBufferPointer { sb in
                            let o = UncheckedBox(ob), s = UncheckedBox(sb), stride = g * tokens
                            func layer() {
                                pool.parallelFor(tokens * groups) { range, thread in
                                    let scratch = UnsafeMutableBufferPointer(rebasing: s.value[(thread * stride)..<((thread + 1) * stride)])
                                    for item in range {
                                        let t = item / groups
                                        Attention.attendGroup(
                                            item % groups, query: UnsafeBufferPointer(rebasing: qb[(t * qDim)..<((t + 1) * qDim)]),
                                            keys: UnsafeBufferPointer(rebasing: kb[0..<((t + 1) * kDim)]),
                                            values: UnsafeBufferPointer(rebasing: vb[0..<((t + 1) * vDim)]),
                                            first: 0, positions: t + 1, settings: a,
                                            out: UnsafeMutableBufferPointer(rebasing: o.value[(t * oDim)..<((t + 1) * oDim)]),
                                            scores: scratch)
                                    }
                                }
                            }
                            layer()  // warm up
                            for _ in 0..<reps {
                                var calls = 0
                                let t0 = now()
                                var dt = 0.0
                                repeat {
                                    layer()
                                    calls += 1
                                    dt = now() - t0
                                } while dt < 0.02
                                samples.append(dt / Double(calls))
                            }
                        }
                    }
                }
            }
        }
        sink += out[out.count / 2]
        return samples.sorted()[samples.count / 2]
    }
}
