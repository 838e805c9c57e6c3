// Every `daemon` scenario file in hw-sim/scenarios runs against the real pump service and journal
// (see DaemonScenarioRunner); failures name the scenario id and the violated expectation.
import Foundation
import PumpCore
import PumpScenarios
import Testing

enum DaemonScenarioCatalog {
    static let ids: [String] = ((try? ScenarioLoader.loadAll()) ?? []).filter { $0.runner == .daemon }.map(\.id)
}

@Suite("Daemon-level fault scenarios (hw-sim/scenarios, runner = daemon)", .serialized)
struct DaemonScenarioTests {
    @Test("There are daemon-level scenarios (full journal disk, wall-clock jump)")
    func present() {
        #expect(DaemonScenarioCatalog.ids.count >= 2)
    }

    @Test("Daemon scenario meets its expectations", arguments: DaemonScenarioCatalog.ids)
    func scenarioPasses(id: String) throws {
        let scenario = try #require(try ScenarioLoader.loadAll().first { $0.id == id })
        let started = Date()
        var outcome = try DaemonScenarioRunner(scenario).run()
        // The real control loop runs on a shared CI machine: if it was starved past its heartbeat limit, the
        // daemon correctly stopped with heartbeat-missed, which says nothing about this scenario's fault. Run
        // once more in that case (and only that case); a second starvation fails the test.
        if outcome.firstStoppingAlarm?.code == .heartbeatMissed, !scenario.expect.alarms.contains(.heartbeatMissed) {
            print("scenario-note \(id): control loop starved on this machine (heartbeat-missed), running once more")
            outcome = try DaemonScenarioRunner(scenario).run()
        }
        let violations = outcome.violations(of: scenario.expect)
        #expect(violations.isEmpty, "scenario \(id) violated: \(violations.joined(separator: "; "))")
        print("scenario-result \(outcome) [\(String(format: "%.2f", Date().timeIntervalSince(started))) s wall]")
    }
}
