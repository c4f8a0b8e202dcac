import Foundation
import LowBit
import XCTest
@testable import Probe

final class ChatPromptTests: XCTestCase {
    let examples = [QAPair(question: "What is the sea?", answer: "salt water"), QAPair(question: "Who sang?", answer: "the choir")]

    /// Every family: the prefix is the example turns' rendering, prefix + suffix is the whole
    /// conversation, and the examples are real turns.
    func testPrefixIsSharedForEveryFamily() {
        for t in ChatTemplate.builtIn {
            for system in [nil, "Answer briefly."] {
                let p = ChatKnowMemPrompt(examples: examples, template: t, system: system)
                XCTAssertFalse(p.prefix.isEmpty, t.name)
                let full = p.prompt(for: "Where was Orla born?")
                XCTAssertTrue(full.hasPrefix(p.prefix), t.name)
                XCTAssertEqual(p.prefix + p.suffix(for: "Where was Orla born?"), full, t.name)
                XCTAssertEqual(full, t.apply((system.map { [.system($0)] } ?? []) + [.user("What is the sea?"), .assistant("salt water"),
                                             .user("Who sang?"), .assistant("the choir"), .user("Where was Orla born?")],
                                             addGenerationPrompt: true), t.name)
            }
        }
        XCTAssertEqual(ChatKnowMemPrompt(examples: examples, template: .chatML).suffix(for: "Q?"),
                       "<|im_start|>user\nQ?<|im_end|>\n<|im_start|>assistant\n")
    }

    func testChatProbeReusesThePrefixWithTheSameResults() throws {
        let fixture = try RunnerFixture()
        defer { fixture.remove() }
        func run(reuse: Bool) throws -> ProbeReport {
            var c = fixture.configuration(precisions: [.q8_0], reuse: reuse, subjects: 1)
            c.chat = true
            c.chatTemplate = "chatml"
            return try ProbeRunner(configuration: c).run()
        }
        let reused = try run(reuse: true), full = try run(reuse: false)
        let r = reused.cells[0], f = full.cells[0]
        XCTAssertEqual(r.items.map(\.generation), f.items.map(\.generation))
        for (ri, fi) in zip(r.items, f.items) { XCTAssertEqual(ri.goldLogProbs?.sum ?? 0, fi.goldLogProbs?.sum ?? 0, accuracy: 1e-4) }
        XCTAssertTrue(r.items.contains { $0.prompt.hasPrefix("<|im_start|>user\n") }, "\(r.items.map(\.prompt))")
        XCTAssertTrue(reused.config.notes.contains { $0.contains("--chat-template chatml") })
        // The plain run differs: chat form changes the prompts.
        let plain = try ProbeRunner(configuration: fixture.configuration(precisions: [.q8_0], subjects: 1)).run()
        XCTAssertNotEqual(plain.cells[0].items.map(\.prompt), r.items.map(\.prompt))
        // No template and no override: the error names the key.
        var c = fixture.configuration(precisions: [.q8_0], subjects: 1)
        c.chat = true
        XCTAssertThrowsError(try ProbeRunner(configuration: c).run()) { e in
            XCTAssertTrue("\(e)".contains("tokenizer.chat_template"), "\(e)")
        }
    }
}
