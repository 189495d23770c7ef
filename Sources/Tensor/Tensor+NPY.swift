/// NumPy `.npy` serialisation (format version 1.0, little-endian float32, C order).
/// ref: numpy/lib/format.py — magic "\x93NUMPY", version, u16 header length, a Python-literal
/// dict padded with spaces and ending in "\n" so the data starts on a 64-byte boundary.
extension Tensor {
    public func npyBytes() -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ")
        let shapeLiteral = shape.count == 1 ? "(\(dims),)" : "(\(dims))"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeLiteral), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + data.count * 4)
        for v in data { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }
}
