import Foundation
import LowBit
import Probe

extension ProbeCommand {
    /// `lowbit probe --benchmark tofu ...`: TOFU's metrics on every model × precision.
    static func runTOFU(_ args: Arguments, models: [ModelSpec], dataDirectory: String, precisions: [Precision]) throws -> Int32 {
        var c = TOFURunner.Configuration(models: models, dataDirectory: dataDirectory, precisions: precisions)
        c.forgetSplit = args.string("--forget-split") ?? "forget10"
        guard TOFUDataset.forgetSplits[c.forgetSplit] != nil else {
            throw UsageError("--forget-split expects forget01, forget05 or forget10, got '\(c.forgetSplit)'")
        }
        c.itemLimit = try args.int("--items", range: 1...1_000_000) ?? (args.flag("--quick") ? 10 : nil)
        c.threads = try args.int("--threads", default: min(8, ProcessInfo.processInfo.activeProcessorCount), range: 1...256)!
        c.maxNewTokens = try args.int("--max-new-tokens", default: 64, range: 1...4096)!
        c.chat = args.flag("--chat")
        c.chatTemplate = args.string("--chat-template")
        c.system = args.string("--system")
        if !c.chat, c.chatTemplate != nil || c.system != nil { throw UsageError("--chat-template and --system need --chat") }
        if let name = c.chatTemplate, (try? ChatTemplate.named(name)) == nil {
            throw UsageError("\(ChatTemplateError.unknownName(name, known: ChatTemplate.builtIn.map(\.name)))")
        }
        c.shard = try shard(args)
        if let path = args.string("--resume") { c.resume = try readTOFUReport(path) }
        let terminal = Console.stderrIsTerminal
        let lock = NSLock()
        nonisolated(unsafe) var lastCell = ""
        let report = try TOFURunner(configuration: c).run { done, total, cell in
            lock.lock(); defer { lock.unlock() }
            if terminal {
                Console.err("\r\u{1B}[K\(cell): \(done)/\(total) items", terminator: done == total ? "\n" : "")
            } else if cell != lastCell {
                lastCell = cell
                Console.err("\(cell): from item \(done)/\(total)")
            }
        }
        try emit(args, table: TOFUReportRenderer.table(report), json: { try TOFUReportRenderer.json(report) },
                 html: { TOFUReportRenderer.html(report) }, announce: true)
        return 0
    }
}
