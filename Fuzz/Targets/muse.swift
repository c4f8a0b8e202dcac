// libFuzzer entry point: the MUSE data-set JSON reader (every file kind: QA pairs, VerbMem
// items, plain strings). The same bytes go to all three decoders.
//
// Checked besides "no crash": the reader's verdict on the text agrees with Foundation's
// JSONSerialization, and decoded strings agree. Where Foundation has limits of its own, the
// verdicts may differ and are not compared: text that is not UTF-8 or holds NUL bytes (it
// guesses UTF-16/32), nesting of 500 or more (it stops at 512), and numbers beyond Double's
// range ("1E400": RFC 8259 allows them, Foundation calls them "not representable"). Decoded
// strings are not compared when a string holds a U+FEFF at its start or after an escape:
// Foundation drops it there (it decodes each run of a string separately and strips a leading
// BOM from each); the reader keeps it, as the text says.
import Foundation
@testable import Probe

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMUSE(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Data(UnsafeRawBufferPointer(start: data, count: size))
    let qa = try? MUSEDataset.decodeQA(bytes, path: "fuzz.json")
    _ = try? MUSEDataset.decodeVerbMem(bytes, path: "fuzz.json")
    let strings = try? MUSEDataset.decodeStrings(bytes, path: "fuzz.json")

    let ours = bytes.withUnsafeBytes { b -> Bool in
        var r = JSONReader(b)
        do {
            try r.skipValue()
            try r.finish()
            return true
        } catch {
            return false
        }
    }
    guard !bytes.contains(0), String(data: bytes, encoding: .utf8) != nil, depth(bytes) < 500 else { return 0 }
    let theirs: Any?
    do {
        theirs = try JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed])
    } catch {
        let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
        if ours && detail.contains("not representable") { return 0 }
        theirs = nil
    }
    precondition(ours == (theirs != nil), "JSONReader says \(ours ? "valid" : "invalid"), JSONSerialization disagrees")
    let bom = Data([0xEF, 0xBB, 0xBF])
    let start = bytes.starts(with: bom) ? 3 : 0
    if bytes[start...].range(of: bom) != nil { return 0 }
    if let array = theirs as? [String], !array.isEmpty {
        precondition(strings == array, "decoded strings differ from JSONSerialization's")
    }
    if let array = theirs as? [[String: Any]], let qa {
        precondition(qa.count == array.count && zip(qa, array).allSatisfy {
            $0.question == $1["question"] as? String && $0.answer == $1["answer"] as? String
        }, "decoded QA pairs differ from JSONSerialization's")
    }
    return 0
}

/// Nesting depth of brackets outside strings (an upper bound is enough).
private func depth(_ bytes: Data) -> Int {
    var d = 0, best = 0
    for b in bytes where b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
        d += 1
        best = max(best, d)
    }
    return best
}
