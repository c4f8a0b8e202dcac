import XCTest
@testable import LowBit

final class SamplerTests: XCTestCase {
    let logits: [Float] = [0.1, 2.0, -1.0, 1.9, 0.5, 3.0, 2.9, -5]

    func testGreedyAndTopKOfOneAreArgmax() {
        var g = Sampler(.greedy)
        XCTAssertEqual(g.sample(logits: logits), 5)
        var s = SamplerSettings()
        s.topK = 1
        s.seed = 9
        var k1 = Sampler(s)
        for _ in 0..<20 { XCTAssertEqual(k1.sample(logits: logits), 5) }
    }

    func testSameSeedSameDrawsAndTopKRestricts() {
        var s = SamplerSettings()
        s.temperature = 1.5
        s.topK = 3
        s.topP = 1
        s.minP = 0
        s.seed = 42
        var a = Sampler(s), b = Sampler(s)
        let da = (0..<200).map { _ in a.sample(logits: logits) }
        let db = (0..<200).map { _ in b.sample(logits: logits) }
        XCTAssertEqual(da, db)
        XCTAssertEqual(Set(da), [5, 6, 1], "top-3 of the logits")
    }

    func testPlainTemperatureMatchesSoftmaxFrequencies() {
        var s = SamplerSettings()
        s.temperature = 1
        s.topK = 0
        s.topP = 1
        s.minP = 0
        s.seed = 1
        var sampler = Sampler(s)
        let l: [Float] = [0, log(3)]  // probabilities 1/4, 3/4
        let n = 20000
        let ones = (0..<n).filter { _ in sampler.sample(logits: l) == 1 }.count
        XCTAssertEqual(Double(ones) / Double(n), 0.75, accuracy: 0.02)
    }

    func testTopPAndMinPKeepOnlyTheHead() {
        var s = SamplerSettings()
        s.temperature = 1
        s.topK = 0
        s.topP = 0.5
        s.minP = 0
        s.seed = 3
        var sampler = Sampler(s)
        let l: [Float] = [5, 0, 0, 0]  // the first token holds > 95% of the mass
        for _ in 0..<50 { XCTAssertEqual(sampler.sample(logits: l), 0) }
        s.topP = 1
        s.minP = 0.5
        var m = Sampler(s)
        for _ in 0..<50 { XCTAssertEqual(m.sample(logits: [1, 1, -3, -3]) < 2, true) }
    }

    func testRepetitionPenaltyDemotesSeenTokens() {
        var s = SamplerSettings.greedy
        s.repetitionPenalty = 2
        var sampler = Sampler(s)
        XCTAssertEqual(sampler.sample(logits: logits, history: [5]), 6)
    }
}

final class StopMatcherTests: XCTestCase {
    func testStopStringIsNeverEmittedEvenAcrossPieces() {
        var m = StopMatcher(stops: ["\n\nQ"])
        var out = ""
        for piece in ["Paris", "\n", "\n", "Q", "uestion"] { out += m.push(piece) }
        XCTAssertTrue(m.stopped)
        XCTAssertEqual(out + m.finish(), "Paris")
    }

    func testHeldBackTextIsReleasedWhenItIsNotAStop() {
        var m = StopMatcher(stops: ["END"])
        XCTAssertEqual(m.push("the E"), "the ")
        XCTAssertEqual(m.push("ND"), "")
        XCTAssertTrue(m.stopped)
        var n = StopMatcher(stops: ["END"])
        XCTAssertEqual(n.push("the E"), "the ")
        XCTAssertEqual(n.push("ast"), "East")
        XCTAssertEqual(n.finish(), "")
    }
}
