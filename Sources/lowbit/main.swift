import Foundation
import LowBit

/// Every subcommand, in the order `lowbit --help` lists them.
var commands: [any Command.Type] { [
    RunCommand.self, InspectCommand.self, TokenizeCommand.self, LogitsCommand.self, QuantizeCommand.self, ConvertCommand.self,
    SynthCommand.self, BenchCommand.self, TrainCommand.self, UnlearnCommand.self, InterpolateCommand.self, ProbeCommand.self, SweepCommand.self,
] }

@MainActor func topLevelHelp() -> String {
    var s = """
    lowbit \(LowBit.version): run LLMs locally at low bit widths, and probe unlearned models for
    knowledge that quantization brings back.

    USAGE: lowbit <command> [options]

    COMMANDS:

    """
    for c in commands { s += "  " + c.name.padding(toLength: 13, withPad: " ", startingAt: 0) + c.summary + "\n" }
    s += "\nRun 'lowbit <command> --help' for a command's options and examples."
    return s
}

@MainActor func main() -> Int32 {
    var argv = Array(CommandLine.arguments.dropFirst())
    guard let first = argv.first else {
        Console.err(topLevelHelp())
        return 2
    }
    if first == "--help" || first == "-h" || first == "help" {
        Console.out(topLevelHelp())
        return 0
    }
    if first == "--version" {
        Console.out("lowbit \(LowBit.version)")
        return 0
    }
    guard let command = commands.first(where: { $0.name == first }) else {
        Console.err("lowbit: unknown command '\(first)'. Run 'lowbit --help' for the list.")
        return 2
    }
    argv.removeFirst()
    if argv.contains("--help") || argv.contains("-h") {
        Console.out(command.help)
        return 0
    }
    do {
        let args = try Arguments(argv, specs: command.options)
        return try command.run(args)
    } catch let e as UsageError {
        Console.err("lowbit \(command.name): \(e.message)\nRun 'lowbit \(command.name) --help' for usage.")
        return 2
    } catch {
        Console.err("lowbit \(command.name): error: \(error)")
        return 1
    }
}

exit(main())
