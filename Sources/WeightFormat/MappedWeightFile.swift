#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The payload is used in place as float32: the host must be little-endian, as the format is
// (FORMAT.md). Big-endian hosts are not a target; this build refuses them rather than byte-swap.
#if !_endian(little)
#error("MappedWeightFile views little-endian float32 payloads in place: big-endian hosts are not supported")
#endif

/// A named tensor of a mapped weight file: a read-only view into the mapping, valid as long as
/// the `MappedWeightFile` that gave it.
public struct MappedTensor {
    public let name: String
    public let shape: [Int]
    /// product(shape) values, 64-byte aligned.
    public let values: UnsafeBufferPointer<Float>
}

/// A weight file (format v1) mapped read-only into memory (`mmap`, `PROT_READ`, `MAP_PRIVATE`),
/// validated as a whole at open (magic, version, size, CRC-32, model name, each record's dtype,
/// shape, offset, length and 64-byte alignment) and then read in place: the tensors are views
/// into the mapping, not copies, so the pages are the page cache's, shared with every other
/// process mapping the same file. ref: llama2.c run.c, read_checkpoint (mmap + pointers into it)
///
/// Immutable after `init`; the mapping lives until the last reference goes. The file must not be
/// truncated while it is mapped (an access past its new end raises SIGBUS, as for any mapping).
public final class MappedWeightFile: @unchecked Sendable {   // read-only memory, never written
    /// The tensors in file order.
    public let tensors: [MappedTensor]
    /// CRC-32 of the file, as stored in its trailer.
    public let checksum: UInt32
    public let path: String
    private let base: UnsafeMutableRawPointer
    private let size: Int
    private let index: [String: Int]

    public init(path: String, model: String, hint: String) throws(WeightFileError) {
        func fail(_ kind: WeightFileError.Kind) -> WeightFileError { WeightFileError(kind: kind, path: path, hint: hint) }
        func reason() -> String { String(cString: strerror(errno)) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fail(.unreadable(reason())) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail(.unreadable(reason())) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw fail(.unreadable("not a regular file")) }
        let size = Int(info.st_size)
        // mmap refuses a zero length.
        guard size > 0 else { throw fail(.truncated(expected: WeightFile.headerBytes + 4, actual: 0)) }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw fail(.unreadable(reason()))
        }
        let raw = UnsafeRawBufferPointer(start: base, count: size)
        let entries: [WeightFile.Entry]
        do { (entries, checksum) = try Self.validate(raw, model: model, fail: fail) }
        catch { munmap(base, size); throw error }
        (self.base, self.size, self.path) = (base, size, path)
        tensors = entries.map { e in
            MappedTensor(name: e.name, shape: e.shape,
                         values: UnsafeBufferPointer(start: (base + e.offset).bindMemory(to: Float.self, capacity: e.count), count: e.count))
        }
        var index: [String: Int] = [:]
        for (i, t) in tensors.enumerated() { index[t.name] = i }
        self.index = index
    }

    deinit { munmap(base, size) }

    /// The tensor called `name`, if the file has it.
    public subscript(name: String) -> MappedTensor? { index[name].map { tensors[$0] } }

    private static func validate(_ raw: UnsafeRawBufferPointer, model: String,
                                 fail: (WeightFileError.Kind) -> WeightFileError) throws(WeightFileError)
        -> (entries: [WeightFile.Entry], checksum: UInt32) {
        do { return try WeightFile.parse(raw, model: model) } catch { throw fail(error) }
    }
}
