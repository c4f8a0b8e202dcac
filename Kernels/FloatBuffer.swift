/// A growable, owned block of f32 scratch memory for activations and gradients, handed out
/// as buffer pointers. Kept as a raw allocation (not an `Array`) so hot loops run without
/// copy-on-write or exclusivity checks; the memory lives as long as the buffer object.
public final class FloatBuffer: @unchecked Sendable {
    /// The whole allocation.
    public private(set) var buffer: UnsafeMutableBufferPointer<Float>

    /// A zeroed buffer of `count` floats (at least 1).
    public init(_ count: Int = 0) {
        buffer = .allocate(capacity: max(count, 1))
        buffer.initialize(repeating: 0)
    }

    deinit { buffer.deallocate() }

    /// The first `count` floats, growing the allocation if needed (contents are undefined
    /// after growth).
    @discardableResult
    public func reserve(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        if count > buffer.count {
            buffer.deallocate()
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: 0)
        }
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
    }

    /// The first `count` floats as they are.
    public func prefix(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        precondition(count <= buffer.count, "FloatBuffer: \(count) floats requested of \(buffer.count)")
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
    }

    /// Sets the first `count` floats to zero.
    public func zero(_ count: Int) { prefix(min(count, buffer.count)).update(repeating: 0) }
}
