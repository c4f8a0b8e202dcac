/// Keys and values of every layer for the positions processed so far.
///
/// Layout per layer: `[capacity, keyWidth]` keys and `[capacity, valueWidth]` values,
/// row-major. Setting ``length`` back rewinds the cache, so a shared prompt prefix can be
/// computed once and reused.
public final class KVCache: @unchecked Sendable {
    public let layers: Int
    /// Key elements per position (`kvHeads · headDim`).
    public let keyWidth: Int
    /// Value elements per position (`kvHeads · valueDim`).
    public let valueWidth: Int
    /// Maximum number of positions.
    public let capacity: Int
    /// Number of positions filled. May be lowered to rewind; never raised by hand past what
    /// was computed.
    public var length: Int = 0

    /// Activation buffers of the forward passes over this cache (see ``ForwardScratch``).
    private var forwardScratch: ForwardScratch?

    // [layers, capacity, keyWidth] and [layers, capacity, valueWidth]
    let keys: UnsafeMutableBufferPointer<Float>
    let values: UnsafeMutableBufferPointer<Float>

    /// A cache whose keys and values are both `kvDim` wide (Llama).
    public convenience init(layers: Int, kvDim: Int, capacity: Int) {
        self.init(layers: layers, keyWidth: kvDim, valueWidth: kvDim, capacity: capacity)
    }

    public init(layers: Int, keyWidth: Int, valueWidth: Int, capacity: Int) {
        self.layers = layers
        self.keyWidth = keyWidth
        self.valueWidth = valueWidth
        self.capacity = capacity
        keys = .allocate(capacity: max(1, layers * capacity * keyWidth))
        values = .allocate(capacity: max(1, layers * capacity * valueWidth))
        keys.initialize(repeating: 0)
        values.initialize(repeating: 0)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// A copy of the first ``length`` positions, with the same capacity.
    public func copy() -> KVCache {
        let c = KVCache(layers: layers, keyWidth: keyWidth, valueWidth: valueWidth, capacity: capacity)
        for l in 0..<layers {
            let kb = l * capacity * keyWidth, vb = l * capacity * valueWidth
            (c.keys.baseAddress! + kb).update(from: keys.baseAddress! + kb, count: length * keyWidth)
            (c.values.baseAddress! + vb).update(from: values.baseAddress! + vb, count: length * valueWidth)
        }
        c.length = length
        return c
    }

    /// This cache's forward-pass buffers for a model of these widths.
    func scratch(_ widths: ForwardScratch.Widths) -> ForwardScratch {
        if let s = forwardScratch, s.widths == widths { return s }
        let s = ForwardScratch(widths)
        forwardScratch = s
        return s
    }

    /// Keys of layer `layer`, position `pos`.
    @inline(__always)
    func keyRow(_ layer: Int, _ pos: Int) -> UnsafeMutablePointer<Float> {
        keys.baseAddress! + (layer * capacity + pos) * keyWidth
    }

    /// Values of layer `layer`, position `pos`.
    @inline(__always)
    func valueRow(_ layer: Int, _ pos: Int) -> UnsafeMutablePointer<Float> {
        values.baseAddress! + (layer * capacity + pos) * valueWidth
    }
}
