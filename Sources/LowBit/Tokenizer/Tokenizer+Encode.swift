extension Tokenizer {
    /// Turns text into token ids, as llama.cpp's `llama_tokenize` does.
    ///
    /// Special tokens are cut out first (``SpecialTokenMatcher``); each remaining text fragment
    /// is then encoded on its own: `.gpt2` splits it with the ``preTokenizer`` and merges each
    /// word, `.llama` prefixes a space (with ``TokenizerConfig/addSpacePrefix``, at the start
    /// and after each special token), writes spaces as `▁` and merges by score.
    ///
    /// - Parameters:
    ///   - text: The text to encode.
    ///   - addBOS: Prepend BOS; `nil` uses the configuration's default (`tokenizer.ggml.add_bos_token`).
    ///   - addEOS: Append EOS; `nil` uses the configuration's default (`tokenizer.ggml.add_eos_token`).
    ///   - parseSpecial: Emit control and unknown tokens written verbatim in `text` (such as
    ///     `<s>` or `<|im_start|>`) as their ids; when `false` their text is tokenized like any
    ///     other (llama.cpp's `parse_special`). User-defined tokens are always matched. `nil`
    ///     uses ``parsesSpecialByDefault``.
    /// - Returns: The token ids.
    public func encode(_ text: String, addBOS: Bool? = nil, addEOS: Bool? = nil, parseSpecial: Bool? = nil) -> [Int32] {
        var work = EncodeWork()
        return encode(
            text, addBOS: addBOS, addEOS: addEOS, parseSpecial: parseSpecial ?? parsesSpecialByDefault, work: &work)
    }

    /// What one ``encode(_:addBOS:addEOS:parseSpecial:)`` call did, for tests that bound the
    /// work on pathological input.
    struct EncodeWork {
        /// Special-token matching: automaton transitions, occurrences, bytes marked.
        var specialSteps = 0
        /// BPE queue operations (and, for `.llama`, bytes hashed).
        var mergeSteps = 0
    }

    func encode(_ text: String, addBOS: Bool?, addEOS: Bool?, parseSpecial: Bool, work: inout EncodeWork) -> [Int32] {
        var output: [Int32] = []
        let bytes = Array(text.utf8)
        output.reserveCapacity(bytes.count / 3 + 2)
        if addBOS ?? addsBOSByDefault, let bosID { output.append(bosID) }
        bytes.withUnsafeBufferPointer { buffer in
            let fragments = specials.split(buffer, parseSpecial: parseSpecial, steps: &work.specialSteps)
            if let byteLevel, let preTokenizer {
                var scratch = ByteLevelBPE.Scratch()
                var words = PreTokenizer.Scratch()
                for fragment in fragments {
                    switch fragment {
                    case .token(let id):
                        output.append(id)
                    case .text(let range):
                        preTokenizer.forEachWord(in: buffer, range: range, scratch: &words) { word in
                            byteLevel.encode(word: bytes[word], into: &output, scratch: &scratch)
                        }
                    }
                }
                work.mergeSteps &+= scratch.steps
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
                        for byte in buffer[range] {
                            if byte == 0x20 { escaped.append(contentsOf: [0xE2, 0x96, 0x81]) } else { escaped.append(byte) }
                        }
                        sentencePiece.encode(
                            fragment: escaped, table: table, unknownID: unknownID, into: &output, scratch: &scratch)
                        afterSpecial = false
                    }
                }
                work.mergeSteps &+= scratch.steps
            }
        }
        if addEOS ?? addsEOSByDefault, let eosID { output.append(eosID) }
        return output
    }
}
