import Analysis
import Foundation
import Plot

extension PlotData {
    /// The plot of one analysed file: its pooled log-mel spectrogram and its result's timeline.
    init(file: String, result: MoodResult, pooler: SpectrogramPooler) {
        self.init(title: (file as NSString).lastPathComponent, columns: pooler.columns, columnSeconds: pooler.columnSeconds,
                  duration: result.durationS,
                  timeline: result.timeline.map { Segment(startS: $0.startS, endS: $0.endS, dominantSound: $0.dominantSound,
                                                          arousal: $0.arousal, valence: $0.valence) })
    }
}
