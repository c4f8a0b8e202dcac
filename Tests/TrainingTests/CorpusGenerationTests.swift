import Training
import XCTest

final class CorpusGenerationTests: XCTestCase {
    private func corpus(_ config: FactCorpusConfig = FactCorpusConfig()) throws -> FactCorpus {
        try FactCorpus.generate(config)
    }

    /// The letter runs of a text: the words an entity name could appear as.
    private func words(_ texts: [String]) -> Set<String> {
        var out = Set<String>()
        for t in texts {
            for w in t.split(whereSeparator: { !$0.isLetter }) { out.insert(String(w)) }
        }
        return out
    }

    func testSameSeedSameCorpusDifferentSeedDifferent() throws {
        let a = try corpus(FactCorpusConfig(seed: 1))
        let b = try corpus(FactCorpusConfig(seed: 1))
        let c = try corpus(FactCorpusConfig(seed: 2))
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.trainingDocuments(includeForget: true), b.trainingDocuments(includeForget: true))
        XCTAssertNotEqual(a.entities.map(\.fullName), c.entities.map(\.fullName))
        XCTAssertNotEqual(a.entities.map(\.split), c.entities.map(\.split))
    }

    func testSplitSizesFollowTheConfig() throws {
        let c = try corpus()
        XCTAssertEqual(c.entities.count, 250)
        XCTAssertEqual(c.forgetEntities.count, 25)
        XCTAssertEqual(c.holdoutEntities.count, 25)
        XCTAssertEqual(c.retainEntities.count, 200)
        XCTAssertEqual(c.entities.map(\.id), Array(0..<250))
        // Roles inside the retain split are disjoint and drawn from retain entities.
        let roles = [c.retainQAEntityIDs, c.forgetICLEntityIDs, c.retainICLEntityIDs]
        XCTAssertEqual(roles.map(\.count), [25, 10, 10])
        XCTAssertEqual(Set(roles.joined()).count, 45)
        for id in roles.joined() { XCTAssertEqual(c.entities[id].split, .retain) }
    }

    func testNamesAreUniqueAndPrefixFree() throws {
        let c = try corpus(FactCorpusConfig(entities: 600, seed: 5))
        XCTAssertEqual(Set(c.entities.map(\.fullName)).count, 600)
        XCTAssertEqual(Set(c.entities.map(\.surname)).count, 600)
        XCTAssertTrue(FactLexicon.isPrefixFree(FactLexicon.inventedWords))
        XCTAssertTrue(FactLexicon.isPrefixFree(FactLexicon.inventedWords + c.entities.map(\.surname)))
        XCTAssertFalse(FactLexicon.isPrefixFree(["Pim", "pimble"]), "the checker itself must catch prefixes")
    }

    func testHoldoutNeverTrainedAndForgetAbsentFromRetrainText() throws {
        let c = try corpus()
        let target = words(c.trainingDocuments(includeForget: true))
        let retrain = words(c.trainingDocuments(includeForget: false))
        for e in c.holdoutEntities {
            XCTAssertFalse(target.contains(e.surname), "holdout \(e.fullName) leaked into training")
        }
        for e in c.forgetEntities {
            XCTAssertTrue(target.contains(e.surname))
            XCTAssertFalse(retrain.contains(e.surname), "forget \(e.fullName) leaked into retrain text")
        }
        for e in c.retainEntities { XCTAssertTrue(retrain.contains(e.surname)) }
        XCTAssertEqual(c.trainingDocuments(includeForget: false), c.retainDocuments())
        XCTAssertEqual(
            c.trainingDocuments(includeForget: true).sorted(),
            (c.retainDocuments() + c.forgetDocuments()).sorted())
        let forgetWords = words(c.forgetDocuments())
        for e in c.retainEntities + c.holdoutEntities { XCTAssertFalse(forgetWords.contains(e.surname)) }
    }

    func testAnswersAreShortAndNonEmpty() throws {
        let c = try corpus()
        for e in c.entities {
            for a in FactAttribute.allCases {
                let words = e.value(of: a).split(separator: " ")
                XCTAssert((1...3).contains(words.count), "\(e.fullName) \(a): \(e.value(of: a))")
            }
        }
    }

    func testDocumentsStateEveryFactInEveryPhrasing() throws {
        let c = try corpus(FactCorpusConfig(phrasingsPerFact: 4, seed: 11))
        for e in c.entities.prefix(40) {
            let docs = c.documents(for: e)
            XCTAssertEqual(docs.count, 8)
            XCTAssertEqual(e.biographyPhrasings.first, 0)
            XCTAssertEqual(Set(e.biographyPhrasings).count, 4)
            for bio in docs.prefix(4) {
                for a in FactAttribute.allCases {
                    XCTAssert(bio.contains(e.value(of: a)), "\(a) missing from: \(bio)")
                }
            }
            for qaDoc in docs.suffix(4) {
                // Six blocks of exactly "Question: ...?\nAnswer: ...\n\n".
                let blocks = qaDoc.components(separatedBy: "\n\n").filter { !$0.isEmpty }
                XCTAssertEqual(blocks.count, 6)
                XCTAssert(qaDoc.hasSuffix("\n\n"))
                var answers = Set<String>()
                for block in blocks {
                    let lines = block.components(separatedBy: "\n")
                    XCTAssertEqual(lines.count, 2)
                    XCTAssert(lines[0].hasPrefix("Question: ") && lines[0].hasSuffix("?"))
                    XCTAssert(lines[0].contains(e.fullName))
                    XCTAssert(lines[1].hasPrefix("Answer: "))
                    answers.insert(String(lines[1].dropFirst("Answer: ".count)))
                }
                XCTAssertEqual(answers, Set(FactAttribute.allCases.map(e.value(of:))))
            }
            // The canonical question of every fact is trained on, and paraphrases are too.
            let allQA = docs.suffix(4).joined()
            for a in FactAttribute.allCases {
                XCTAssert(allQA.contains(e.canonicalQA(a).promptFormatted))
                XCTAssertEqual(Set(e.questionPhrasings(for: a)).count, 4)
            }
        }
    }

    func testBiographyTemplatesDiffer() throws {
        let e = try corpus().entities[0]
        let bios = (0..<FactCorpus.Entity.biographyPhrasingCount).map { e.biography(phrasing: $0) }
        XCTAssertEqual(Set(bios).count, bios.count)
        let questions = (0..<FactAttribute.questionPhrasingCount).map {
            FactAttribute.birthplace.question(about: e.fullName, phrasing: $0)
        }
        XCTAssertEqual(Set(questions).count, questions.count)
    }

    func testInvalidConfigsThrowTypedErrors() {
        func error(_ config: FactCorpusConfig) -> FactCorpusError? {
            do { _ = try FactCorpus.generate(config); return nil } catch { return error }
        }
        XCTAssertEqual(error(FactCorpusConfig(entities: 2)),
                       .invalidConfig(field: "entities", value: "2", requirement: "must be in 3...5000"))
        if case .invalidConfig(field: "forgetFraction", _, _)? = error(FactCorpusConfig(forgetFraction: 0)) {
        } else { XCTFail("forgetFraction 0 accepted") }
        if case .invalidConfig(field: "phrasingsPerFact", _, _)? = error(FactCorpusConfig(phrasingsPerFact: 9)) {
        } else { XCTFail("phrasingsPerFact 9 accepted") }
        if case .invalidConfig? = error(FactCorpusConfig(forgetFraction: 0.6, holdoutFraction: 0.5)) {
        } else { XCTFail("fractions summing past 1 accepted") }
        if case .tooFewRetainEntities? = error(FactCorpusConfig(entities: 20)) {
        } else { XCTFail("20 entities cannot supply retain_qa and two ICL sets") }
        XCTAssertFalse(FactCorpusError.tooFewRetainEntities(needed: 30, available: 16).description.isEmpty)
        XCTAssertNil(error(FactCorpusConfig(entities: 60, retainQALimit: 12, iclExamples: 5)))
    }
}
