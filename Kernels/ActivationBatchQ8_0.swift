/// Q8_0 activations of several tokens in one allocation (what the Q4_0, Q4_1, Q5_0, Q5_1 and
/// Q8_0 panel GEMMs read): token `t`'s row is ``row(_:)``, with exactly the codes, scales and
/// block sums that ``ActivationsQ8_0`` computes for that token alone. Kernel-internal.
final class ActivationBatchQ8_0 {
    let tokens: Int, cols: Int, blocks: Int
    /// `[tokens, cols]` codes as bytes.
    let codes8: UnsafeMutablePointer<Int8>
    private let codes: UnsafeMutablePointer<Int16>
    /// `[tokens, blocks]` fp16-rounded scales.
    let scales: UnsafeMutablePointer<Float>
    /// `[tokens, blocks]` `scale · Σ codes`.
    let sums: UnsafeMutablePointer<Float>

    /// Encodes `tokens` rows of `cols` activations (a multiple of 32), rows split over `pool`.
    init(_ x: UnsafePointer<Float>, tokens: Int, cols: Int, pool: ThreadPool?) {
        self.tokens = tokens
        self.cols = cols
        blocks = cols / 32
        codes8 = .allocate(capacity: max(1, tokens * cols))
        codes = .allocate(capacity: max(1, tokens * cols))
        scales = .allocate(capacity: max(1, tokens * blocks))
        sums = .allocate(capacity: max(1, tokens * blocks))
        let c8 = UncheckedBox(codes8), c16 = UncheckedBox(codes), s = UncheckedBox(scales), m = UncheckedBox(sums)
        let nb = blocks
        let work: (Range<Int>, Int) -> Void = { range, _ in
            for t in range {
                ActivationQuantizer.quantizeWide(x + t * cols, blocks: nb, codes: c16.value + t * cols,
                                                 scales: s.value + t * nb, sums: m.value + t * nb)
                for i in 0..<cols { c8.value[t * cols + i] = Int8(truncatingIfNeeded: c16.value[t * cols + i]) }
            }
        }
        if let pool, tokens > 1 { pool.parallelFor(tokens, work) } else { work(0..<tokens, 0) }
    }

    deinit {
        codes8.deallocate()
        codes.deallocate()
        scales.deallocate()
        sums.deallocate()
    }

    /// Token `t`'s row, valid while the batch lives.
    @inline(__always)
    func row(_ t: Int) -> Q8_0Row {
        Q8_0Row(codes: codes + t * cols, codes8: codes8 + t * cols, scales: scales + t * blocks, sums: sums + t * blocks,
                blocks: blocks)
    }
}
