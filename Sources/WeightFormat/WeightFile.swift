
/// Element type of a stored tensor. Version 1 reads float32 only; the codes of float16 and
/// bfloat16 are reserved so a later version can add them without a new layout.
public enum WeightDType: UInt8, Sendable {
    case float32 = 0, float16 = 1, bfloat16 = 2
}

/// A named tensor of a weight file.
public struct WeightRecord: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]
    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name; self.shape = shape; self.values = values
    }
}

/// Why a weight file was refused. Every message names the file, the tensor where there is one,
/// and how to regenerate the file (`hint`).
public struct WeightFileError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Error, Equatable, Sendable {
        case unreadable(String)
        case badMagic
        case unsupportedVersion(UInt32)
        case truncated(expected: Int, actual: Int)
        case checksumMismatch(stored: UInt32, computed: UInt32)
        case malformed(String)
        case wrongModel(expected: String, found: String)
        case missingTensor(String)
        case wrongShape(String, expected: [Int], found: [Int])
        case unsupportedDType(String, code: UInt8)
        case unexpectedTensor(String)
    }
    public var kind: Kind
    public var path: String
    public var hint: String

    public init(kind: Kind, path: String, hint: String) {
        self.kind = kind; self.path = path; self.hint = hint
    }

    public var description: String {
        let what: String
        switch kind {
        case .unreadable(let reason): what = "cannot read it (\(reason))"
        case .badMagic: what = "not a mood engine weight file (bad magic)"
        case .unsupportedVersion(let v): what = "format version \(v) is not supported (this build reads version \(WeightFile.version))"
        case .truncated(let e, let a): what = "truncated or padded: header says \(e) bytes, file has \(a)"
        case .checksumMismatch(let s, let c):
            what = "checksum mismatch (stored \(String(s, radix: 16)), computed \(String(c, radix: 16))): the file is corrupted"
        case .malformed(let reason): what = "malformed: \(reason)"
        case .wrongModel(let e, let f): what = "holds model '\(f)', expected '\(e)'"
        case .missingTensor(let name): what = "tensor '\(name)' is missing"
        case .wrongShape(let name, let e, let f): what = "tensor '\(name)' has shape \(f), expected \(e)"
        case .unsupportedDType(let name, let code): what = "tensor '\(name)' has dtype code \(code); version 1 reads float32 (0) only"
        case .unexpectedTensor(let name): what = "unexpected tensor '\(name)'"
        }
        return "weights \(path): \(what). \(hint)"
    }
}

/// Reader and writer of the flat weight format v1 (Weights/FORMAT.md): a 32-byte little-endian
/// header (magic, version, header size, tensor count, reserved, file size), the model name,
/// named tensor records with 64-byte-aligned offsets, the payload, and a CRC-32 trailer.
/// ref: llama2.c export.py / run.c (flat file), whisper.cpp (named records), llm.c (magic+version)
public enum WeightFile {
    public static let magic: [UInt8] = Array("MOODWGT".utf8) + [0]
    public static let version: UInt32 = 1
    static let headerBytes = 32
    static let alignment = 64

    /// Reads and validates a whole file (`MappedWeightFile`) and copies its tensors out, for
    /// callers that keep their own arrays. Returns the tensors in file order and the file's CRC-32.
    public static func read(path: String, model: String, hint: String) throws(WeightFileError)
        -> (records: [WeightRecord], checksum: UInt32) {
        let file = try MappedWeightFile(path: path, model: model, hint: hint)
        return (file.tensors.map { WeightRecord(name: $0.name, shape: $0.shape, values: Array($0.values)) }, file.checksum)
    }

    /// One entry of the tensor table, validated against the buffer it was read from.
    struct Entry {
        var name: String
        var shape: [Int]
        var offset: Int         // bytes from the file start, a multiple of 64
        var count: Int          // float32 elements
    }

    /// Validates `raw` (magic, version, size, checksum, model name, every record's dtype, shape,
    /// offset and length against the payload) and returns its table and stored CRC-32. Every size
    /// read from the file is checked before it is used: a hostile file gets a typed error, never a trap.
    static func parse(_ raw: UnsafeRawBufferPointer, model: String) throws(WeightFileError.Kind)
        -> (entries: [Entry], checksum: UInt32) {
        var reader = ByteReader(raw)
        guard raw.count >= headerBytes + 4 else {
            if raw.count >= 8, Array(raw[0..<8]) != magic { throw .badMagic }
            throw .truncated(expected: headerBytes + 4, actual: raw.count)
        }
        guard Array(raw[0..<8]) == magic else { throw .badMagic }
        reader.offset = 8
        let version = try reader.u32()
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let headerSize = Int(try reader.u32())
        let count = Int(try reader.u32())
        _ = try reader.u32()                                  // reserved
        let fileSize = try reader.u64()
        guard fileSize == raw.count else { throw .truncated(expected: fileSize, actual: raw.count) }
        let payloadEnd = raw.count - 4
        let stored = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: payloadEnd, as: UInt32.self))
        let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<payloadEnd]))
        guard stored == computed else { throw .checksumMismatch(stored: stored, computed: computed) }
        guard headerSize <= payloadEnd else { throw .malformed("header size \(headerSize) exceeds the file") }
        let name = try reader.string()
        guard name == model else { throw .wrongModel(expected: model, found: name) }
        var entries: [Entry] = []
        var seen = Set<String>()
        for _ in 0..<count {
            let tensorName = try reader.string()
            let dtype = try reader.u8()
            let rank = Int(try reader.u8())
            guard rank <= 8 else { throw .malformed("tensor '\(tensorName)' has rank \(rank)") }
            var shape: [Int] = [], elements = 1
            for _ in 0..<rank {
                let d = Int(try reader.u32())
                shape.append(d)
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, product <= payloadEnd else {
                    throw .malformed("tensor '\(tensorName)' has shape \(shape)…, larger than the file")
                }
                elements = product
            }
            let offset = try reader.u64(), length = try reader.u64()
            guard dtype == WeightDType.float32.rawValue else { throw .unsupportedDType(tensorName, code: dtype) }
            guard seen.insert(tensorName).inserted else { throw .malformed("tensor '\(tensorName)' appears twice") }
            // elements ≤ payloadEnd, so elements · 4 cannot overflow; offset ≤ payloadEnd is checked
            // before payloadEnd − offset is formed.
            guard length == elements * 4, offset % alignment == 0, offset >= headerSize,
                  offset <= payloadEnd, length <= payloadEnd - offset else {
                throw .malformed("tensor '\(tensorName)' has offset \(offset) and length \(length) outside the payload or not 64-byte aligned")
            }
            entries.append(Entry(name: tensorName, shape: shape, offset: offset, count: elements))
        }
        guard reader.offset == headerSize else {
            throw .malformed("tensor table ends at byte \(reader.offset), header says \(headerSize)")
        }
        return (entries, stored)
    }

    /// Serialises `records` for `model` in format v1.
    public static func encode(model: String, records: [WeightRecord]) -> [UInt8] {
        var table: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T, into bytes: inout [UInt8]) {
            withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
        }
        func putString(_ s: String, into bytes: inout [UInt8]) {
            let utf8 = Array(s.utf8)
            put(UInt16(utf8.count), into: &bytes)
            bytes.append(contentsOf: utf8)
        }
        putString(model, into: &table)
        // Record sizes do not depend on offsets, so the header size is known before layout.
        let recordBytes = records.reduce(0) { $0 + 2 + $1.name.utf8.count + 2 + 4 * $1.shape.count + 16 }
        let headerSize = headerBytes + table.count + recordBytes
        var offset = align(headerSize)
        var offsets: [Int] = []
        for r in records {
            offsets.append(offset)
            offset = align(offset + r.values.count * 4)
        }
        let payloadEnd = records.isEmpty ? headerSize : offsets.last! + records.last!.values.count * 4
        for (r, off) in zip(records, offsets) {
            putString(r.name, into: &table)
            table.append(WeightDType.float32.rawValue)
            table.append(UInt8(r.shape.count))
            for d in r.shape { put(UInt32(d), into: &table) }
            put(UInt64(off), into: &table)
            put(UInt64(r.values.count * 4), into: &table)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(payloadEnd + 4)
        bytes.append(contentsOf: magic)
        put(version, into: &bytes)
        put(UInt32(headerSize), into: &bytes)
        put(UInt32(records.count), into: &bytes)
        put(UInt32(0), into: &bytes)
        put(UInt64(payloadEnd + 4), into: &bytes)
        bytes.append(contentsOf: table)
        for (r, off) in zip(records, offsets) {
            bytes.append(contentsOf: [UInt8](repeating: 0, count: off - bytes.count))
            for v in r.values { put(v.bitPattern, into: &bytes) }
        }
        let crc = bytes.withUnsafeBytes { CRC32.checksum($0) }
        put(crc, into: &bytes)
        return bytes
    }

    private static func align(_ x: Int) -> Int { (x + alignment - 1) / alignment * alignment }
}

/// Little-endian cursor over a byte buffer; running past the end is a typed error.
struct ByteReader {
    let raw: UnsafeRawBufferPointer
    var offset = 0
    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    mutating func take<T: FixedWidthInteger>(_: T.Type) throws(WeightFileError.Kind) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= raw.count else { throw .malformed("header runs past the end of the file") }
        defer { offset += size }
        return T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
    mutating func u8() throws(WeightFileError.Kind) -> UInt8 { try take(UInt8.self) }
    mutating func u32() throws(WeightFileError.Kind) -> UInt32 { try take(UInt32.self) }
    mutating func u64() throws(WeightFileError.Kind) -> Int {
        let v = try take(UInt64.self)
        guard v <= UInt64(Int.max) else { throw .malformed("64-bit field out of range") }
        return Int(v)
    }
    mutating func string() throws(WeightFileError.Kind) -> String {
        let length = Int(try take(UInt16.self))
        guard offset + length <= raw.count else { throw .malformed("name runs past the end of the file") }
        defer { offset += length }
        guard let s = String(validating: raw[offset..<(offset + length)], as: UTF8.self) else {
            throw .malformed("a name is not valid UTF-8")
        }
        return s
    }
}
