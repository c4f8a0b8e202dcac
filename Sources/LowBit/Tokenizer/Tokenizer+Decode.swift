extension Tokenizer {
    /// Turns token ids back into text.
    ///
    /// For `.llama` with a space prefix, the leading space of the first text piece (at the start
    /// and after each BOS) is removed again, so `decode(encode(s)) == s`, as SentencePiece does.
    /// (``detokenize(_:removeSpecial:unparseSpecial:)`` follows llama.cpp instead, which keeps
    /// that space when the ids start with BOS.) Invalid UTF-8 becomes U+FFFD; out-of-range ids
    /// contribute nothing.
    /// - Parameters:
    ///   - ids: Token ids.
    ///   - skipSpecial: Leave out control and unknown tokens.
    /// - Returns: The text.
    public func decode(_ ids: [Int32], skipSpecial: Bool = true) -> String {
        var bytes: [UInt8] = []
        var atTextStart = true
        for id in ids { appendPiece(of: id, skipSpecial: skipSpecial, atTextStart: &atTextStart, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Turns token ids back into text exactly as llama.cpp's `llama_detokenize` does.
    ///
    /// Each token gives its piece (see ``pieceBytes(_:)``). With a space prefix (`.llama`), the
    /// first piece loses one leading space, unless the ids start with BOS and `removeSpecial`
    /// drops it. Byte-level pre-tokenizers with ``PreTokenizer/cleansSpaces`` then remove the
    /// space before `?`, `!`, `.`, `,`, around a lone `'`, and before `'s`, `'m`, `'re`, `'ve`.
    /// - Parameters:
    ///   - ids: Token ids; out-of-range ids contribute nothing.
    ///   - removeSpecial: Drop a leading BOS and a trailing EOS when the tokenizer adds them.
    ///   - unparseSpecial: Render control and unknown tokens as their text instead of leaving them out.
    /// - Returns: The text; invalid UTF-8 becomes U+FFFD.
    public func detokenize(_ ids: [Int32], removeSpecial: Bool = false, unparseSpecial: Bool = false) -> String {
        var ids = ids[...]
        var removeSpace = addsSpacePrefix
        if removeSpecial && addsBOSByDefault, let first = ids.first, first == bosID {
            removeSpace = false
            ids = ids.dropFirst()
        }
        if removeSpecial && addsEOSByDefault, let last = ids.last, last == eosID { ids = ids.dropLast() }
        var bytes: [UInt8] = []
        for id in ids {
            guard id >= 0, Int(id) < tokens.count else { continue }
            defer { removeSpace = false }
            if !unparseSpecial && isSpecial(tokenTypes[Int(id)]) { continue }
            var start = pieceStarts[Int(id)]
            let end = pieceStarts[Int(id) + 1]
            if removeSpace && start < end && pieceStorage[start] == 0x20 { start += 1 }
            bytes.append(contentsOf: pieceStorage[start..<end])
        }
        if preTokenizer?.cleansSpaces == true { Self.cleanSpaces(&bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Control and unknown tokens: what llama.cpp leaves out of text unless asked to render them.
    @inline(__always)
    func isSpecial(_ type: TokenizerConfig.TokenType) -> Bool { type == .control || type == .unknown }

    /// Appends the bytes of one token, handling special tokens and the leading-space strip.
    /// `atTextStart` is set by BOS and cleared by the first text piece after it.
    func appendPiece(of id: Int32, skipSpecial: Bool, atTextStart: inout Bool, to bytes: inout [UInt8]) {
        guard id >= 0, Int(id) < tokens.count else { return }
        if id == bosID { atTextStart = true }
        let special = isSpecial(tokenTypes[Int(id)])
        if special && skipSpecial { return }
        var start = pieceStarts[Int(id)]
        let end = pieceStarts[Int(id) + 1]
        if !special {
            if atTextStart && addsSpacePrefix && start < end && pieceStorage[start] == 0x20 { start += 1 }
            atTextStart = false
        }
        bytes.append(contentsOf: pieceStorage[start..<end])
    }

    /// llama.cpp's `clean_spaces` passes over detokenized bytes, ported literally (they work in
    /// place and look at bytes already rewritten, so the order of the passes matters).
    static func cleanSpaces(_ text: inout [UInt8]) {
        let space = UInt8(ascii: " "), quote = UInt8(ascii: "'")
        // 1: " ?", " !", " .", " ,"
        let total1 = text.count
        var total = total1 > 0 ? 1 : 0
        var i = 1
        while i < total1 {
            let x = text[i]
            if text[i - 1] == space && (x == UInt8(ascii: "?") || x == UInt8(ascii: "!") || x == UInt8(ascii: ".") || x == UInt8(ascii: ",")) {
                total -= 1
            }
            text[total] = x
            total += 1
            i += 1
        }
        // 2: a lone apostrophe between spaces, " ' " → "'"
        let total2 = total
        total = total2 > 0 ? 1 : 0
        i = 1
        while i < total2 {
            let x = text[i]
            if x == quote && i + 1 < total2 && text[i - 1] == space && text[i + 1] == space {
                total -= 1
                i += 1
                text[i] = 0
            }
            text[total] = x
            total += 1
            i += 1
        }
        // 3: contractions " 's", " 'm", " 're", " 've" lose the space (" 't", " 'd", " 'll" keep it)
        let total3 = total
        total = total3 > 0 ? 1 : 0
        i = 1
        while i < total3 {
            let x = text[i]
            if text[i - 1] == space && x == quote && i + 1 < total3 {
                let x1 = text[i + 1]
                if x1 == UInt8(ascii: "s") || x1 == UInt8(ascii: "m") {
                    total -= 1
                } else if x1 != UInt8(ascii: "t") && x1 != UInt8(ascii: "d") && i + 2 < total3 {
                    let x2 = text[i + 2]
                    if (x1 == UInt8(ascii: "r") || x1 == UInt8(ascii: "v")) && x2 == UInt8(ascii: "e") { total -= 1 }
                }
            }
            text[total] = x
            total += 1
            i += 1
        }
        text.removeLast(text.count - total)
    }
}
