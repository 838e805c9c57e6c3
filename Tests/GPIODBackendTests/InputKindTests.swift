// What each gpiod input line reports when it reaches its fault level: the driver's nFAULT is a hardware
// failure, its stall output (TMC2209 DIAG) a step mismatch — the same alarm the encoder raises for a stall.
import PumpCore
import Testing
@testable import GPIODBackend

@Suite("gpiod input kinds")
struct InputKindTests {
    @Test("HAZ-005: DIAG asserted is a step-mismatch sensor fault; nFAULT asserted is hardware-failure")
    func driverLines() {
        #expect(InputKind.driverStall.faultLevel && InputKind.driverFault.faultLevel)
        guard case .sensorFault(let stall) = InputKind.driverStall.event, case .sensorFault(let fault) = InputKind.driverFault.event else {
            Issue.record("the driver lines do not report sensor faults")
            return
        }
        #expect(stall.code == .stepMismatch)
        #expect(fault.code == .hardwareFailure)
    }
}
