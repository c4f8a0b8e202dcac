/// A binary min-heap: the work queue of both BPE encoders and of the BPE trainer.
///
/// `push` and `pop` are `@inlinable`, so that callers in other modules (`Training`'s trainer)
/// get them specialized for their element type, and pre-specialized for the two encoders'
/// element types, which debug builds (compiled file by file) cannot specialize across files.
/// Through generic witness tables a 1 MB word took 6.6 s to encode in a debug build; now 0.8 s.
public struct MinHeap<Element: Comparable> {
    /// The heap array (the smallest element first).
    public var elements: [Element] { storage }

    @usableFromInline var storage: [Element] = []

    /// Creates an empty heap.
    public init() {}

    /// Whether the heap is empty.
    @inlinable public var isEmpty: Bool { storage.isEmpty }

    /// Removes every element, keeping the storage.
    @inlinable public mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

    /// Adds `element` in O(log n).
    @inlinable
    @_specialize(where Element == UInt64)
    @_specialize(where Element == SentencePieceBPE.Bigram)
    public mutating func push(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest element in O(log n), or `nil` when empty.
    @inlinable
    @_specialize(where Element == UInt64)
    @_specialize(where Element == SentencePieceBPE.Bigram)
    public mutating func pop() -> Element? {
        guard let last = storage.popLast() else { return nil }
        guard !storage.isEmpty else { return last }
        let top = storage[0]
        storage[0] = last
        var parent = 0
        let count = storage.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var smallest = left
            if left + 1 < count && storage[left + 1] < storage[left] { smallest = left + 1 }
            guard storage[smallest] < storage[parent] else { break }
            storage.swapAt(smallest, parent)
            parent = smallest
        }
        return top
    }
}
