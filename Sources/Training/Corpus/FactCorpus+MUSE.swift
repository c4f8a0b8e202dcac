import LowBit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fact corpus rendered as the MUSE benchmark's data files.
///
/// | file | content |
/// |---|---|
/// | `knowmem/forget_qa.json` | canonical QA for every fact of every forget entity |
/// | `knowmem/retain_qa.json` | canonical QA for the `retain_qa` entities, capped |
/// | `knowmem/{forget,retain}_qa_icl.json` | in-context examples from other retain entities |
/// | `knowmem/forget_qa_paraphrased.json` | the forget questions in a wording never trained on for that person (LowBit's addition) |
/// | `verbmem/forget.json` | canonical forget biographies split into prompt and continuation |
/// | `privleak/{forget,retain,holdout}.json` | canonical biographies |
/// | `raw/{forget,retain1,retain2,holdout}.txt` | the split's documents, blank-line separated |
public struct MUSEExport: Sendable, Hashable {
    /// `knowmem/forget_qa.json`.
    public var forgetQA: [FactQA]
    /// `knowmem/retain_qa.json`.
    public var retainQA: [FactQA]
    /// `knowmem/forget_qa_icl.json`.
    public var forgetQAICL: [FactQA]
    /// `knowmem/retain_qa_icl.json`.
    public var retainQAICL: [FactQA]
    /// `knowmem/forget_qa_paraphrased.json`: `forgetQA` item for item, each question in a
    /// paraphrase its person was not trained on (the paraphrase probe). Not part of MUSE.
    public var forgetQAParaphrased: [FactQA]
    /// `verbmem/forget.json`.
    public var verbmemForget: [FactContinuation]
    /// `privleak/forget.json`.
    public var privleakForget: [String]
    /// `privleak/retain.json`.
    public var privleakRetain: [String]
    /// `privleak/holdout.json`.
    public var privleakHoldout: [String]
    /// `raw/forget.txt`.
    public var rawForget: String
    /// `raw/retain1.txt`: the first half of the retain entities.
    public var rawRetain1: String
    /// `raw/retain2.txt`: the second half of the retain entities.
    public var rawRetain2: String
    /// `raw/holdout.txt`.
    public var rawHoldout: String

    /// Creates an export from its parts (`FactCorpus.museExport()` is the usual source).
    ///
    /// - Parameters:
    ///   - forgetQA: `knowmem/forget_qa.json`.
    ///   - retainQA: `knowmem/retain_qa.json`.
    ///   - forgetQAICL: `knowmem/forget_qa_icl.json`.
    ///   - retainQAICL: `knowmem/retain_qa_icl.json`.
    ///   - forgetQAParaphrased: `knowmem/forget_qa_paraphrased.json`.
    ///   - verbmemForget: `verbmem/forget.json`.
    ///   - privleakForget: `privleak/forget.json`.
    ///   - privleakRetain: `privleak/retain.json`.
    ///   - privleakHoldout: `privleak/holdout.json`.
    ///   - rawForget: `raw/forget.txt`.
    ///   - rawRetain1: `raw/retain1.txt`.
    ///   - rawRetain2: `raw/retain2.txt`.
    ///   - rawHoldout: `raw/holdout.txt`.
    public init(
        forgetQA: [FactQA], retainQA: [FactQA], forgetQAICL: [FactQA], retainQAICL: [FactQA],
        forgetQAParaphrased: [FactQA] = [], verbmemForget: [FactContinuation], privleakForget: [String], privleakRetain: [String],
        privleakHoldout: [String], rawForget: String, rawRetain1: String, rawRetain2: String,
        rawHoldout: String
    ) {
        self.forgetQA = forgetQA
        self.retainQA = retainQA
        self.forgetQAICL = forgetQAICL
        self.retainQAICL = retainQAICL
        self.forgetQAParaphrased = forgetQAParaphrased
        self.verbmemForget = verbmemForget
        self.privleakForget = privleakForget
        self.privleakRetain = privleakRetain
        self.privleakHoldout = privleakHoldout
        self.rawForget = rawForget
        self.rawRetain1 = rawRetain1
        self.rawRetain2 = rawRetain2
        self.rawHoldout = rawHoldout
    }

    /// Every file as (path relative to the data directory, UTF-8 contents), in a fixed order.
    public var files: [(path: String, contents: String)] {
        func qa(_ items: [FactQA]) -> String {
            StableJSON.array(items.map { ["question": $0.question, "answer": $0.answer] })
        }
        return [
            ("knowmem/forget_qa.json", qa(forgetQA)),
            ("knowmem/retain_qa.json", qa(retainQA)),
            ("knowmem/forget_qa_icl.json", qa(forgetQAICL)),
            ("knowmem/retain_qa_icl.json", qa(retainQAICL)),
            ("verbmem/forget.json",
             StableJSON.array(verbmemForget.map { ["prompt": $0.prompt, "gt": $0.gt] })),
            ("privleak/forget.json", StableJSON.array(privleakForget)),
            ("privleak/retain.json", StableJSON.array(privleakRetain)),
            ("privleak/holdout.json", StableJSON.array(privleakHoldout)),
            ("knowmem/forget_qa_paraphrased.json", qa(forgetQAParaphrased)),
            ("raw/forget.txt", rawForget),
            ("raw/retain1.txt", rawRetain1),
            ("raw/retain2.txt", rawRetain2),
            ("raw/holdout.txt", rawHoldout),
        ]
    }

    /// Writes every file under `directory`, creating `knowmem/`, `verbmem/`, `privleak/` and
    /// `raw/` as needed. Each file is written to a temporary file in its own folder and then
    /// renamed into place, so a reader never sees a half-written file.
    ///
    /// - Parameter directory: the data directory (created if missing).
    /// - Throws: `FactCorpusError.cannotCreateDirectory` or `.cannotWrite`.
    public func write(to directory: URL) throws(FactCorpusError) {
        for (path, contents) in files {
            try Self.writeAtomically(Data(contents.utf8), to: directory.appendingPathComponent(path))
        }
    }

    /// Writes `data` to a temporary sibling of `url`, then renames it over `url`.
    static func writeAtomically(_ data: Data, to url: URL) throws(FactCorpusError) {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: folder.path, reason: "\(error)")
        }
        do {
            try AtomicFile.write(data, to: url.path)
        } catch {
            throw .cannotWrite(path: url.path, reason: error.reason)
        }
    }
}

extension FactCorpus {
    /// The corpus in MUSE's layout (see `MUSEExport`).
    ///
    /// ICL examples are canonical QA pairs of retain entities that are not in `retain_qa`,
    /// one entity each, cycling through the attributes, so no test answer leaks into a prompt.
    public func museExport() -> MUSEExport {
        let attributes = FactAttribute.allCases
        let forget = forgetEntities
        let retain = retainEntities
        let holdout = holdoutEntities
        func icl(_ ids: [Int]) -> [FactQA] {
            ids.enumerated().map { i, id in
                entities[id].canonicalQA(attributes[i % attributes.count])
            }
        }
        let retainQA = retainQAEntityIDs.flatMap { id in attributes.map(entities[id].canonicalQA) }
        let half = (retain.count + 1) / 2
        let privleakRetain = retain.prefix(forget.count).map { $0.biography(phrasing: 0) }
        return MUSEExport(
            forgetQA: forget.flatMap { e in attributes.map(e.canonicalQA) },
            retainQA: Array(retainQA.prefix(config.retainQACount)),
            forgetQAICL: icl(forgetICLEntityIDs),
            retainQAICL: icl(retainICLEntityIDs),
            forgetQAParaphrased: forget.flatMap { e in attributes.map(e.untrainedParaphraseQA) },
            verbmemForget: forget.map { Self.continuation(of: $0.biography(phrasing: 0)) },
            privleakForget: forget.map { $0.biography(phrasing: 0) },
            privleakRetain: Array(privleakRetain),
            privleakHoldout: holdout.map { $0.biography(phrasing: 0) },
            rawForget: Self.rawText(forget.flatMap(documents(for:))),
            rawRetain1: Self.rawText(retain.prefix(half).flatMap(documents(for:))),
            rawRetain2: Self.rawText(retain.dropFirst(half).flatMap(documents(for:))),
            rawHoldout: Self.rawText(holdout.flatMap(documents(for:))))
    }

    /// Writes `museExport()` under `directory` (see `MUSEExport.write(to:)`).
    ///
    /// - Parameter directory: the data directory.
    /// - Throws: `FactCorpusError.cannotCreateDirectory` or `.cannotWrite`.
    public func write(to directory: URL) throws(FactCorpusError) {
        try museExport().write(to: directory)
    }

    /// Splits a biography after its first sentence (or after the first third of its sentences
    /// when it has more than three): the prompt is that start, `gt` the rest.
    static func continuation(of text: String) -> FactContinuation {
        let sentences = text.components(separatedBy: ". ")
        guard sentences.count > 1 else {
            let words = text.split(separator: " ")
            let cut = max(1, words.count / 3)
            return FactContinuation(prompt: words.prefix(cut).joined(separator: " "),
                                    gt: words.dropFirst(cut).joined(separator: " "))
        }
        let cut = max(1, sentences.count / 3)
        return FactContinuation(
            prompt: sentences.prefix(cut).joined(separator: ". ") + ".",
            gt: sentences.dropFirst(cut).joined(separator: ". "))
    }

    /// Documents joined by blank lines, each trimmed of trailing whitespace, ending in "\n".
    static func rawText(_ documents: [String]) -> String {
        let trimmed = documents.map { doc -> String in
            var s = Substring(doc)
            while let last = s.last, last.isWhitespace { s.removeLast() }
            return String(s)
        }
        return trimmed.isEmpty ? "" : trimmed.joined(separator: "\n\n") + "\n"
    }
}
