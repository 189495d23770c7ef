import Foundation

/// Reference data written by `Scripts/golden/make_golden.py` into `Tests/Golden/`
/// (regenerate with `Scripts/golden/regenerate`). Raw little-endian arrays plus `manifest.json`.
public struct Golden: Decodable, Sendable {
    public struct ArrayRef: Decodable, Sendable {
        public var file: String
        public var shape: [Int]
        public var dtype: String?
    }
    public struct FFT: Decodable, Sendable { public var input: ArrayRef; public var tf: ArrayRef; public var numpy: ArrayRef }
    public struct Frontend: Decodable, Sendable {
        public var window: ArrayRef
        public var mel_matrix: ArrayRef
        public var fft: FFT
    }
    public struct Clip: Decodable, Sendable {
        public var name: String
        public var num_samples: Int
        public var padded_samples: Int
        public var frames: Int
        public var patches: Int
        public var input: ArrayRef
        public var log_mel: ArrayRef
        public var scores: ArrayRef
        public var embeddings: ArrayRef
        public var logits: ArrayRef
    }
    public struct TensorSpec: Decodable, Sendable {
        public var name: String
        public var shape: [Int]
        public var scale: Double
        public var offset: Double
    }
    public struct YAMNetWeights: Decodable, Sendable {
        public var global_seed: UInt64
        public var weights_crc32: UInt32
        public var weights_size: Int
        public var tensors: [TensorSpec]
    }
    public var frontend: Frontend
    public var clips: [Clip]
    public var yamnet: YAMNetWeights

    /// `Tests/Golden/`, found from this source file's location.
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Golden")

    public static func load() throws -> Golden {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(Golden.self, from: data)
    }

    /// A float32 array file.
    public static func floats(_ ref: ArrayRef) throws -> [Float] {
        let data = try Data(contentsOf: directory.appendingPathComponent(ref.file))
        precondition(data.count == ref.shape.reduce(1, *) * 4, "\(ref.file): size does not match \(ref.shape)")
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// A float64 array file.
    public static func doubles(_ ref: ArrayRef) throws -> [Double] {
        let data = try Data(contentsOf: directory.appendingPathComponent(ref.file))
        precondition(data.count == ref.shape.reduce(1, *) * 8, "\(ref.file): size does not match \(ref.shape)")
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
    }
}
