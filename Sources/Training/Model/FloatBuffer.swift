/// A growable, owned block of f32 scratch memory for activations and gradients.
///
/// Kept as a raw allocation (not an `Array`) so that hot loops run without copy-on-write
/// or exclusivity checks; the pointer never escapes the owning `LlamaGraph`.
final class FloatBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init(_ count: Int = 0) {
        capacity = max(count, 1)
        pointer = .allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for `count` floats; contents are undefined after a resize.
    @discardableResult
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            capacity = count
            pointer = .allocate(capacity: capacity)
            pointer.initialize(repeating: 0, count: capacity)
        }
        return pointer
    }

    /// Sets the first `count` floats to zero.
    func zero(_ count: Int) { pointer.update(repeating: 0, count: min(count, capacity)) }
}
