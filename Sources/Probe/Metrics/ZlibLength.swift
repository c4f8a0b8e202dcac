/// The length of `zlib.compress(data)` (zlib's default level 6, the zlib wrapper included)
/// without zlib: the zlib-ratio membership attack (Carlini et al. 2021; OpenUnlearning's
/// `mia_zlib`) divides a text's loss by this length.
///
/// Only the length is computed, never the bytes: the LZ77 parse of zlib's `deflate_slow`
/// (hash chains of 3-byte strings, 15 hash bits, a 32 KiB window slid as zlib slides it,
/// lazy matching with level 6's good 8 / lazy 16 / nice 128 / chain 128, length-3 matches
/// farther than 4096 dropped), blocks cut where zlib cuts them (16,383 symbols), and each
/// block's cost as zlib's `trees.c` decides it: dynamic Huffman trees built with zlib's heap
/// and depth tie-break and its 15-bit (7-bit for code lengths) limit, the code-length run
/// encoding, and the stored / fixed / dynamic choice. Checked against CPython's `zlib`
/// (zlib 1.2.13) byte count for byte count on the shipped corpus and on synthetic inputs
/// up to 150 KB (`Tests/ProbeTests/Fixtures/zlib`).
public enum ZlibLength {
    /// `len(zlib.compress(data))`: 2 header bytes, the deflate stream, 4 Adler-32 bytes.
    ///
    /// - Parameter data: the bytes (for a text, its UTF-8).
    /// - Returns: the compressed length in bytes. Linear time in `data.count` (the hash
    ///   chains are bounded by 128 steps per position).
    public static func compressedLength(_ data: [UInt8]) -> Int {
        var deflater = DeflateParse(data)
        return 2 + (deflater.run() + 7) / 8 + 4
    }

    /// `compressedLength` of a string's UTF-8 bytes.
    public static func compressedLength(_ text: String) -> Int { compressedLength(Array(text.utf8)) }
}

/// zlib's `deflate_slow` at level 6 over one complete input, counting the bits of the
/// blocks it would emit (``DeflateBlockCost``).
struct DeflateParse {
    static let wSize = 32768, wMask = 32767, windowSize = 65536
    static let hashMask = (1 << 15) - 1, hashShift = 5
    static let minMatch = 3, maxMatch = 258, minLookahead = 258 + 3 + 1
    static let maxDist = 32768 - (258 + 3 + 1)
    static let goodMatch = 8, maxLazy = 16, niceLength = 128, maxChain = 128, tooFar = 4096
    static let winInit = 258

    let input: [UInt8]
    var next = 0
    var window = [UInt8](repeating: 0, count: DeflateParse.windowSize)
    var head = [Int](repeating: 0, count: 1 << 15)
    var prev = [Int](repeating: 0, count: DeflateParse.wSize)
    var strstart = 0, blockStart = 0, lookahead = 0, insert = 0, highWater = 0
    var insH = 0
    var matchLength = 2, prevLength = 2, matchStart = 0, prevMatch = 0, matchAvailable = false
    var block = DeflateBlockCost()
    var bits = 0

    init(_ input: [UInt8]) { self.input = input }

    /// Parses everything and returns the deflate stream's length in bits.
    mutating func run() -> Int {
        let S = DeflateParse.self
        while true {
            if lookahead < S.minLookahead {
                fillWindow()
                if lookahead == 0 { break }
            }
            var hashHead = 0
            if lookahead >= S.minMatch { hashHead = insertString(strstart) }
            prevLength = matchLength
            prevMatch = matchStart
            matchLength = S.minMatch - 1
            if hashHead != 0 && prevLength < S.maxLazy && strstart - hashHead <= S.maxDist {
                matchLength = longestMatch(hashHead)
                if matchLength == S.minMatch && strstart - matchStart > S.tooFar {
                    matchLength = S.minMatch - 1
                }
            }
            if prevLength >= S.minMatch && matchLength <= prevLength {
                let maxInsert = strstart + lookahead - S.minMatch
                let full = block.tallyDistance(strstart - 1 - prevMatch, length: prevLength - S.minMatch)
                lookahead -= prevLength - 1
                prevLength -= 2
                repeat {
                    strstart += 1
                    if strstart <= maxInsert { _ = insertString(strstart) }
                    prevLength -= 1
                } while prevLength != 0
                matchAvailable = false
                matchLength = S.minMatch - 1
                strstart += 1
                if full { flushBlock() }
            } else if matchAvailable {
                if block.tallyLiteral(window[strstart - 1]) { flushBlock() }
                strstart += 1
                lookahead -= 1
            } else {
                matchAvailable = true
                strstart += 1
                lookahead -= 1
            }
        }
        if matchAvailable {
            _ = block.tallyLiteral(window[strstart - 1])
            matchAvailable = false
        }
        flushBlock()  // the last block; the final byte alignment is the caller's rounding
        return bits
    }

    /// `UPDATE_HASH`: rolls the next byte into the running hash of 3-byte strings.
    mutating func updateHash(_ c: UInt8) {
        insH = ((insH << DeflateParse.hashShift) ^ Int(c)) & DeflateParse.hashMask
    }

    /// `INSERT_STRING`: returns the previous head of the string's hash chain.
    mutating func insertString(_ str: Int) -> Int {
        updateHash(window[str + DeflateParse.minMatch - 1])
        let h = head[insH]
        prev[str & DeflateParse.wMask] = h
        head[insH] = str
        return h
    }

    /// `longest_match`: the longest match at `strstart` along the chain from `start`.
    mutating func longestMatch(_ start: Int) -> Int {
        let S = DeflateParse.self
        var chainLength = S.maxChain
        var bestLen = prevLength
        var nice = S.niceLength
        let limit = strstart > S.maxDist ? strstart - S.maxDist : 0
        if prevLength >= S.goodMatch { chainLength >>= 2 }
        if nice > lookahead { nice = lookahead }
        var cur = start
        window.withUnsafeBufferPointer { w in
            repeat {
                if w[cur + bestLen] == w[strstart + bestLen], w[cur + bestLen - 1] == w[strstart + bestLen - 1],
                   w[cur] == w[strstart], w[cur + 1] == w[strstart + 1] {
                    var len = 2
                    while len < S.maxMatch && w[strstart + len] == w[cur + len] { len += 1 }
                    if len > bestLen {
                        matchStart = cur
                        bestLen = len
                        if len >= nice { break }
                    }
                }
                cur = prev[cur & S.wMask]
                chainLength -= 1
            } while cur > limit && chainLength != 0
        }
        return bestLen <= lookahead ? bestLen : lookahead
    }

    /// `fill_window`, with all input available at once.
    mutating func fillWindow() {
        let S = DeflateParse.self
        repeat {
            var more = S.windowSize - lookahead - strstart
            if strstart >= S.wSize + S.maxDist {
                let count = S.wSize - more
                if count > 0 { window.replaceSubrange(0..<count, with: window[S.wSize..<(S.wSize + count)]) }
                matchStart -= S.wSize
                strstart -= S.wSize
                blockStart -= S.wSize
                if insert > strstart { insert = strstart }
                for i in head.indices { head[i] = head[i] >= S.wSize ? head[i] - S.wSize : 0 }
                for i in prev.indices { prev[i] = prev[i] >= S.wSize ? prev[i] - S.wSize : 0 }
                more += S.wSize
            }
            if next == input.count { break }
            let n = min(more, input.count - next)
            let at = strstart + lookahead
            window.replaceSubrange(at..<(at + n), with: input[next..<(next + n)])
            next += n
            lookahead += n
            if lookahead + insert >= S.minMatch {
                var str = strstart - insert
                insH = Int(window[str])
                updateHash(window[str + 1])
                while insert > 0 {
                    updateHash(window[str + S.minMatch - 1])
                    prev[str & S.wMask] = head[insH]
                    head[insH] = str
                    str += 1
                    insert -= 1
                    if lookahead + insert < S.minMatch { break }
                }
            }
        } while lookahead < S.minLookahead && next < input.count
        // zlib zeroes up to WIN_INIT bytes past the data, once, so matches may run into zeros.
        if highWater < S.windowSize {
            let curr = strstart + lookahead
            if highWater < curr {
                let initCount = min(S.windowSize - curr, S.winInit)
                for i in curr..<(curr + initCount) { window[i] = 0 }
                highWater = curr + initCount
            } else if highWater < curr + S.winInit {
                let initCount = min(curr + S.winInit - highWater, S.windowSize - highWater)
                for i in highWater..<(highWater + initCount) { window[i] = 0 }
                highWater += initCount
            }
        }
    }

    /// `FLUSH_BLOCK`: the block from `blockStart` to `strstart`, stored only while its bytes
    /// are still in the window.
    mutating func flushBlock() {
        let storedLength = strstart - blockStart
        bits = block.flush(atBit: bits, storedLength: blockStart >= 0 ? storedLength : nil)
        blockStart = strstart
    }
}
