import Foundation
import PumpCore
@testable import PumpControl
import Testing

@Test("smoke: 35 mL over 40 min on fake hardware")
func smokeFullInfusion() throws {
    let clock = VirtualScheduler()
    let hardware = RecordingHardware(clock: clock)
    let engine = InfusionEngine(scheduler: clock, hardware: hardware)
    let syringe = SyringeSpec(id: "bd-50", brand: "BD", nominalVolume: Milliliters(50), innerDiameter: Millimeters(26.70), deadSpace: Milliliters(0.2))
    let geometry = SyringeGeometry(syringe: syringe)
    let limits = SupervisorLimits.derive(rateHardCap: MilligramsPerKilogramPerHour(1.5), sessionDoseHardMax: MilligramsPerKilogram(1.0),
        dosingWeight: Kilograms(70), concentration: MilligramsPerMilliliter(1), geometry: geometry, pumpMaxRate: MillilitersPerHour(150))
    let session = InfusionSession(id: "s1", drug: "ketamine", profile: "mood", patientID: nil, dosingWeight: Kilograms(70),
        concentration: MilligramsPerMilliliter(1), geometry: geometry, targetSteps: geometry.steps(forVolume: Milliliters(35)),
        duration: Minutes(40), nominalRate: MillilitersPerHour(52.5), catchUpFactor: 1.1, nearEndWarning: Minutes(5),
        pausedReminder: Minutes(2), limits: limits)
    let started = Date()
    try engine.start(session)
    clock.run(until: .origin + .minutes(45))
    let wall = Date().timeIntervalSince(started)
    print("target", session.targetSteps, "delivered", hardware.forwardSteps, "last step", hardware.stepTimes.last as Any, "wall", wall, engine.state, engine.status().alarms.map(\.code))
    #expect(engine.state == .completed)
    #expect(hardware.forwardSteps == session.targetSteps.count)
}
