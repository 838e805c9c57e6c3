// The Promela model (docs/model/pump-engine.pml) and the Swift transition table must say the same thing, and spin
// must verify the model and reject its mutant (issue 13 item 3).
import Foundation
import PumpCore
@testable import PumpControl
import Testing

@Suite("Engine model: Promela table = Swift table; spin verifies the model and catches the mutant", .serialized)
struct EngineModelTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func modelTransitions() throws -> Set<EngineTransitions.Transition> {
        let text = try String(contentsOf: root.appendingPathComponent("docs/model/pump-engine.pml"), encoding: .utf8)
        let pattern = try Regex(#"T\(([A-Z_]+), ([A-Z_]+), ([A-Z_]+)\)"#)
        var rows = Set<EngineTransitions.Transition>()
        for line in text.split(separator: "\n") where !line.contains("#define") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("*") {
            for match in line.matches(of: pattern) {
                func name(_ index: Int) -> String {
                    String(match.output[index].substring ?? "").lowercased().replacingOccurrences(of: "_", with: "-")
                }
                let camelState = name(1)
                guard let from = PumpState(rawValue: camelState), let to = PumpState(rawValue: name(3)),
                      let cause = TransitionCause(rawValue: name(2)) else {
                    Issue.record("unknown name in \(line)")
                    continue
                }
                rows.insert(.init(from: from, cause: cause, to: to))
            }
        }
        return rows
    }

    @Test("HAZ-010: the model's T(FROM, CAUSE, TO) lines are exactly EngineTransitions.table")
    func tablesAgree() throws {
        let model = try Self.modelTransitions()
        #expect(model.count > 10)
        for row in EngineTransitions.table.subtracting(model) {
            Issue.record("in Swift, not in the model: \(row.from) --\(row.cause.rawValue)--> \(row.to)")
        }
        for row in model.subtracting(EngineTransitions.table) {
            Issue.record("in the model, not in Swift: \(row.from) --\(row.cause.rawValue)--> \(row.to)")
        }
    }

    @Test("HAZ-010: only start, resume and resume-interrupted lead into running")
    func onlyCommandsIntoRunning() {
        #expect(EngineTransitions.causesIntoRunning == [.start, .resume, .resumeInterrupted])
    }

    @Test("HAZ-004/HAZ-011: spin verifies every property of the model exhaustively, and the mutant without 'retracting blocks arming' fails")
    func spinVerifies() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.root.appendingPathComponent("scripts/verify-model.sh").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(text)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("model-verdict pump-engine.pml: all properties hold"))
        #expect(text.contains("model-verdict gate-mutant-arm-while-retracting.pml: caught"))
        #expect(text.contains("never_infusing_while_backing_off: errors 0"))
    }
}
