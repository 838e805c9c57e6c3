// Runs the power-loss campaign scenario (hw-sim/scenarios/haz010-power-loss-campaign.toml) with the real
// binaries. CI runs the file's `kills` (20); `PUMP_POWER_LOSS_KILLS=1000` (scripts/power-loss-campaign.sh) runs
// the long version on demand.
import Foundation
import PumpScenarios
import Testing

// Part of the serialized end-to-end suite, so it never runs beside the other daemon tests' timing checks.
extension EndToEndTests {
    @Test("HAZ-010: kill -9 at random points across infusions, restart each time: interrupted, motor off, never resumes by itself, never above target")
    func powerLossCampaign() throws {
        let scenarios = try ScenarioLoader.loadAll().filter { $0.runner == .campaign }
        #expect(!scenarios.isEmpty)
        let override = ProcessInfo.processInfo.environment["PUMP_POWER_LOSS_KILLS"].flatMap(Int.init)
        for scenario in scenarios {
            let result = try PowerLossCampaign(scenario, kills: override).run()
            print("power-loss-result \(scenario.id): \(result)")
            #expect(result.violations.isEmpty, "scenario \(scenario.id) violated: \(result.violations.prefix(10).joined(separator: "; "))")
            #expect(result.kills == (override ?? scenario.campaign?.kills ?? 0))
            #expect(result.recoveredInterrupted > result.kills / 2, "most kills hit a running infusion")
        }
    }
}
