/// Q8_K activations of several tokens in one allocation (what the k-quant GEMM reads):
/// token `t`'s row is ``row(_:)``, with exactly the codes, scales and group sums that
/// ``ActivationsQ8_K`` computes for that token alone. Kernel-internal.
final class ActivationBatchQ8_K {
    let tokens: Int, cols: Int, blocks: Int
    private let codes: UnsafeMutablePointer<Int16>
    private let codes8: UnsafeMutablePointer<Int8>
    private let scales: UnsafeMutablePointer<Float>
    private let groupSums: UnsafeMutablePointer<Int32>
    private let groupSums16: UnsafeMutablePointer<Int16>

    /// Encodes `tokens` rows of `cols` activations (a multiple of 256), rows split over `pool`.
    init(_ x: UnsafePointer<Float>, tokens: Int, cols: Int, pool: ThreadPool?) {
        self.tokens = tokens
        self.cols = cols
        blocks = cols / 256
        codes = .allocate(capacity: max(1, tokens * cols))
        codes8 = .allocate(capacity: max(1, tokens * cols))
        scales = .allocate(capacity: max(1, tokens * blocks))
        groupSums = .allocate(capacity: max(1, tokens * cols / 16))
        groupSums16 = .allocate(capacity: max(1, tokens * cols / 16))
        let q = UncheckedBox(codes), q8 = UncheckedBox(codes8), s = UncheckedBox(scales)
        let g = UncheckedBox(groupSums), g16 = UncheckedBox(groupSums16)
        let nb = blocks
        let work: (Range<Int>, Int) -> Void = { range, _ in
            for t in range {
                for b in 0..<nb {
                    let e = t * cols + 256 * b
                    s.value[t * nb + b] = ActivationsQ8_K.encodeBlock(x + e, codes: q.value + e, codes8: q8.value + e,
                                                                      groupSums: g.value + e / 16, groupSums16: g16.value + e / 16)
                }
            }
        }
        if let pool, tokens > 1 { pool.parallelFor(tokens, work) } else { work(0..<tokens, 0) }
    }

    deinit {
        codes.deallocate()
        codes8.deallocate()
        scales.deallocate()
        groupSums.deallocate()
        groupSums16.deallocate()
    }

    /// Token `t`'s row, valid while the batch lives.
    @inline(__always)
    func row(_ t: Int) -> Q8_KRow {
        Q8_KRow(codes: codes + t * cols, codes8: codes8 + t * cols, scales: scales + t * blocks,
                groupSums: groupSums + t * cols / 16, groupSums16: groupSums16 + t * cols / 16, blocks: blocks)
    }
}
