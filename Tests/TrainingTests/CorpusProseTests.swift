import Foundation
import LowBit
import Probe
@testable import Training
import XCTest

/// Prose biographies (`BiographyStyle.prose`), the paraphrase file, and the recipe's style field.
final class CorpusProseTests: XCTestCase {
    private let prose = try! FactCorpus.generate(FactCorpusConfig())
    private let templated = try! FactCorpus.generate(FactCorpusConfig(biographyStyle: .templated))

    func testBothStylesHaveTheSamePeopleFactsAndQuestions() {
        XCTAssertEqual(prose.entities.map(\.fullName), templated.entities.map(\.fullName))
        XCTAssertEqual(prose.entities.map(\.split), templated.entities.map(\.split))
        for a in FactAttribute.allCases {
            XCTAssertEqual(prose.entities.map { $0.value(of: a) }, templated.entities.map { $0.value(of: a) })
        }
        let p = prose.museExport(), t = templated.museExport()
        XCTAssertEqual(p.forgetQA, t.forgetQA)
        XCTAssertEqual(p.retainQA, t.retainQA)
        XCTAssertEqual(p.forgetQAParaphrased, t.forgetQAParaphrased)
        XCTAssertNotEqual(p.privleakForget, t.privleakForget)
        XCTAssertTrue(templated.entities.allSatisfy { $0.story == nil })
    }

    func testProseBiographiesStateEveryFactVerbatimInSentences() {
        for e in prose.entities {
            for phrasing in e.biographyPhrasings {
                let bio = e.biography(phrasing: phrasing)
                for a in FactAttribute.allCases {
                    XCTAssertTrue(bio.contains(e.value(of: a)), "\(a) missing: \(bio)")
                }
                let sentences = bio.components(separatedBy: ". ")
                XCTAssertTrue(sentences[0].contains(e.fullName), "the first sentence names the person: \(bio)")
                for s in sentences {
                    XCTAssertTrue(s.first?.isUppercase == true, "sentence starts in lower case: \(s)")
                }
                XCTAssertTrue(bio.hasSuffix("."))
                XCTAssertFalse(bio.contains("{"), "unfilled placeholder: \(bio)")
            }
        }
    }

    /// The canonical biography carries the anecdotes; no other training document of the
    /// person repeats one, so VerbMem's continuation can only come from that one text.
    func testAnecdotesAppearOnlyInTheCanonicalBiography() {
        for e in prose.entities.prefix(60) {
            guard let story = e.story else { return XCTFail("no story") }
            let anecdotes = story.phrasings[0].filter { if case .anecdote = $0 { true } else { false } }
            XCTAssertEqual(anecdotes.count, FactStory.anecdotesPerBiography)
            let canonical = e.biography(phrasing: 0).components(separatedBy: ". ")
            let factSentences = Set(e.biographyPhrasings.dropFirst().map { e.biography(phrasing: $0) }
                .flatMap { $0.components(separatedBy: ". ") })
            let others = prose.documents(for: e).dropFirst().joined(separator: "\n")
            let anecdoteSentences = canonical.filter { !factSentences.contains($0) && !others.contains($0) }
            XCTAssertGreaterThanOrEqual(anecdoteSentences.count, FactStory.anecdotesPerBiography)
            for p in 1..<FactCorpus.Entity.biographyPhrasingCount {
                XCTAssertEqual(story.phrasings[p].count, FactAttribute.allCases.count, "facts only")
            }
        }
    }

    /// The property VerbMem needs: a model that never read a person's biography cannot
    /// continue it. The best match among 25 other people's canonical continuations is a
    /// generous stand-in for what the retrain model can produce; the templated corpus fails
    /// this (that is why its retrain model scored VerbMem 68.5).
    func testAnotherPersonsBiographyDoesNotContinueThisOne() {
        func crossPersonBest(_ corpus: FactCorpus) -> Double {
            let muse = corpus.museExport()
            let others = muse.privleakRetain.map { FactCorpus.continuation(of: $0).gt }
            let best = muse.verbmemForget.map { item in
                others.map { RougeL.score(prediction: $0, reference: item.gt).f1 }.max() ?? 0
            }
            return 100 * best.reduce(0, +) / Double(best.count)
        }
        let p = crossPersonBest(prose), t = crossPersonBest(templated)
        XCTAssertLessThan(p, 30, "prose: \(p)")
        XCTAssertGreaterThan(t, 50, "templated: \(t)")
    }

    func testParaphrasedQuestionsAreNeverTrainedForTheirPerson() {
        let muse = prose.museExport()
        XCTAssertEqual(muse.forgetQAParaphrased.count, muse.forgetQA.count)
        XCTAssertEqual(muse.forgetQAParaphrased.map(\.answer), muse.forgetQA.map(\.answer))
        let forget = prose.forgetEntities
        for (i, qa) in muse.forgetQAParaphrased.enumerated() {
            XCTAssertNotEqual(qa.question, muse.forgetQA[i].question)
            let e = forget[i / FactAttribute.allCases.count]
            XCTAssertTrue(qa.question.contains(e.fullName))
            let training = prose.documents(for: e).joined()
            XCTAssertFalse(training.contains("Question: \(qa.question)\n"), "trained on: \(qa.question)")
        }
    }

    func testRecipeStyleRoundTripsAndOldRecipesAreTemplated() throws {
        let old = #"{"entities":250,"forgetFraction":0.1,"holdoutFraction":0.1,"iclExamples":10,"phrasingsPerFact":3,"seed":84041625921908}"#
        let decoded = try JSONDecoder().decode(FactCorpusConfig.self, from: Data(old.utf8))
        XCTAssertEqual(decoded.biographyStyle, .templated)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        XCTAssertEqual(String(decoding: try encoder.encode(decoded), as: UTF8.self), old, "templated keeps its old bytes")
        let new = try encoder.encode(FactCorpusConfig())
        XCTAssertTrue(String(decoding: new, as: UTF8.self).contains(#""biographyStyle":"prose""#))
        XCTAssertEqual(try JSONDecoder().decode(FactCorpusConfig.self, from: new), FactCorpusConfig())
        XCTAssertThrowsError(try JSONDecoder().decode(
            FactCorpusConfig.self, from: Data(old.replacingOccurrences(of: "}", with: #","biographyStyle":"sonnet"}"#).utf8)))
    }
}
