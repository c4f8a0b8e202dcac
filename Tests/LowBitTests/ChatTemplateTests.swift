import Foundation
import XCTest
@testable import LowBit

/// Chat templates against llama.cpp's own rendering, recorded in
/// `Fixtures/chat/chat_templates.json` by `Fixtures/chat/make_chat_fixtures.py`
/// (llama_cpp.llama_chat_apply_template from llama-cpp-python).
final class ChatTemplateTests: XCTestCase {
    struct Fixture: Decodable {
        struct Render: Decodable { let template: String; let conversation: Int; let addGenerationPrompt: Bool; let text: String }
        struct Detection: Decodable {
            let label: String; let template: String; let conversation: Int; let addGenerationPrompt: Bool
            let text: String?; let unsupported: Bool?
        }
        let conversations: [[ChatMessage]]
        let renders: [Render]
        let detection: [Detection]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/chat/chat_templates.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    func testEveryFamilyRendersAsLlamaCpp() throws {
        let f = try Self.fixture()
        XCTAssertEqual(f.renders.count, ChatTemplate.builtIn.count * f.conversations.count * 2)
        for r in f.renders {
            let t = try ChatTemplate.named(r.template)
            let got = t.apply(f.conversations[r.conversation], addGenerationPrompt: r.addGenerationPrompt)
            XCTAssertEqual(got, r.text, "\(r.template) conversation \(r.conversation) add=\(r.addGenerationPrompt)")
        }
    }

    /// Detection from template text: where LowBit picks a family, its rendering must be the
    /// one llama.cpp produced for the same text; where LowBit refuses, llama.cpp either refused
    /// too or rendered something none of LowBit's families produce.
    func testDetectionFromTemplateTextAgreesWithLlamaCpp() throws {
        let f = try Self.fixture()
        var detected = Set<String>()
        for d in f.detection {
            let conv = f.conversations[d.conversation]
            do {
                let t = try ChatTemplateDetection.detect(d.template)
                detected.insert(t.name)
                XCTAssertEqual(t.apply(conv, addGenerationPrompt: d.addGenerationPrompt), d.text, d.label)
            } catch {
                let ours = ChatTemplate.builtIn.map { $0.apply(conv, addGenerationPrompt: d.addGenerationPrompt) }
                if let text = d.text { XCTAssertFalse(ours.contains(text), "\(d.label): llama.cpp rendered a family we have") }
                else { XCTAssertEqual(d.unsupported, true, d.label) }
            }
        }
        XCTAssertEqual(detected, ["llama2", "llama2-sys-bos", "llama2-sys-strip", "llama3", "chatml", "gemma", "phi3"])
    }

    func testShadowedFamiliesAreNamedNotMisrendered() {
        XCTAssertThrowsError(try ChatTemplateDetection.detect("{{'<|im_start|>' + role + '<|im_sep|>'}}")) { e in
            XCTAssertEqual(e as? ChatTemplateError, .unrecognised(key: "tokenizer.chat_template", detected: "phi4",
                                                                  excerpt: "{{'<|im_start|>' + role + '<|im_sep|>'}}"))
        }
        XCTAssertThrowsError(try ChatTemplateDetection.detect("{{ role }}: {{ content }}")) { e in
            guard case .unrecognised(let key, nil, _)? = e as? ChatTemplateError else { return XCTFail("\(e)") }
            XCTAssertEqual(key, "tokenizer.chat_template")
            XCTAssertTrue("\(e)".contains("--chat-template"))
        }
    }

    func testResolveUsesOverrideThenMetadata() throws {
        var md = GGUFMetadata()
        XCTAssertThrowsError(try ChatTemplateDetection.resolve(metadata: md, override: nil)) { e in
            XCTAssertEqual(e as? ChatTemplateError, .missing(key: "tokenizer.chat_template"))
        }
        XCTAssertEqual(try ChatTemplateDetection.resolve(metadata: md, override: "gemma").name, "gemma")
        XCTAssertThrowsError(try ChatTemplateDetection.resolve(metadata: md, override: "jinja")) { e in
            guard case .unknownName("jinja", _)? = e as? ChatTemplateError else { return XCTFail("\(e)") }
        }
        md["tokenizer.chat_template"] = .string("{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>{% endfor %}")
        XCTAssertEqual(try ChatTemplateDetection.resolve(metadata: md, override: nil).name, "llama3")
        XCTAssertEqual(try ChatTemplateDetection.resolve(metadata: md, override: "chatml").name, "chatml")
    }

    func testTrimIsCIsspaceOnly() {
        XCTAssertEqual(" \t\n\u{0B}\u{0C}\r x y \r\n".cTrimmed, "x y")
        XCTAssertEqual("\u{00A0}x\u{00A0}".cTrimmed, "\u{00A0}x\u{00A0}")
    }
}
