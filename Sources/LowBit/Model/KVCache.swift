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

    /// Activation buffers of the forward passes over this cache (see ``ForwardScratch``).
    private var forwardScratch: ForwardScratch?

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
            (c.keys.baseAddress! + base).update(from: keys.baseAddress! + base, count: n)
            (c.values.baseAddress! + base).update(from: values.baseAddress! + base, count: n)
        }
        c.length = length
        return c
    }

    /// This cache's forward-pass buffers for a model of these widths.
    func scratch(dim: Int, kvDim: Int, ffnDim: Int) -> ForwardScratch {
        if let s = forwardScratch, s.dim == dim, s.kvDim == kvDim, s.ffnDim == ffnDim { return s }
        let s = ForwardScratch(dim: dim, kvDim: kvDim, ffnDim: ffnDim)
        forwardScratch = s
        return s
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
