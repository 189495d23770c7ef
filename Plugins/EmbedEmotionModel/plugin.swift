import Foundation
import PackagePlugin

/// Embeds Weights/emotion.bin in the `mood` binary at build time: runs `embed-resource` to write
/// `EmbeddedEmotionModel.swift` (the file as a base64 literal). A changed emotion.bin rebuilds it.
@main
struct EmbedEmotionModel: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(components: "Weights", "emotion.bin")
        let output = context.pluginWorkDirectoryURL.appending(component: "EmbeddedEmotionModel.swift")
        return [.buildCommand(displayName: "Embedding Weights/emotion.bin",
                              executable: try context.tool(named: "embed-resource").url,
                              arguments: [input.path, output.path, "embeddedEmotionModel"],
                              inputFiles: [input], outputFiles: [output])]
    }
}
