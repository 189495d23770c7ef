import Foundation

// embed-resource INPUT OUTPUT NAME: writes OUTPUT, a Swift file declaring `NAME`, INPUT's bytes
// as a base64 string literal (type-checks in no time, unlike an array literal of thousands of
// integers). The EmbedEmotionModel build plugin runs it.
let arguments = CommandLine.arguments
guard arguments.count == 4, let data = FileManager.default.contents(atPath: arguments[1]) else {
    FileHandle.standardError.write(Data("usage: embed-resource INPUT OUTPUT NAME (INPUT must be readable)\n".utf8))
    exit(1)
}
let source = """
    // Generated at build time by embed-resource from \(URL(fileURLWithPath: arguments[1]).lastPathComponent); do not edit.
    /// \(URL(fileURLWithPath: arguments[1]).lastPathComponent), \(data.count) bytes, base64.
    let \(arguments[3])Base64 = "\(data.base64EncodedString())"

    """
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: arguments[2]), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("embed-resource: cannot write \(arguments[2]): \(error)\n".utf8))
    exit(1)
}
