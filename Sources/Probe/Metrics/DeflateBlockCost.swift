/// The symbol counts of one deflate block and its size in bits as zlib's `trees.c` encodes
/// it (`_tr_tally_*`, `build_tree`, `gen_bitlen`, `scan_tree`, `build_bl_tree`,
/// `_tr_flush_block`). Used by ``ZlibLength``; only lengths are computed, no codes.
struct DeflateBlockCost {
    static let literals = 256, lengthCodes = 29, lCodes = 286, dCodes = 30, blCodes = 19
    static let endBlock = 256, rep3_6 = 16, repz3_10 = 17, repz11_138 = 18
    static let heapSize = 2 * 286 + 1
    static let extraLBits = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let extraDBits = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let extraBLBits = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7]
    static let blOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// `_length_code[len]` for match length − 3 in 0…255 (255 uses code 28, as zlib does).
    static let lengthCode: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        var length = 0
        for code in 0..<(lengthCodes - 1) {
            for _ in 0..<(1 << extraLBits[code]) { table[length] = code; length += 1 }
        }
        table[length - 1] = lengthCodes - 1
        return table
    }()

    /// The first distance − 1 of each distance code (`base_dist`).
    static let distBase: [Int] = {
        var base = [Int](repeating: 0, count: dCodes)
        var dist = 0
        for code in 0..<dCodes { base[code] = dist; dist += 1 << extraDBits[code] }
        return base
    }()

    /// The distance code of `dist` (distance − 1), zlib's `d_code`.
    static func distanceCode(_ dist: Int) -> Int {
        var code = dCodes - 1
        while distBase[code] > dist { code -= 1 }
        return code
    }

    /// Fixed-code lengths of the literal/length alphabet.
    static func staticLiteralLength(_ n: Int) -> Int { n < 144 ? 8 : n < 256 ? 9 : n < 280 ? 7 : 8 }

    /// `sym_end`: a block is flushed when it holds `lit_bufsize - 1` symbols.
    static let symbolLimit = (1 << 14) - 1

    var literalFreq = [Int](repeating: 0, count: DeflateBlockCost.heapSize)
    var distanceFreq = [Int](repeating: 0, count: 2 * 30 + 1)
    var symbols = 0

    init() { literalFreq[Self.endBlock] = 1 }

    /// `_tr_tally_lit`; returns whether the block is full.
    mutating func tallyLiteral(_ c: UInt8) -> Bool {
        literalFreq[Int(c)] += 1
        symbols += 1
        return symbols == Self.symbolLimit
    }

    /// `_tr_tally_dist` with `dist` the match distance and `length` its length − 3.
    mutating func tallyDistance(_ dist: Int, length: Int) -> Bool {
        literalFreq[Self.lengthCode[length] + Self.literals + 1] += 1
        distanceFreq[Self.distanceCode(dist - 1)] += 1
        symbols += 1
        return symbols == Self.symbolLimit
    }

    /// One tree's `build_tree` + `gen_bitlen` result.
    struct Tree {
        var lengths: [Int]
        var maxCode: Int
    }

    /// `build_tree` on `freq` (`elems` leaves): code lengths limited to `maxLength`, and the
    /// `opt_len`/`static_len` increments zlib accumulates.
    static func buildTree(
        _ freqIn: [Int], elems: Int, maxLength: Int, extra: [Int], extraBase: Int, staticLength: ((Int) -> Int)?,
        optLen: inout Int, staticLen: inout Int
    ) -> Tree {
        var freq = freqIn
        let size = 2 * elems + 1
        if freq.count < size { freq += [Int](repeating: 0, count: size - freq.count) }
        var len = [Int](repeating: 0, count: size), dad = [Int](repeating: 0, count: size)
        var depth = [Int](repeating: 0, count: size)
        var heap = [Int](repeating: 0, count: 2 * Self.lCodes + 1)
        var heapLen = 0, heapMax = 2 * Self.lCodes + 1
        var maxCode = -1
        for n in 0..<elems {
            if freq[n] != 0 {
                heapLen += 1; heap[heapLen] = n; maxCode = n; depth[n] = 0
            } else {
                len[n] = 0
            }
        }
        while heapLen < 2 {
            let node: Int
            if maxCode < 2 { maxCode += 1; node = maxCode } else { node = 0 }
            heapLen += 1; heap[heapLen] = node
            freq[node] = 1
            depth[node] = 0
            optLen -= 1
            if let staticLength { staticLen -= staticLength(node) }
        }
        func smaller(_ n: Int, _ m: Int) -> Bool { freq[n] < freq[m] || (freq[n] == freq[m] && depth[n] <= depth[m]) }
        func downheap(_ start: Int) {
            var k = start
            let v = heap[k]
            var j = k << 1
            while j <= heapLen {
                if j < heapLen && smaller(heap[j + 1], heap[j]) { j += 1 }
                if smaller(v, heap[j]) { break }
                heap[k] = heap[j]; k = j
                j <<= 1
            }
            heap[k] = v
        }
        var n = heapLen / 2
        while n >= 1 { downheap(n); n -= 1 }
        var node = elems
        repeat {
            let a = heap[1]
            heap[1] = heap[heapLen]; heapLen -= 1
            downheap(1)
            let b = heap[1]
            heapMax -= 1; heap[heapMax] = a
            heapMax -= 1; heap[heapMax] = b
            freq[node] = freq[a] + freq[b]
            depth[node] = max(depth[a], depth[b]) + 1
            dad[a] = node; dad[b] = node
            heap[1] = node
            node += 1
            downheap(1)
        } while heapLen >= 2
        heapMax -= 1; heap[heapMax] = heap[1]

        // gen_bitlen
        var blCount = [Int](repeating: 0, count: 16)
        len[heap[heapMax]] = 0
        var overflow = 0
        var h = heapMax + 1
        while h < heap.count {
            let n = heap[h]
            var bits = len[dad[n]] + 1
            if bits > maxLength { bits = maxLength; overflow += 1 }
            len[n] = bits
            h += 1
            if n > maxCode { continue }
            blCount[bits] += 1
            let xbits = n >= extraBase ? extra[n - extraBase] : 0
            optLen += freq[n] * (bits + xbits)
            if let staticLength { staticLen += freq[n] * (staticLength(n) + xbits) }
        }
        if overflow > 0 {
            repeat {
                var bits = maxLength - 1
                while blCount[bits] == 0 { bits -= 1 }
                blCount[bits] -= 1
                blCount[bits + 1] += 2
                blCount[maxLength] -= 1
                overflow -= 2
            } while overflow > 0
            h = heap.count
            var bits = maxLength
            while bits != 0 {
                var count = blCount[bits]
                while count != 0 {
                    h -= 1
                    let m = heap[h]
                    if m > maxCode { continue }
                    if len[m] != bits {
                        optLen += (bits - len[m]) * freq[m]
                        len[m] = bits
                    }
                    count -= 1
                }
                bits -= 1
            }
        }
        return Tree(lengths: Array(len.prefix(elems + 1)), maxCode: maxCode)
    }

    /// `scan_tree`: counts the code-length alphabet's symbols for one tree's lengths.
    static func scanTree(_ lengthsIn: [Int], maxCode: Int, into bl: inout [Int]) {
        var lengths = lengthsIn
        if lengths.count < maxCode + 2 { lengths += [Int](repeating: 0, count: maxCode + 2 - lengths.count) }
        var prevLen = -1, nextLen = lengths[0], count = 0
        var maxCount = 7, minCount = 4
        if nextLen == 0 { maxCount = 138; minCount = 3 }
        lengths[maxCode + 1] = 0xffff
        for n in 0...maxCode {
            let curLen = nextLen
            nextLen = lengths[n + 1]
            count += 1
            if count < maxCount && curLen == nextLen {
                continue
            } else if count < minCount {
                bl[curLen] += count
            } else if curLen != 0 {
                if curLen != prevLen { bl[curLen] += 1 }
                bl[Self.rep3_6] += 1
            } else if count <= 10 {
                bl[Self.repz3_10] += 1
            } else {
                bl[Self.repz11_138] += 1
            }
            count = 0
            prevLen = curLen
            if nextLen == 0 {
                maxCount = 138; minCount = 3
            } else if curLen == nextLen {
                maxCount = 6; minCount = 3
            } else {
                maxCount = 7; minCount = 4
            }
        }
    }

    /// `_tr_flush_block`: appends this block at bit offset `bit` and returns the new offset
    /// (byte-aligned after a stored block); `storedLength` is `nil` when the block's bytes
    /// have left the window (no stored block possible). Resets the counts.
    mutating func flush(atBit bit: Int, storedLength: Int?) -> Int {
        var optLen = 0, staticLen = 0
        let l = Self.buildTree(literalFreq, elems: Self.lCodes, maxLength: 15, extra: Self.extraLBits,
                               extraBase: Self.literals + 1, staticLength: Self.staticLiteralLength,
                               optLen: &optLen, staticLen: &staticLen)
        let d = Self.buildTree(distanceFreq, elems: Self.dCodes, maxLength: 15, extra: Self.extraDBits, extraBase: 0,
                               staticLength: { _ in 5 }, optLen: &optLen, staticLen: &staticLen)
        var bl = [Int](repeating: 0, count: 2 * Self.blCodes + 1)
        Self.scanTree(l.lengths, maxCode: l.maxCode, into: &bl)
        Self.scanTree(d.lengths, maxCode: d.maxCode, into: &bl)
        var unused = 0
        let blTree = Self.buildTree(bl, elems: Self.blCodes, maxLength: 7, extra: Self.extraBLBits, extraBase: 0,
                                    staticLength: nil, optLen: &optLen, staticLen: &unused)
        var maxBLIndex = Self.blCodes - 1
        while maxBLIndex >= 3 && blTree.lengths[Self.blOrder[maxBLIndex]] == 0 { maxBLIndex -= 1 }
        optLen += 3 * (maxBLIndex + 1) + 5 + 5 + 4
        var optLenB = (optLen + 3 + 7) >> 3
        let staticLenB = (staticLen + 3 + 7) >> 3
        if staticLenB <= optLenB { optLenB = staticLenB }

        var out = bit
        if let stored = storedLength, stored + 4 <= optLenB {
            out = (out + 3 + 7) / 8 * 8 + 32 + 8 * stored
        } else if staticLenB == optLenB {
            out += 3 + staticLen
        } else {
            out += 3 + optLen
        }
        self = DeflateBlockCost()
        return out
    }
}
