/// Errors of the DSP front end. Each message says what was wrong with the input.
public enum DSPError: Error, Equatable, CustomStringConvertible {
    case unsupportedFFTLength(Int)
    case nonFiniteSample(index: Int, value: Float)
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .unsupportedFFTLength(let n):
            return "FFT length \(n) is not supported: use a power of two ≥ 2"
        case .nonFiniteSample(let index, let value):
            return "waveform sample \(index) is \(value): audio must be finite"
        case .invalidParameter(let what):
            return "invalid front-end parameter: \(what)"
        }
    }
}
