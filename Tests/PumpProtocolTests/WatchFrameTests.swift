import Foundation
import Testing
@testable import PumpProtocol

@Suite("The live view")
struct WatchFrameTests {
    static let now = Fixtures.start.addingTimeInterval(846)

    static func frame(_ status: StatusReport?, problem: String? = nil, color: Bool) -> WatchFrame {
        WatchFrame(status: status, statusTime: problem == nil ? nil : now, problem: problem, now: now, timeZone: Fixtures.utc, color: color)
    }

    static let variants: [StatusReport?] = [
        Fixtures.running(),
        Fixtures.running(alarms: [Fixtures.occlusion, Fixtures.nearEnd], uncertaintyMl: 0.2),
        Fixtures.running(alarms: (0..<9).map { AlarmDTO(code: "a\($0)", priority: .medium, message: String(repeating: "long ", count: 40), raisedAt: now) }),
        StatusReport(state: .idle, backend: .sim),
        nil,
    ]

    @Test("every frame fits 80 columns × 24 lines, with and without colour and problems")
    func fits() {
        for status in Self.variants {
            for color in [true, false] {
                for problem in [nil, "Cannot reach pumpd at /run/pumpd/pumpd.sock: Connection refused. " + String(repeating: "Is the pumpd service running? ", count: 8)] {
                    let lines = Self.frame(status, problem: problem, color: color).lines()
                    #expect(lines.count == WatchFrame.height)
                    for line in lines {
                        #expect(ANSI.visibleWidth(line) <= WatchFrame.width, "\(line)")
                    }
                }
            }
        }
    }

    @Test("NO_COLOR removes every escape sequence from the frame")
    func noColor() {
        #expect(!ANSI.colorEnabled(environment: ["NO_COLOR": "1"], isTerminal: true))
        #expect(ANSI.colorEnabled(environment: ["NO_COLOR": ""], isTerminal: true))
        #expect(!ANSI.colorEnabled(environment: ["TERM": "dumb"], isTerminal: true))
        #expect(!ANSI.colorEnabled(environment: [:], isTerminal: false))
        let color = ANSI.colorEnabled(environment: ["NO_COLOR": "1"], isTerminal: true)
        let text = Self.frame(Fixtures.running(alarms: [Fixtures.occlusion]), color: color).lines().joined()
        #expect(!text.contains("\u{1B}"))
        let coloured = Self.frame(Fixtures.running(alarms: [Fixtures.occlusion]), color: true).lines().joined()
        #expect(coloured.contains("\u{1B}[1;97;41m"))
    }

    @Test("the frame shows progress, mg delivered / target, both rates, elapsed and remaining")
    func content() {
        let text = Self.frame(Fixtures.running(), color: false).lines().joined(separator: "\n")
        #expect(text.contains("35 %"))
        #expect(text.contains("12.35 mg / 35.00 mg"))
        #expect(text.contains("12.35 mL / 35.00 mL"))
        #expect(text.contains("52.50 mL/h"))
        #expect(text.contains("0.75 mg/kg/h"))
        #expect(text.contains("14:06"))
        #expect(text.contains("Remaining 25:54"))
        #expect(text.contains("No active alarms"))
        #expect(text.contains("RUNNING"))
    }

    @Test("HAZ-004: an alarm shows as a banner, most severe first, with its priority readable without colour")
    func alarmBanner() {
        let lines = Self.frame(Fixtures.running(alarms: [Fixtures.nearEnd, Fixtures.occlusion]), color: false).lines()
        let high = lines.firstIndex { $0.hasPrefix("*** HIGH occlusion: Downstream occlusion") }
        let low = lines.firstIndex { $0.hasPrefix("*   LOW near-end") }
        #expect(high != nil && low != nil)
        if let high, let low { #expect(high < low) }
        #expect(lines.contains("Acknowledge with: pumpctl ack CODE"))
    }

    @Test("an unreachable daemon is shown as a banner, not as stale figures passed off as current")
    func problemBanner() {
        let text = Self.frame(Fixtures.running(), problem: "Cannot reach pumpd at /tmp/p.sock: Connection refused.", color: false)
            .lines().joined(separator: "\n")
        #expect(text.contains("*** NO CURRENT DATA FROM PUMPD"))
        #expect(text.contains("Cannot reach pumpd at /tmp/p.sock"))
        #expect(text.contains("last received, at 14:14:06"))
    }

    @Test("the screen update homes the cursor, clears each line, and does not end in a newline")
    func screen() {
        let screen = Self.frame(Fixtures.running(), color: false).screen()
        #expect(screen.hasPrefix(ANSI.home))
        #expect(screen.hasSuffix(ANSI.clearLine + ANSI.clearBelow))
        #expect(screen.filter { $0 == "\n" }.count == WatchFrame.height - 1)
    }

    @Test("HAZ-004: the bell rings once per new high-priority alarm, not for low ones or repeats")
    func bell() {
        var bell = AlarmBell()
        var again = Fixtures.occlusion
        again.raisedAt = again.raisedAt.addingTimeInterval(300)
        let rings = [[], [Fixtures.nearEnd], [Fixtures.nearEnd, Fixtures.occlusion], [Fixtures.occlusion], [again]].map { bell.update($0) }
        #expect(rings == [false, false, true, false, true])
    }
}
