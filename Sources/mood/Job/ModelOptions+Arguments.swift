/// The options that make `mood analyze-job` load the same models as this command.
extension ModelOptions {
    func arguments(threads: Int) -> [String] {
        var arguments = ["--threads", String(threads), "--batch", String(batch)]
        if let weights { arguments += ["--weights", weights] }
        if let classMap { arguments += ["--class-map", classMap] }
        if let emotionWeights { arguments += ["--emotion-weights", emotionWeights] }
        if noYamnet { arguments.append("--no-yamnet") }
        return arguments
    }
}
