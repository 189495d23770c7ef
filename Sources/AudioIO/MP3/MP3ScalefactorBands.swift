/// Scale-factor band layouts by `MP3FrameHeader.bandIndex` (44.1, 48, 32, 22.05, 24, 16, 11.025,
/// 12, 8 kHz).
///
/// - MPEG-1: ref: ISO/IEC 11172-3 Table B.8 ("Layer III scalefactor bands").
/// - MPEG-2: ref: ISO/IEC 13818-3 Table B.2.
/// - MPEG-2.5: 11.025 and 12 kHz use the 16 kHz layout; 8 kHz has its own, twice as wide (the
///   Fraunhofer extension as implemented by common decoders).
///
/// Long blocks have 22 bands covering 576 lines; short blocks 13 bands covering 192 lines per window.
enum MP3ScalefactorBands {
    /// Long-block band widths; each row sums to 576.
    static let longWidths: [[Int]] = [
        [4, 4, 4, 4, 4, 4, 6, 6, 8, 8, 10, 12, 16, 20, 24, 28, 34, 42, 50, 54, 76, 158],
        [4, 4, 4, 4, 4, 4, 6, 6, 6, 8, 10, 12, 16, 18, 22, 28, 34, 40, 46, 54, 54, 192],
        [4, 4, 4, 4, 4, 4, 6, 6, 8, 10, 12, 16, 20, 24, 30, 38, 46, 56, 68, 84, 102, 26],
        [6, 6, 6, 6, 6, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 38, 46, 52, 60, 68, 58, 54],
        [6, 6, 6, 6, 6, 6, 8, 10, 12, 14, 16, 18, 22, 26, 32, 38, 46, 52, 64, 70, 76, 36],
        [6, 6, 6, 6, 6, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 38, 46, 52, 60, 68, 58, 54],
        [6, 6, 6, 6, 6, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 38, 46, 52, 60, 68, 58, 54],
        [6, 6, 6, 6, 6, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 38, 46, 52, 60, 68, 58, 54],
        [12, 12, 12, 12, 12, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 76, 90, 2, 2, 2, 2, 2],
    ]

    /// Short-block band widths (lines per window); each row sums to 192.
    static let shortWidths: [[Int]] = [
        [4, 4, 4, 4, 6, 8, 10, 12, 14, 18, 22, 30, 56],
        [4, 4, 4, 4, 6, 6, 10, 12, 14, 16, 20, 26, 66],
        [4, 4, 4, 4, 6, 8, 12, 16, 20, 26, 34, 42, 12],
        [4, 4, 4, 6, 6, 8, 10, 14, 18, 26, 32, 42, 18],
        [4, 4, 4, 6, 8, 10, 12, 14, 18, 24, 32, 44, 12],
        [4, 4, 4, 6, 8, 10, 12, 14, 18, 24, 30, 40, 18],
        [4, 4, 4, 6, 8, 10, 12, 14, 18, 24, 30, 40, 18],
        [4, 4, 4, 6, 8, 10, 12, 14, 18, 24, 30, 40, 18],
        [8, 8, 8, 12, 16, 20, 24, 28, 36, 2, 2, 2, 26],
    ]

    /// Long-block band starts (23 entries, the last 576).
    static let longStarts: [[Int]] = longWidths.map(starts)
    /// Short-block band starts within a window (14 entries, the last 192).
    static let shortStarts: [[Int]] = shortWidths.map(starts)

    /// `pretab`, added to the long-block scale factors when `preflag` is set.
    /// ref: ISO/IEC 11172-3 Table B.6
    static let pretab = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 2, 0]

    private static func starts(_ widths: [Int]) -> [Int] {
        widths.reduce(into: [0]) { $0.append($0.last! + $1) }
    }
}
