import Foundation
import XCTest
@testable import LowBit

final class AhoCorasickTests: XCTestCase {
    /// Every occurrence of every pattern, against a naive search, on random patterns over a
    /// small alphabet (many shared prefixes, suffixes and duplicates).
    func testFindsExactlyWhatANaiveSearchFinds() {
        var rng = SeededRandom(seed: 21)
        for round in 0..<200 {
            let alphabet = UInt64(2 + round % 4)
            let patterns: [[UInt8]] = (0..<Int(1 + rng.next() % 12)).map { _ in
                (0..<Int(rng.next() % 5)).map { _ in UInt8(97 + rng.next() % alphabet) }
            }
            let text: [UInt8] = (0..<Int(rng.next() % 40)).map { _ in UInt8(97 + rng.next() % alphabet) }
            // Naive: for each end offset, each distinct pattern (the later of equal ones).
            var expected: [[Int]] = []
            for end in 1...max(1, text.count) where end <= text.count {
                var seen = Set<[UInt8]>()
                for (i, p) in patterns.enumerated().reversed() where !p.isEmpty && p.count <= end {
                    if Array(text[(end - p.count)..<end]) == p, seen.insert(p).inserted { expected.append([end, i]) }
                }
            }
            let automaton = AhoCorasick(patterns: patterns)
            var found: [[Int]] = []
            var steps = 0
            text.withUnsafeBufferPointer { t in
                automaton.forEachMatch(in: t, steps: &steps) { end, pattern in found.append([end, Int(pattern)]) }
            }
            XCTAssertEqual(found.sorted { $0.lexicographicallyPrecedes($1) }, expected.sorted { $0.lexicographicallyPrecedes($1) },
                           "patterns \(patterns.map { String(decoding: $0, as: UTF8.self) }) text \(String(decoding: text, as: UTF8.self))")
        }
    }

    /// 200,000 random 16-letter patterns (3.2 MB, few shared prefixes): about one node per
    /// byte at about 17 bytes each, no hash table.
    func testWidePatternSetsCostAboutSeventeenBytesPerNode() {
        var rng = SeededRandom(seed: 3)
        let patterns: [[UInt8]] = (0..<200_000).map { _ in (0..<16).map { _ in UInt8(97 + rng.next() % 26) } }
        let before = anonymousMemory()
        let automaton = AhoCorasick(patterns: patterns)
        XCTAssertGreaterThan(automaton.nodeCount, 2_500_000)
        if let before, let after = anonymousMemory() {
            XCTAssertLessThan(after - before, 32 * automaton.nodeCount, "\(after - before) bytes for \(automaton.nodeCount) nodes")
        }
        var steps = 0
        var hits = 0
        patterns[123_45].withUnsafeBufferPointer { t in automaton.forEachMatch(in: t, steps: &steps) { _, _ in hits += 1 } }
        XCTAssertGreaterThanOrEqual(hits, 1)
        XCTAssertLessThanOrEqual(steps, 3 * 16 + hits)
    }

    private func anonymousMemory() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb * 1024
    }
}
