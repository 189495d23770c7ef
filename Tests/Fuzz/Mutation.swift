import TestSupport

/// One way to damage a file. `apply` edits the bytes and returns what it did ("channels = 0 at
/// 22"), or nil, leaving them unchanged, when the file offers no place for it.
struct Mutation: Sendable {
    let name: String
    let apply: @Sendable (inout [UInt8], inout SplitMix64) -> String?

    init(_ name: String, _ apply: @escaping @Sendable (inout [UInt8], inout SplitMix64) -> String?) {
        self.name = name
        self.apply = apply
    }
}

/// A mutated file and how it was made.
struct FuzzInput {
    let index: Int
    let seed: Seed
    var bytes: [UInt8]
    var mutations: [String] = []

    var description: String { "input \(index): \(seed.name) + " + mutations.joined(separator: "; ") }
}

/// Builds input `index` of a run from a SplitMix64 seeded by the run seed and the index alone, so
/// that any input is rebuilt by itself (`MOOD_FUZZ_FIRST=index MOOD_FUZZ_INPUTS=1`). Families take
/// turns (WAV, FLAC, MP3); the seed file is drawn from the family, then 1–3 mutations are stacked:
/// the family's format-aware ones, generic byte edits, or (rarely) another container's magic.
struct MutationEngine {
    let seeds: [Family: [Seed]]
    let runSeed: UInt64

    func input(_ index: Int) -> FuzzInput {
        var rng = SplitMix64(state: runSeed ^ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        let family = Family.allCases[index % Family.allCases.count]
        var input = FuzzInput(index: index, seed: rng.pick(seeds[family]!), bytes: [])
        input.bytes = input.seed.bytes
        let wanted = rng.pick([1, 1, 1, 1, 2, 2, 3])
        for _ in 0..<20 where input.mutations.count < wanted {
            let pool = rng.chance(0.03) ? GenericMutations.otherFormats
                : rng.chance(0.6) ? family.mutations : GenericMutations.all
            let mutation = rng.pick(pool)
            if let what = mutation.apply(&input.bytes, &rng) { input.mutations.append("\(mutation.name) \(what)") }
        }
        return input
    }
}

extension SplitMix64 {
    mutating func below(_ n: Int) -> Int { Int.random(in: 0..<n, using: &self) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
    mutating func byte() -> UInt8 { UInt8.random(in: .min ... .max, using: &self) }
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in byte() } }
}

extension Array where Element == UInt8 {
    /// The `width`-byte unsigned number at `offset` (little-endian unless `bigEndian`), nil past the end.
    func uint(at offset: Int, _ width: Int, bigEndian: Bool = false) -> UInt64? {
        guard offset >= 0, count - offset >= width else { return nil }
        return (0..<width).reduce(0) { v, k in v | UInt64(self[offset + (bigEndian ? width - 1 - k : k)]) << (8 * k) }
    }

    /// Writes the low `width` bytes of `value` at `offset`; false, writing nothing, past the end.
    @discardableResult
    mutating func set(_ value: UInt64, at offset: Int, _ width: Int, bigEndian: Bool = false) -> Bool {
        guard offset >= 0, count - offset >= width else { return false }
        for k in 0..<width { self[offset + (bigEndian ? width - 1 - k : k)] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
        return true
    }

    /// The `width` (≤ 64) bits from bit `bit` on, most significant first (as FLAC and MPEG audio
    /// store fields); nil past the end.
    func bits(at bit: Int, _ width: Int) -> UInt64? {
        guard bit >= 0, count * 8 - bit >= width else { return nil }
        return (bit..<(bit + width)).reduce(UInt64(0)) { value, position in
            let byte = self[position / 8] >> UInt8(7 - position % 8)
            return value << 1 | UInt64(byte & 1)
        }
    }

    /// Writes the low `width` bits of `value` from bit `bit` on, most significant first; false,
    /// writing nothing, past the end.
    @discardableResult
    mutating func setBits(_ value: UInt64, at bit: Int, _ width: Int) -> Bool {
        guard bit >= 0, count * 8 - bit >= width else { return false }
        for (k, position) in (bit..<(bit + width)).enumerated() {
            let mask: UInt8 = 0x80 >> (position % 8)
            if value >> (width - 1 - k) & 1 == 1 { self[position / 8] |= mask } else { self[position / 8] &= ~mask }
        }
        return true
    }

    /// Whether `tag` (ASCII) is at `offset`.
    func has(_ tag: String, at offset: Int) -> Bool {
        let t = Array(tag.utf8)
        return offset >= 0 && count - offset >= t.count && self[offset..<(offset + t.count)].elementsEqual(t)
    }

    /// The offset of the first `tag`, if any.
    func find(_ tag: String) -> Int? { indices.first { has(tag, at: $0) } }
}

/// "0x1F" for field values in descriptions.
func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16, uppercase: true) }
