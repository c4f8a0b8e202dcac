/// Keys and values of every layer for the positions processed so far.
///
/// Layout per layer: `[capacity, kvDim]` row-major, for keys and values separately. Setting
/// ``length`` back rewinds the cache, so a shared prompt prefix can be computed once and reused.
public final class KVCache: @unchecked Sendable {
    public let layers: Int
    public let kvDim: Int
    /// Maximum number of positions.
    public let capacity: Int
    /// Number of positions filled. May be lowered to rewind; never raised by hand past what
    /// was computed.
    public var length: Int = 0

    // [layers, capacity, kvDim]
    let keys: UnsafeMutableBufferPointer<Float>
    let values: UnsafeMutableBufferPointer<Float>

    public init(layers: Int, kvDim: Int, capacity: Int) {
        self.layers = layers
        self.kvDim = kvDim
        self.capacity = capacity
        keys = .allocate(capacity: max(1, layers * capacity * kvDim))
        values = .allocate(capacity: max(1, layers * capacity * kvDim))
        keys.initialize(repeating: 0)
        values.initialize(repeating: 0)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// A copy of the first ``length`` positions, with the same capacity.
    public func copy() -> KVCache {
        let c = KVCache(layers: layers, kvDim: kvDim, capacity: capacity)
        for l in 0..<layers {
            let base = l * capacity * kvDim, n = length * kvDim
            for i in base..<(base + n) {
                c.keys[i] = keys[i]
                c.values[i] = values[i]
            }
        }
        c.length = length
        return c
    }

    /// Keys of layer `layer`, position `pos`.
    @inline(__always)
    func keyRow(_ layer: Int, _ pos: Int) -> UnsafeMutablePointer<Float> {
        keys.baseAddress! + (layer * capacity + pos) * kvDim
    }

    /// Values of layer `layer`, position `pos`.
    @inline(__always)
    func valueRow(_ layer: Int, _ pos: Int) -> UnsafeMutablePointer<Float> {
        values.baseAddress! + (layer * capacity + pos) * kvDim
    }
}
