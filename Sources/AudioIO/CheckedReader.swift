/// Bounds-checked little-endian reads of a file's bytes, in memory (`CheckedBytes`) or read from
/// disk on demand (`ByteWindow`): a read past the end throws `malformed` naming the part cut.
protocol CheckedReader {
    /// The file, for messages.
    var path: String { get }
    /// The file's size in bytes.
    var count: Int { get }
    /// Bytes `offset ..< offset + count`, which lie in the file (`has(count, at: offset)`); valid
    /// until the next read.
    func bytes(_ offset: Int, _ count: Int) throws(AudioError) -> UnsafeRawBufferPointer
}

extension CheckedReader {
    func malformed(_ reason: String) -> AudioError { .malformed(path: path, reason: reason) }

    func has(_ count: Int, at offset: Int) -> Bool {
        offset >= 0 && count >= 0 && offset <= self.count && self.count - offset >= count
    }

    func slice(_ offset: Int, _ count: Int, in part: String) throws(AudioError) -> UnsafeRawBufferPointer {
        guard has(count, at: offset) else { throw malformed("the file ends inside the \(part)") }
        return try bytes(offset, count)
    }

    func fourCC(_ offset: Int) throws(AudioError) -> UInt32? { has(4, at: offset) ? try load(offset) : nil }
    func u16(_ offset: Int, in part: String) throws(AudioError) -> Int { Int(try checked(offset, in: part) as UInt16) }
    func u32(_ offset: Int, in part: String) throws(AudioError) -> UInt32 { try checked(offset, in: part) }
    func u64(_ offset: Int, in part: String) throws(AudioError) -> UInt64 { try checked(offset, in: part) }

    private func checked<T: FixedWidthInteger>(_ offset: Int, in part: String) throws(AudioError) -> T {
        guard has(MemoryLayout<T>.size, at: offset) else { throw malformed("the file ends inside the \(part)") }
        return try load(offset)
    }

    private func load<T: FixedWidthInteger>(_ offset: Int) throws(AudioError) -> T {
        T(littleEndian: try bytes(offset, MemoryLayout<T>.size).loadUnaligned(as: T.self))
    }
}

/// A whole file in memory.
struct CheckedBytes: CheckedReader {
    let raw: UnsafeRawBufferPointer
    let path: String

    var count: Int { raw.count }

    func bytes(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)])
    }
}
