import Foundation
@testable import Probe
import XCTest

/// ``ZlibLength`` against CPython's `len(zlib.compress(x))`, recorded by
/// `Fixtures/zlib/make_zlib_fixture.py` (zlib 1.2.13).
final class ZlibLengthTests: XCTestCase {
    private struct Fixture: Decodable {
        struct Synthetic: Decodable { let name: String; let length: Int; let bytes: Int }
        let synthetic: [Synthetic]
        let files: [String: [Int]]
    }

    private static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    private func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: Self.here.appendingPathComponent("Fixtures/zlib/lengths.json")))
    }

    private static func lcgBytes(_ seed: UInt64, _ n: Int) -> [UInt8] {
        var x = seed
        return (0..<n).map { _ in
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(x >> 56)
        }
    }

    /// The fixture's synthetic inputs, rebuilt from their names.
    private static func input(_ name: String) -> [UInt8] {
        if name == "empty" { return [] }
        if name == "a" { return [0x61] }
        let parts = name.split(separator: ":")
        if parts.count == 3, let seed = UInt64(parts[1]), let n = Int(parts[2]) {
            let raw = lcgBytes(seed, n)
            if parts[0] == "random" { return raw }
            let alphabet = Array("abcdefgh ".utf8)
            return raw.map { alphabet[Int($0) % alphabet.count] }
        }
        let star = name.split(separator: "*")
        return Array(repeating: Array(star[0].utf8), count: Int(star[1])!).flatMap { $0 }
    }

    func testSyntheticInputsMatchZlib() throws {
        for item in try fixture().synthetic {
            let data = Self.input(item.name)
            XCTAssertEqual(data.count, item.bytes, item.name)
            XCTAssertEqual(ZlibLength.compressedLength(data), item.length, item.name)
        }
    }

    func testShippedCorpusMatchesZlib() throws {
        let data = Self.here.appendingPathComponent("../../Models/data").standardizedFileURL
        try XCTSkipUnless(FileManager.default.fileExists(atPath: data.path), "Models/data not present")
        for (file, lengths) in try fixture().files.sorted(by: { $0.key < $1.key }) {
            let url = data.appendingPathComponent(file)
            let texts: [String]
            if file.hasPrefix("raw/") {
                texts = [try String(contentsOf: url, encoding: .utf8)]
            } else if file.hasPrefix("verbmem/") {
                texts = try MUSEDataset.load(from: data, components: .verbMem).verbMemForget.map(\.groundTruth)
            } else {
                texts = try MUSEDataset.loadStrings(url)
            }
            XCTAssertEqual(texts.map { ZlibLength.compressedLength($0) }, lengths, file)
        }
    }
}
