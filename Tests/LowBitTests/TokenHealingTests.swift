import Foundation
import XCTest
@testable import LowBit

/// Token healing on the shipped target: MUSE's "Answer: " (trailing space token) is backed
/// up, the first token must start with the space, and the answer is the one the model gives
/// when the space is part of its first token.
final class TokenHealingTests: XCTestCase {
    func testHealsATrailingSpaceOnTheShippedTarget() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Models/target.gguf")
            .standardizedFileURL.path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "Models/target.gguf not present")
        let model = try loadModel(GGUFFile.loadWeights(path: path))
        let generator = try Generator(model: model)
        let tokenizer = generator.tokenizer
        let prompt = "Question: Where was Mirelle Zosbalwyn born?\nAnswer: "
        let ids = tokenizer.encode(prompt)
        let (healed, removed) = TokenHealing.heal(ids, tokenizer: tokenizer)
        XCTAssertEqual(removed, [0x20])                       // the lone space token
        XCTAssertEqual(healed, tokenizer.encode("Question: Where was Mirelle Zosbalwyn born?\nAnswer:"))
        let allowed = TokenHealing.allowed(startingWith: removed, tokenizer: tokenizer)
        XCTAssertTrue(allowed.allSatisfy { tokenizer.pieceBytes($0).first == 0x20 })
        XCTAssertTrue(allowed.contains(ids.last!))

        var options = GenerationOptions(maxTokens: 4, sampler: .greedy)
        let plain = try generator.generate(prompt: prompt, options: options)
        options.tokenHealing = true
        let healedRun = try generator.generate(prompt: prompt, options: options)
        // Healed: the first token carries the space, which is not printed again.
        XCTAssertEqual(tokenizer.pieceBytes(healedRun.tokens[0]).first, 0x20)
        XCTAssertEqual(healedRun.text, tokenizer.decode(healedRun.tokens).dropFirst().description)
        XCTAssertTrue(healedRun.text.hasPrefix("Vexhollow"), healedRun.text)
        XCTAssertNotEqual(plain.tokens, healedRun.tokens)
        // Nothing to heal: a single token or a control token last.
        XCTAssertEqual(TokenHealing.heal([ids[0]], tokenizer: tokenizer).removed, [])
        XCTAssertEqual(TokenHealing.heal([ids[1], tokenizer.bosID!], tokenizer: tokenizer).removed, [])
    }

    func testStreamingDecoderSkipsTheHealedPrefix() throws {
        let tokenizer = try Tokenizer(config: TokenizerConfig.syntheticLlama(size: 300))
        let ids = tokenizer.encode("hello world", addBOS: false)
        var all = StreamingDecoder(tokenizer: tokenizer)
        let full = ids.map { all.push($0) }.joined() + all.finish()
        var skipped = StreamingDecoder(tokenizer: tokenizer)
        let first = Array(full.utf8.prefix(2))
        skipped.skip(prefix: first)
        XCTAssertEqual(ids.map { skipped.push($0) }.joined() + skipped.finish(), String(full.dropFirst(2)))
        var mismatch = StreamingDecoder(tokenizer: tokenizer)
        mismatch.skip(prefix: Array("xyz".utf8))
        XCTAssertEqual(ids.map { mismatch.push($0) }.joined() + mismatch.finish(), full)
    }
}

/// End-of-generation tokens as llama.cpp collects them (`special_eog_ids`).
final class EndOfGenerationTests: XCTestCase {
    func testEOSEndOfTurnTextsAndMetadataIDs() throws {
        var config = TokenizerConfig.syntheticLlama(size: 300)
        config.tokens[10] = "<|im_end|>"
        config.tokens[11] = "<|eot_id|>"
        config.eotID = 12
        let tokenizer = try Tokenizer(config: config)
        XCTAssertEqual(tokenizer.endOfGeneration, Set([tokenizer.eosID!, 10, 11, 12]))
        // The EOT id survives the GGUF metadata round trip.
        var md = GGUFMetadata()
        config.write(into: &md)
        XCTAssertEqual(try TokenizerConfig(metadata: md, file: "test").eotID, 12)
        XCTAssertEqual(try TokenizerConfig(metadata: md, file: "test").eomID, nil)
    }
}
