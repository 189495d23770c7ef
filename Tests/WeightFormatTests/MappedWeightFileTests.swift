import Foundation
import Testing
import TestSupport
import WeightFormat

/// The mapped reader on good and hostile files: views equal the written values in place, and every
/// malformed size, offset or alignment is a typed error naming the tensor, never a trap.
@Suite struct MappedWeightFileTests {
    let records = [
        WeightRecord(name: "a/kernel", shape: [2, 3], values: [1, 2, 3, 4, 5, 6]),
        WeightRecord(name: "b/bias", shape: [5], values: [-1, 0.5, 0, 7, 1e-3]),
        WeightRecord(name: "scalar", shape: [], values: [42]),
    ]
    /// Byte offsets in `encode(model: "test", records)`: header 32, model name 2 + 4, then the
    /// first record: name 2 + 8, dtype, rank, two u32 dims, u64 offset, u64 length.
    static let (firstDims, firstOffset, firstLength) = (50, 58, 66)

    func withFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("m-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    func kind(_ bytes: [UInt8]) throws -> WeightFileError.Kind? {
        try withFile(bytes) { path -> WeightFileError.Kind? in
            do { _ = try MappedWeightFile(path: path, model: "test", hint: "rerun the exporter"); return nil }
            catch let error as WeightFileError {
                #expect(error.description.contains(path) && error.description.contains("rerun the exporter"))
                return error.kind
            }
        }
    }

    /// `bytes` with a little-endian `value` at `offset` and the CRC-32 trailer recomputed, so the
    /// parser, not the checksum, must catch the change.
    func patched<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, _ value: T) -> [UInt8] {
        var b = bytes
        withUnsafeBytes(of: value.littleEndian) { b.replaceSubrange(offset..<(offset + MemoryLayout<T>.size), with: $0) }
        return resealed(b)
    }

    func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        let crc = b.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0.dropLast(4))) }
        withUnsafeBytes(of: crc.littleEndian) { b.replaceSubrange((b.count - 4)..., with: $0) }
        return b
    }

    func expectMalformed(_ bytes: [UInt8], naming tensor: String?, _ label: String) throws {
        let k = try kind(bytes)
        guard case .malformed(let reason)? = k else { Issue.record("\(label): \(String(describing: k))"); return }
        if let tensor { #expect(reason.contains("'\(tensor)'"), "\(label): \(reason)") }
    }

    @Test func viewsAreTheValuesInPlace() throws {
        let bytes = WeightFile.encode(model: "test", records: records)
        try withFile(bytes) { path in
            let file = try MappedWeightFile(path: path, model: "test", hint: "")
            #expect(file.tensors.map(\.name) == records.map(\.name))
            for r in records {
                let t = try #require(file[r.name])
                #expect(t.shape == r.shape && Array(t.values) == r.values)
                #expect(Int(bitPattern: t.values.baseAddress) % 64 == 0, "\(r.name) is 64-byte aligned")
            }
            #expect(file["missing"] == nil)
            #expect(file.checksum == bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0.dropLast(4))) })
        }
    }

    @Test func truncatedOrPaddedFiles() throws {
        let good = WeightFile.encode(model: "test", records: records)
        #expect(try kind([]) == .truncated(expected: 36, actual: 0))
        #expect(try kind(Array(good.prefix(20))) == .truncated(expected: 36, actual: 20))
        #expect(try kind(Array(good.dropLast(100))) == .truncated(expected: good.count, actual: good.count - 100))
        #expect(try kind(good + [0, 0, 0, 0]) == .truncated(expected: good.count, actual: good.count + 4))
    }

    @Test func misalignedOffset() throws {
        let good = WeightFile.encode(model: "test", records: records)
        let offset = good.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: Self.firstOffset, as: UInt64.self)) }
        try expectMalformed(patched(good, at: Self.firstOffset, UInt64(offset + 4)), naming: "a/kernel", "offset + 4")
    }

    @Test func offsetsAndLengthsOutsideThePayload() throws {
        let good = WeightFile.encode(model: "test", records: records)
        for bad: UInt64 in [UInt64(good.count), 1 << 40, UInt64(Int.max) - 63] {
            try expectMalformed(patched(good, at: Self.firstOffset, bad), naming: "a/kernel", "offset \(bad)")
        }
        try expectMalformed(patched(good, at: Self.firstOffset, UInt64.max), naming: nil, "offset 2⁶⁴ − 1")
        try expectMalformed(patched(good, at: Self.firstOffset, UInt64(0)), naming: "a/kernel", "offset inside the header")
        for bad: UInt64 in [28, 1 << 20, UInt64(Int.max)] {
            try expectMalformed(patched(good, at: Self.firstLength, bad), naming: "a/kernel", "length \(bad)")
        }
    }

    @Test func shapesLargerThanTheFile() throws {
        let good = WeightFile.encode(model: "test", records: records)
        // 2³²−1 × 2³²−1 overflows Int: must be an error, not an arithmetic trap.
        let huge = patched(patched(good, at: Self.firstDims, UInt32.max), at: Self.firstDims + 4, UInt32.max)
        try expectMalformed(huge, naming: "a/kernel", "dims 2³²−1 × 2³²−1")
        try expectMalformed(patched(good, at: Self.firstDims, UInt32(3)), naming: "a/kernel", "dims 3 × 3 for 6 values")
    }

    @Test func tableInconsistencies() throws {
        let good = WeightFile.encode(model: "test", records: records)
        try expectMalformed(patched(good, at: 16, UInt32.max), naming: nil, "tensor count 2³²−1")
        try expectMalformed(patched(good, at: 12, UInt32(good.count)), naming: nil, "header size past the end")
        let twice = WeightFile.encode(model: "test", records: [records[0], records[0]])
        try expectMalformed(twice, naming: "a/kernel", "duplicate name")
        #expect(try kind(resealed(good.enumerated().map { $0.offset == 42 ? 0xFF : $0.element })) == .malformed("a name is not valid UTF-8"))
    }

    /// Every byte of the header and table set to 0x00, 0x7F and 0xFF in turn, the CRC resealed:
    /// each file opens or is refused with a typed error; none traps.
    @Test func everyHeaderByteMutated() throws {
        let good = WeightFile.encode(model: "test", records: records)
        let headerSize = good.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 12, as: UInt32.self)) }
        var refused = 0
        for i in 0..<headerSize { for v: UInt8 in [0x00, 0x7F, 0xFF] where good[i] != v {
            var b = good; b[i] = v
            if try kind(resealed(b)) != nil { refused += 1 }
        } }
        #expect(refused > headerSize)
    }

    @Test func notARegularFile() throws {
        let dir = FileManager.default.temporaryDirectory.path
        #expect(throws: WeightFileError(kind: .unreadable("not a regular file"), path: dir, hint: "h")) {
            try MappedWeightFile(path: dir, model: "test", hint: "h")
        }
        #expect(throws: WeightFileError.self) { try MappedWeightFile(path: "/nonexistent/w.bin", model: "test", hint: "h") }
    }
}
