// pumpctl watch: the live view, redrawn in place until Ctrl-C.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import PumpProtocol

/// Set by the SIGINT handler; read by the refresh loop. A plain flag is all an async-signal handler may touch.
nonisolated(unsafe) private var interruptRequested: sig_atomic_t = 0

/// Shows a live, in-place view of the pump until interrupted.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Live view: progress, amounts, rates, times and alarms (s: pause the alarm audio, Ctrl-C to leave)."
    )

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("interval-ms"), help: "Refresh interval in milliseconds (100 to 10000).") var intervalMs = 500

    func validate() throws {
        guard (100...10_000).contains(intervalMs) else { throw ValidationError("--interval-ms must be between 100 and 10000") }
    }

    func run() throws {
        installInterruptHandler()
        let session = PumpSession(options: global)
        let terminal = Output.stdoutIsTerminal && global.mode == .text
        let color = ANSI.colorEnabled(environment: ProcessInfo.processInfo.environment, isTerminal: terminal)
        var bell = AlarmBell()
        var last: (status: StatusReport, at: Date)?
        let keys = KeyReader()
        if terminal { Output.raw(ANSI.hideCursor + ANSI.clearScreen) }
        defer {
            keys.restore()
            if terminal { Output.raw(ANSI.reset + ANSI.showCursor + "\n") }
        }

        while interruptRequested == 0 {
            var problem: String?
            do {
                let status = try session.status()
                last = (status, Date())  // wall-clock: display of the last update time
                if bell.update(status.alarms), terminal { Output.raw(ANSI.bell) }
            } catch {
                problem = error.message
            }
            if interruptRequested != 0 { break }
            if global.mode == .text {
                let frame = WatchFrame(status: last?.status, statusTime: problem == nil ? nil : last?.at, problem: problem,
                                       now: Date(), timeZone: .current, color: color)  // wall-clock: display of the last update time
                if terminal { Output.raw(frame.screen()) } else { Output.line(frame.lines().joined(separator: "\n") + "\n") }
            }
            if sleepUnlessInterrupted(milliseconds: intervalMs, keys: keys) {
                // s: the nurse silences the alarm audio from the live view; the next frame shows the countdown.
                _ = try? session.send(.silence(code: nil), echo: false)  // a refusal (no alarm) changes nothing on screen
            }
        }
    }

    /// SIGINT, SIGTERM and SIGHUP (the SSH connection or terminal went away) set a flag (no SA_RESTART, so a
    /// blocked read returns at once); the loop then leaves and the deferred cleanup restores the cursor. The
    /// three are unblocked first: a parent that spawned pumpctl with them blocked (some process launchers do)
    /// must not make the live view impossible to leave.
    private func installInterruptHandler() {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in interruptRequested = 1 }
        #else
        action.__sigaction_u.__sa_handler = { _ in interruptRequested = 1 }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGHUP, &action, nil)
        var leave = sigset_t()
        sigemptyset(&leave)
        sigaddset(&leave, SIGINT)
        sigaddset(&leave, SIGTERM)
        sigaddset(&leave, SIGHUP)
        pthread_sigmask(SIG_UNBLOCK, &leave, nil)
    }

    /// Waits for the refresh interval; returns true early when s was pressed.
    private func sleepUnlessInterrupted(milliseconds: Int, keys: KeyReader) -> Bool {
        var left = milliseconds
        while left > 0, interruptRequested == 0 {
            let step = min(left, 50)
            if let key = keys.key(waitingMilliseconds: Int32(step)), key == UInt8(ascii: "s") || key == UInt8(ascii: "S") {  // checked: step ≤ 50
                return true
            }
            left -= step
        }
        return false
    }
}
