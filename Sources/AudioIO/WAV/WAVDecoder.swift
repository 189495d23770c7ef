import Foundation

/// Decodes RIFF/WAVE, RF64 and BW64 files to interleaved float samples.
///
/// - Chunks: ref: Microsoft/IBM Multimedia Programming Interface and Data Specifications 1.0
///   (RIFF, WAVE `fmt `/`data`): unknown chunks are skipped, odd-sized chunks are padded to even.
///   The RIFF size is not trusted; chunks are read up to the end of the file. Streaming writers
///   leave a `data` size of 0 or 0xFFFFFFFF: the data then runs to the end of the file, as it
///   also does when the declared size is larger than the file (the frame count rounds down).
/// - RF64/BW64: ref: EBU Tech 3306 (RF64), ITU-R BS.2088 (BW64). A first `ds64` chunk carries
///   64-bit sizes; a 32-bit size of 0xFFFFFFFF means "see ds64" (`data` size or table entry).
/// - Encodings (`WAVEncoding`): PCM unsigned 8-bit and signed 16/24/32-bit, IEEE float 32/64,
///   A-law and µ-law (ref: ITU-T G.711), plain or WAVE_FORMAT_EXTENSIBLE (ref: Microsoft
///   WAVEFORMATEXTENSIBLE: the subformat GUID's first two bytes are the format code, the rest
///   must be the KSDATAFORMAT suffix 0000-0010-8000-00AA00389B71), 1–`maxChannels` channels.
///
/// Every read is bounds-checked; broken or unsupported files give a typed `AudioError`.
public enum WAVDecoder {
    /// The most channels decoded (7.1).
    public static let maxChannels = 8

    /// Decodes the bytes of a WAV file; `path` is only used in messages.
    public static func decode(_ bytes: some ContiguousBytes, path: String) throws(AudioError) -> DecodedAudio {
        try bytes.withUnsafeBytes { raw in Result { () throws(AudioError) in try decode(raw, path: path) } }.get()
    }

    static func decode(_ raw: UnsafeRawBufferPointer, path: String) throws(AudioError) -> DecodedAudio {
        let layout = try WAVLayout(CheckedBytes(raw: raw, path: path))
        let format = layout.format
        return DecodedAudio(samples: format.encoding.decode(UnsafeRawBufferPointer(rebasing: raw[layout.data]),
                                                            channels: format.channels),
                            sampleRate: format.sampleRate, channels: format.channels)
    }
}
