// pumpctl's global options may stand before or after the subcommand (`pumpctl --socket S --json status`).
// ArgumentParser only accepts a subcommand's options after its name, so the options given before it are moved
// behind the (innermost) subcommand name before parsing. Pure logic, tested in PumpProtocolTests.

/// Moves global options written before the subcommand to just after it.
public enum GlobalArgumentOrder {
    /// The global flags (no value).
    public static let flags: Set<String> = ["--json", "--raw"]
    /// The global options that take a value (`--socket PATH` or `--socket=PATH`).
    public static let valued: Set<String> = ["--socket"]

    /// `arguments` (without the program name) with the leading global options moved behind the subcommand.
    ///
    /// - Parameter groups: subcommands that hold subcommands themselves (e.g. `sim`): the options go behind
    ///   the inner name too.
    /// Arguments without a subcommand (`pumpctl --json`, `pumpctl --version`) are returned unchanged, so
    /// ArgumentParser reports them as it always did.
    public static func hoisted(_ arguments: [String], groups: Set<String> = []) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if flags.contains(argument) || valued.contains(where: { argument.hasPrefix($0 + "=") }) {
                leading.append(argument)
                index += 1
            } else if valued.contains(argument), index + 1 < arguments.count {
                leading += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count, !arguments[index].hasPrefix("-") else { return arguments }
        var end = index + 1
        if groups.contains(arguments[index]), end < arguments.count, !arguments[end].hasPrefix("-") { end += 1 }
        return Array(arguments[index..<end]) + leading + Array(arguments[end...])
    }
}
