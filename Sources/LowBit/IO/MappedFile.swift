import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file. It owns the mapping: tensor views hold a
/// reference to it, so the bytes stay valid as long as any view lives.
///
/// ``init(copying:path:)`` makes one from bytes in memory instead (a heap copy of exactly
/// that size), for fuzzing and tests: an address sanitizer then catches a read even one byte
/// past the end, which a page-granular mapping would hide.
public final class MappedFile: @unchecked Sendable {
    /// The path the file was opened from.
    public let path: String
    /// The mapped bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Whether ``bytes`` is a heap copy rather than a mapping.
    private let isHeapCopy: Bool
    /// The page ranges of the last few ``releasePages(_:)`` calls, released again by each call.
    private let recentlyReleased = Mutex<[Range<Int>]>([])
    /// How many earlier ranges each ``releasePages(_:)`` call releases again.
    static let rereleased = 8

    /// A heap copy of `contents`, named `path` in messages.
    public init(copying contents: UnsafeRawBufferPointer, path: String) {
        self.path = path
        isHeapCopy = true
        guard !contents.isEmpty else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: contents.count, alignment: 16)
        copy.copyMemory(from: contents)
        bytes = UnsafeRawBufferPointer(copy)
    }

    /// Maps `path` read-only.
    ///
    /// - Throws: ``GGUFError/cannotOpen(file:reason:)`` when the file cannot be opened,
    ///   is not a regular file, or cannot be mapped.
    public init(path: String) throws(GGUFError) {
        self.path = path
        isHeapCopy = false
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .cannotOpen(file: path, reason: "not a regular file") }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw .cannotOpen(file: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    /// Drops this process's resident copies of the whole pages inside `range` (byte offsets
    /// into ``bytes``), as after a tensor was copied into a layout of its own: the mapping
    /// is private and read-only, so a later read faults the same bytes back in from the
    /// file. Keeps the resident set near the size of the data actually in use.
    ///
    /// Each call also releases again the ranges of the previous ``rereleased`` calls: reading
    /// the next tensor maps back pages of the ones just released (on this machine's kernel,
    /// 6.18 with ext4's large folios, a fault maps the folio around it), and a TinyLlama Q2_K
    /// file kept 17 MB of released pages resident. O(1) work per call.
    public func releasePages(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, range.lowerBound >= 0, range.upperBound <= bytes.count else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Int(bitPattern: base) + range.lowerBound, end = Int(bitPattern: base) + range.upperBound
        let first = (start + page - 1) / page * page, last = end / page * page
        guard last > first else { return }
        recentlyReleased.withLock { recent in
            recent.append(first..<last)
            if recent.count > Self.rereleased + 1 { recent.removeFirst() }
            for r in recent {
                if let p = UnsafeMutableRawPointer(bitPattern: r.lowerBound) { _ = madvise(p, r.count, Int32(MADV_DONTNEED)) }
            }
        }
    }

    deinit {
        guard let p = bytes.baseAddress else { return }
        if isHeapCopy {
            UnsafeMutableRawPointer(mutating: p).deallocate()
        } else {
            munmap(UnsafeMutableRawPointer(mutating: p), bytes.count)
        }
    }
}
