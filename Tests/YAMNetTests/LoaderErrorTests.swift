import Foundation
import WeightFormat
import Testing
import TestSupport
import YAMNet

/// Corrupted or mismatched weight files: each gives the right typed error, naming the tensor
/// and the script that regenerates the file.
@Suite struct LoaderErrorTests {
    static let records: [WeightRecord] = SeededWeights.records(try! Golden.load())

    func load(_ bytes: [UInt8]) throws -> WeightFileError.Kind? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do { _ = try YAMNet.Weights(path: path); return nil } catch {
            #expect(error.description.contains("Scripts/fetch-weights") && error.description.contains("Scripts/export_yamnet.py"))
            return error.kind
        }
    }

    @Test func flippedByteIsAChecksumError() throws {
        var bytes = WeightFile.encode(model: "yamnet", records: Self.records)
        bytes[bytes.count / 2] ^= 0x01
        guard case .checksumMismatch = try load(bytes) else { Issue.record("expected checksum error"); return }
    }

    @Test func truncationIsDetected() throws {
        let bytes = WeightFile.encode(model: "yamnet", records: Self.records)
        guard case .truncated = try load(Array(bytes.prefix(bytes.count - 1000))) else { Issue.record("expected truncation"); return }
    }

    @Test func wrongMagic() throws {
        var bytes = WeightFile.encode(model: "yamnet", records: Self.records)
        bytes.replaceSubrange(0..<4, with: Array("GGUF".utf8))
        #expect(try load(bytes) == .badMagic)
    }

    @Test func missingTensorIsNamed() throws {
        let without = Self.records.filter { $0.name != "layer7/pointwise_conv/bn/moving_mean" }
        #expect(try load(WeightFile.encode(model: "yamnet", records: without)) == .missingTensor("layer7/pointwise_conv/bn/moving_mean"))
    }

    @Test func wrongShapeIsNamed() throws {
        var records = Self.records
        let i = records.firstIndex { $0.name == "logits/bias" }!
        records[i] = WeightRecord(name: "logits/bias", shape: [520], values: Array(records[i].values.prefix(520)))
        #expect(try load(WeightFile.encode(model: "yamnet", records: records)) == .wrongShape("logits/bias", expected: [521], found: [520]))
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: WeightFileError.self) { try YAMNet.Weights(path: "/nonexistent/yamnet.bin") }
    }
}
