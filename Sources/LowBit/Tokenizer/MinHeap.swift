/// A binary min-heap: the work queue of both BPE encoders and of the BPE trainer.
public struct MinHeap<Element: Comparable> {
    /// The heap array (the smallest element first).
    public private(set) var elements: [Element] = []

    /// Creates an empty heap.
    public init() {}

    /// Whether the heap is empty.
    public var isEmpty: Bool { elements.isEmpty }

    /// Removes every element, keeping the storage.
    public mutating func removeAll() { elements.removeAll(keepingCapacity: true) }

    /// Adds `element` in O(log n).
    public mutating func push(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest element in O(log n), or `nil` when empty.
    public mutating func pop() -> Element? {
        guard let last = elements.popLast() else { return nil }
        guard !elements.isEmpty else { return last }
        let top = elements[0]
        elements[0] = last
        var parent = 0
        let count = elements.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var smallest = left
            if left + 1 < count && elements[left + 1] < elements[left] { smallest = left + 1 }
            guard elements[smallest] < elements[parent] else { break }
            elements.swapAt(smallest, parent)
            parent = smallest
        }
        return top
    }
}
