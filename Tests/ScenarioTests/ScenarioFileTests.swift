// Runs every `engine` scenario file in hw-sim/scenarios/ in virtual time and checks its expectations; each
// failure names the scenario id and the violated expectation. Sensitivity: a scenario that names
// `sensitivity_disable` must FAIL when those supervisor checks are switched off (proves it can fail).
import Foundation
import PumpCore
import PumpScenarios
import Testing

enum ScenarioCatalog {
    /// Every scenario that loads (a file that does not load fails `everyFileLoads`).
    static let all: [Scenario] = ScenarioLoader.files().compactMap { try? ScenarioLoader.load(from: $0) }
    static let engine: [String] = all.filter { $0.runner == .engine }.map(\.id)
    static let sensitive: [String] = all.filter { $0.runner == .engine && !$0.sensitivityDisable.isEmpty }.map(\.id)
    static func scenario(_ id: String) throws -> Scenario {
        try #require(all.first { $0.id == id }, "scenario \(id) not found")
    }
}

extension ScenarioLoader {
    /// The scenario files, or none when the directory cannot be listed (then `everyFileLoads` fails).
    static func files() -> [URL] { (try? files(in: defaultDirectory)) ?? [] }
}

@Suite("Fault-injection scenarios (hw-sim/scenarios)")
struct ScenarioFileTests {
    @Test("Every scenario file loads without error")
    func everyFileLoads() throws {
        let files = try ScenarioLoader.files(in: ScenarioLoader.defaultDirectory)
        #expect(!files.isEmpty)
        for file in files {
            #expect(throws: Never.self, "\(file.lastPathComponent)") { try ScenarioLoader.load(from: file) }
        }
    }

    @Test("Scenario meets its expectations (virtual time, engine + plant)", arguments: ScenarioCatalog.engine)
    func scenarioPasses(id: String) throws {
        let scenario = try ScenarioCatalog.scenario(id)
        let started = Date()
        let outcome = try ScenarioRunner().run(scenario)
        let violations = outcome.violations(of: scenario.expect)
        #expect(violations.isEmpty, "scenario \(id) violated: \(violations.joined(separator: "; "))")
        print("scenario-result \(outcome) [\(String(format: "%.2f", Date().timeIntervalSince(started))) s wall]")
    }

    @Test("Sensitivity: with the named supervisor checks disabled the scenario fails", arguments: ScenarioCatalog.sensitive)
    func scenarioFailsWithoutItsCheck(id: String) throws {
        let scenario = try ScenarioCatalog.scenario(id)
        let outcome = try ScenarioRunner().run(scenario, disabling: Set(scenario.sensitivityDisable))
        // The harm itself must happen (drug past the bound, a bolus over it, the motor left on, motion after a trip,
        // "completed" while under-delivered), not merely an expected alarm code go missing.
        let harms = outcome.harms(of: scenario.expect)
        #expect(!harms.isEmpty,
                "scenario \(id) shows no physical harm with \(scenario.sensitivityDisable.map(\.rawValue)) disabled (violations: \(outcome.violations(of: scenario.expect).joined(separator: "; ")))")
        print("sensitivity-result \(id) without \(scenario.sensitivityDisable.map(\.rawValue)): \(harms.first ?? "no harm")")
    }

    @Test("Every hazard in the registry has a scenario, there are at least 20, and every named hazard exists")
    func coverage() throws {
        let scenarios = try ScenarioLoader.loadAll()
        #expect(scenarios.count >= 20, "only \(scenarios.count) scenarios")
        for hazard in HazardRegistry.all {
            #expect(scenarios.contains { $0.hazards.contains(hazard.id) }, "\(hazard.id) (\(hazard.title)) has no scenario")
        }
        for scenario in scenarios {
            for id in scenario.hazards { #expect(HazardRegistry.hazard(id) != nil, "\(scenario.id) names unknown \(id)") }
        }
        #expect(Set(scenarios.map(\.id)).count == scenarios.count, "scenario ids are unique")
        #expect(scenarios.filter { !$0.sensitivityDisable.isEmpty }.count >= 5, "a few scenarios carry a sensitivity check")
    }
}
