/// Spectral flux: the Euclidean distance between successive magnitude spectra, each scaled to
/// unit L2 norm, so it measures change of spectral shape, not of level: 0 … √2 (0 when either
/// frame is silent). ref: Tzanetakis & Cook 2002, IEEE Trans. Speech Audio Process. 10(5),
/// "spectral flux"; eGeMAPS (Eyben et al. 2016) lists it among the spectral descriptors.
struct SpectralFlux {
    private var previous: [Float]
    private var previousSilent = true

    init(bins: Int) { previous = [Float](repeating: 0, count: bins) }

    mutating func next(magnitude: [Float]) -> Float {
        let norm = magnitude.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let silent = norm == 0
        var distance = 0.0
        for k in magnitude.indices {
            let current = silent ? 0 : Double(magnitude[k]) / norm
            if !silent && !previousSilent {
                let d = current - Double(previous[k])
                distance += d * d
            }
            previous[k] = Float(current)
        }
        defer { previousSilent = silent }
        return silent || previousSilent ? 0 : Float(distance.squareRoot())
    }
}
