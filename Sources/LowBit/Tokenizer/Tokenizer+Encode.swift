extension Tokenizer {
    /// Turns text into token ids.
    ///
    /// - Parameters:
    ///   - text: The text to encode.
    ///   - addBOS: Prepend BOS; `nil` uses the configuration's default.
    ///   - addEOS: Append EOS; `nil` uses the configuration's default.
    ///   - parseSpecial: Emit control and unknown tokens written verbatim in `text` (such as
    ///     `<s>` or `<|endoftext|>`) as their ids. User-defined tokens are always matched.
    /// - Returns: The token ids.
    public func encode(_ text: String, addBOS: Bool? = nil, addEOS: Bool? = nil, parseSpecial: Bool = true) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addBOS ?? addsBOSByDefault, let bosID { output.append(bosID) }
        let bytes = Array(text.utf8)
        let fragments = specials.split(bytes, parseSpecial: parseSpecial)
        if let byteLevel {
            var scratch = ByteLevelBPE.Scratch()
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    output.append(id)
                case .text(let range):
                    let piece = String(decoding: bytes[range], as: UTF8.self)
                    GPT2PreTokenizer.forEachWord(in: piece) { word in
                        byteLevel.encode(word: word, unknownID: unknownID, into: &output, scratch: &scratch)
                    }
                }
            }
        } else if let sentencePiece {
            var scratch = SentencePieceBPE.Scratch()
            var escaped: [UInt8] = []
            // llama.cpp: a space is prefixed to the first fragment and to each one after a special token.
            var afterSpecial = true
            for fragment in fragments {
                switch fragment {
                case .token(let id):
                    output.append(id)
                    afterSpecial = true
                case .text(let range):
                    escaped.removeAll(keepingCapacity: true)
                    if addsSpacePrefix && afterSpecial { escaped.append(contentsOf: [0xE2, 0x96, 0x81]) }
                    for byte in bytes[range] {
                        if byte == 0x20 { escaped.append(contentsOf: [0xE2, 0x96, 0x81]) } else { escaped.append(byte) }
                    }
                    sentencePiece.encode(
                        fragment: escaped, table: table, unknownID: unknownID, into: &output, scratch: &scratch)
                    afterSpecial = false
                }
            }
        }
        if addEOS ?? addsEOSByDefault, let eosID { output.append(eosID) }
        return output
    }

    /// Turns token ids back into text.
    ///
    /// For `.llama` with a space prefix, the leading space of the first text piece (at the start
    /// and after each BOS) is removed again, so `decode(encode(s)) == s`, as SentencePiece does.
    /// (llama.cpp keeps that space when the ids start with BOS.) Invalid UTF-8 becomes U+FFFD;
    /// out-of-range ids contribute nothing.
    /// - Parameters:
    ///   - ids: Token ids.
    ///   - skipSpecial: Leave out control tokens.
    /// - Returns: The text.
    public func decode(_ ids: [Int32], skipSpecial: Bool = true) -> String {
        var bytes: [UInt8] = []
        var atTextStart = true
        for id in ids { appendPiece(of: id, skipSpecial: skipSpecial, atTextStart: &atTextStart, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the bytes of one token, handling control tokens and the leading-space strip.
    /// `atTextStart` is set by BOS and cleared by the first text piece after it.
    func appendPiece(of id: Int32, skipSpecial: Bool, atTextStart: inout Bool, to bytes: inout [UInt8]) {
        guard id >= 0, Int(id) < tokens.count else { return }
        if id == bosID { atTextStart = true }
        let isControlToken = tokenTypes[Int(id)] == .control
        if isControlToken && skipSpecial { return }
        var start = pieceStarts[Int(id)]
        let end = pieceStarts[Int(id) + 1]
        if !isControlToken {
            if atTextStart && stripsLeadingSpace && start < end && pieceStorage[start] == 0x20 { start += 1 }
            atTextStart = false
        }
        bytes.append(contentsOf: pieceStorage[start..<end])
    }
}
