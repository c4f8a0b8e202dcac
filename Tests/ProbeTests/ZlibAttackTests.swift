import Foundation
import LowBit
@testable import Probe
import XCTest

/// The zlib-ratio attack in the probe: score = mean NLL / len(zlib.compress(text)).
final class ZlibAttackTests: XCTestCase {
    private var fixture: RunnerFixture!

    override func setUpWithError() throws { fixture = try RunnerFixture() }
    override func tearDown() { fixture.remove() }

    func testZlibAUCIsTheRatioOfLossToCompressedLength() throws {
        let report = try ProbeRunner(configuration: fixture.configuration(precisions: [.f32, .q4_0], subjects: 2)).run()
        let data = try MUSEDataset.load(from: fixture.dataDirectory)
        for cell in report.cells {
            func scores(_ split: ItemSplit, _ texts: [String]) -> [Double] {
                cell.items.filter { $0.split == split }.sorted { $0.index < $1.index }.compactMap { item in
                    item.goldLogProbs.map { -$0.mean / Double(ZlibLength.compressedLength(texts[item.index])) }
                }
            }
            let expected = AUC.privLeakAUC(forgetScores: scores(.privLeakForget, data.privLeakForget),
                                           holdoutScores: scores(.privLeakHoldout, data.privLeakHoldout))
            XCTAssertNotNil(cell.zlibAUC)
            XCTAssertEqual(cell.zlibAUC, expected, "\(cell.modelName)@\(cell.precision)")
            // The fixture's texts compress to different lengths, so the ratio is not the loss's order.
            XCTAssertNotNil(cell.privLeakZlib)
        }
        let retrain = try XCTUnwrap(report.cells.first { $0.role == .retrain && $0.precision == "f32" })
        XCTAssertEqual(try XCTUnwrap(retrain.privLeakZlib), 0, accuracy: 1e-12)
        XCTAssertTrue(TableRenderer.render(report).contains("Zlib-AUC"))
    }
}
