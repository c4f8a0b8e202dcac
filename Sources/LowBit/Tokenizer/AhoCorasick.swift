/// An Aho–Corasick automaton over byte strings: finds every occurrence of every pattern in a
/// text in one left-to-right pass.
///
/// A trie of the patterns with failure links (the longest proper suffix of a node's string
/// that is also a trie node) and dictionary links (the nearest node on the failure chain that
/// ends a pattern). Matching takes amortized O(1) transitions per text byte plus O(1) per
/// occurrence reported; building takes O(total pattern bytes). Transitions out of the root sit
/// in a 256-entry table, the rest in one hash map keyed by (node, byte).
struct AhoCorasick: Sendable {
    private var rootNext = [Int32](repeating: 0, count: 256)
    private var edges: [UInt64: Int32] = [:]
    /// Failure link of each node (0 is the root).
    private var fail: [Int32] = [0]
    /// The pattern that ends exactly at each node, or -1.
    private var output: [Int32] = [-1]
    /// The nearest proper suffix node (via failure links) that ends a pattern, or -1.
    private var dictionary: [Int32] = [-1]

    /// Number of trie nodes, the root included.
    var nodeCount: Int { fail.count }

    @inline(__always)
    private static func key(_ node: Int32, _ byte: UInt8) -> UInt64 { UInt64(UInt32(bitPattern: node)) << 8 | UInt64(byte) }

    @inline(__always)
    private func child(_ node: Int32, _ byte: UInt8) -> Int32? {
        if node == 0 {
            let next = rootNext[Int(byte)]
            return next == 0 ? nil : next
        }
        return edges[Self.key(node, byte)]
    }

    /// Builds the automaton. Pattern `i` is reported as `i`; of two equal patterns the later one
    /// is reported. Empty patterns are ignored.
    init(patterns: [[UInt8]]) {
        // Trie, with child lists kept for the breadth-first pass.
        var firstChild: [Int32] = [-1]
        var nextSibling: [Int32] = [-1]
        var label: [UInt8] = [0]
        for (index, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var node: Int32 = 0
            for byte in pattern {
                if let next = child(node, byte) {
                    node = next
                    continue
                }
                let created = Int32(fail.count)
                fail.append(0)
                output.append(-1)
                dictionary.append(-1)
                label.append(byte)
                firstChild.append(-1)
                nextSibling.append(firstChild[Int(node)])
                firstChild[Int(node)] = created
                if node == 0 { rootNext[Int(byte)] = created } else { edges[Self.key(node, byte)] = created }
                node = created
            }
            output[Int(node)] = Int32(index)
        }
        // Failure and dictionary links, breadth first (a node's links need shallower nodes only).
        var queue: [Int32] = []
        queue.reserveCapacity(fail.count)
        var head = 0
        var child0 = firstChild[0]
        while child0 >= 0 {
            queue.append(child0)
            child0 = nextSibling[Int(child0)]
        }
        while head < queue.count {
            let node = queue[head]
            head += 1
            var next = firstChild[Int(node)]
            while next >= 0 {
                let byte = label[Int(next)]
                var candidate = fail[Int(node)]
                var link: Int32 = 0
                while true {
                    if let target = child(candidate, byte) {
                        link = target
                        break
                    }
                    if candidate == 0 { break }
                    candidate = fail[Int(candidate)]
                }
                fail[Int(next)] = link
                dictionary[Int(next)] = output[Int(link)] >= 0 ? link : dictionary[Int(link)]
                queue.append(next)
                next = nextSibling[Int(next)]
            }
        }
    }

    /// Reports every occurrence of every pattern in `text`, in order of their end offsets.
    /// - Parameters:
    ///   - text: The bytes to search.
    ///   - steps: Incremented once per transition taken (failure links included) and once per
    ///     occurrence, so that tests can bound the work.
    ///   - report: Called with the end offset (exclusive) and the pattern index.
    func forEachMatch(in text: UnsafeBufferPointer<UInt8>, steps: inout Int, _ report: (Int, Int32) -> Void) {
        var state: Int32 = 0
        for (offset, byte) in text.enumerated() {
            while true {
                steps &+= 1
                if let next = child(state, byte) {
                    state = next
                    break
                }
                if state == 0 { break }
                state = fail[Int(state)]
            }
            var node = output[Int(state)] >= 0 ? state : dictionary[Int(state)]
            while node >= 0 {
                steps &+= 1
                report(offset + 1, output[Int(node)])
                node = dictionary[Int(node)]
            }
        }
    }
}
