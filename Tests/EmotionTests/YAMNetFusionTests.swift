@testable import Emotion
import Foundation
import Testing

/// YAMNet's AudioSet mood and vocal classes fused into arousal and valence, tested with controlled
/// mean-score vectors (the official weights are not reachable here). The directions are stated
/// here, independently of the table: the AudioSet ontology's description of each class (Gemmeke
/// et al. 2017, ICASSP) placed on Russell's circumplex (1980), with the vocal profiles of Juslin &
/// Laukka 2003 (anger and fear: loud, high arousal; sadness: low arousal).
@Suite struct YAMNetFusionTests {
    typealias T = EmotionModelTests

    /// class → (arousal direction, valence direction): +1 up, −1 down, 0 not asserted.
    static let directions: [String: (arousal: Double, valence: Double)] = [
        "Happy music": (1, 1), "Sad music": (-1, -1), "Tender music": (-1, 1), "Exciting music": (1, 1),
        "Angry music": (1, -1), "Scary music": (1, -1),
        "Laughter": (1, 1), "Giggle": (1, 1), "Crying, sobbing": (0, -1), "Whimper": (0, -1), "Screaming": (1, -1),
        "Shout": (1, -1), "Yell": (1, -1), "Whispering": (-1, 0), "Sigh": (-1, -1), "Groan": (0, -1),
    ]

    /// Each class at a mean score of 0.5 over typical audio of its kind (music classes with Music
    /// at 0.9, vocal classes with Speech at 0.8) moves each asserted dimension by at least 0.05 the
    /// stated way; 0.05 is 2.5 % of the range: a visible step, not a rounding.
    @Test func everyMoodAndVocalClassMovesAsItsMeaning() {
        var failures: [String] = []
        for (name, direction) in Self.directions.sorted(by: { $0.key < $1.key }) {
            let context = name.hasSuffix("music") ? "Music" : "Speech"
            let base = T.estimate(T.typicalSpeech, yamnet: [context: context == "Music" ? 0.9 : 0.8])
            let with = T.estimate(T.typicalSpeech, yamnet: [context: context == "Music" ? 0.9 : 0.8, name: 0.5])
            let da = with.arousal - base.arousal, dv = with.valence - base.valence
            print(String(format: "%@: arousal %+.3f, valence %+.3f → %@", name, da, dv, with.mood.rawValue))
            if direction.arousal != 0, da * direction.arousal < 0.05 { failures.append("\(name) arousal \(da)") }
            if direction.valence != 0, dv * direction.valence < 0.05 { failures.append("\(name) valence \(dv)") }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    /// The fused quadrant for a clear case of each music mood: Happy music reads happy, Sad music
    /// sad, Angry and Scary music tense, Tender music calm (typical cues, class at 0.8).
    @Test func musicMoodClassesLandInTheirQuadrant() {
        let expected: [String: MoodLabel] = ["Happy music": .happy, "Sad music": .sad, "Angry music": .tense,
                                             "Scary music": .tense, "Tender music": .calm]
        for (name, mood) in expected.sorted(by: { $0.key < $1.key }) {
            let e = T.estimate(T.typicalSpeech, yamnet: ["Music": 0.9, name: 0.8])
            print("\(name): arousal \(e.arousal), valence \(e.valence) → \(e.mood)")
            #expect(e.mood == mood, "\(name)")
        }
    }

    /// A class the table does not name (Dog) moves nothing: only listed classes are fused.
    @Test func unlistedClassesMoveNothing() {
        let base = T.estimate(T.typicalSpeech, yamnet: ["Speech": 0.8])
        let dog = T.estimate(T.typicalSpeech, yamnet: ["Speech": 0.8, "Dog": 0.9])
        #expect(base.arousal == dog.arousal && base.valence == dog.valence)
    }
}
