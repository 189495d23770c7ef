/// G.711 A-law and µ-law expansion to 16-bit linear PCM.
///
/// ref: ITU-T G.711 (11/1988), Tables 1a/1b (A-law) and 2a/2b (µ-law). A character is
/// P S S S Q Q Q Q: polarity, segment 0–7, and step 0–15 within the segment. On the line the
/// A-law character has its even bits inverted (XOR 0x55) and the µ-law character all its bits, so
/// for both a transmitted byte with bit 7 set is positive. The decoder output is the midpoint of
/// the step's decision interval:
///
/// - A-law, on a ±4096 scale: segment 0 is [0, 32) in steps of 2; segment s ≥ 1 is
///   [32·2^(s−1), 64·2^(s−1)) in steps of 2^s.
/// - µ-law, on a ±8192 scale biased by 33: segment s is [32·2^s, 64·2^s) − 33 in steps of 2^(s+1).
///
/// Both scales are widened to 16 bits (A-law × 8, µ-law × 4), as G.711's 13- and 14-bit linear
/// codes are the top bits of a 16-bit sample.
public enum G711 {
    /// The 16-bit linear value of an A-law character (−32256 … 32256).
    public static func alawToLinear(_ character: UInt8) -> Int16 {
        let c = Int(character ^ 0x55)
        let segment = (c >> 4) & 7, step = c & 0x0F
        // Midpoint of step `step`: segment 0 → 2·step + 1; segment s → 2^(s−1)·(32 + 2·step + 1).
        let magnitude = segment == 0 ? 2 * step + 1 : (2 * step + 33) << (segment - 1)
        return Int16(c & 0x80 != 0 ? magnitude * 8 : -magnitude * 8)
    }

    /// The 16-bit linear value of a µ-law character (−32124 … 32124).
    public static func ulawToLinear(_ character: UInt8) -> Int16 {
        let c = Int(~character)
        let segment = (c >> 4) & 7, step = c & 0x0F
        // Midpoint of step `step` in the biased segment, 2^s·(32 + 2·step + 1), minus the bias.
        let magnitude = ((2 * step + 33) << segment) - 33
        return Int16(c & 0x80 != 0 ? -magnitude * 4 : magnitude * 4)
    }

    /// Every A-law character expanded and scaled by 1/32768, indexed by the character.
    static let alawTable: [Float] = (0...255).map { Float(alawToLinear(UInt8($0))) / 32768 }
    /// Every µ-law character expanded and scaled by 1/32768, indexed by the character.
    static let ulawTable: [Float] = (0...255).map { Float(ulawToLinear(UInt8($0))) / 32768 }
}
