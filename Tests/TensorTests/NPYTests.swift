import Tensor
import Testing

@Suite struct NPYTests {
    @Test func npyHeader() {
        let bytes = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]).npyBytes()
        #expect(Array(bytes[0..<8]) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(header.hasSuffix("\n"))
        #expect(bytes.count == 10 + headerLength + 24)
        let one = String(decoding: Tensor(shape: [4], data: [0, 0, 0, 0]).npyBytes()[10..<74], as: UTF8.self)
        #expect(one.contains("'shape': (4,)"))
    }
}
