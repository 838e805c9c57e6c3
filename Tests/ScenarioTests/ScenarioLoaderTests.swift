// The scenario loader rejects bad files with one sentence naming the file and the offending key.
import Foundation
import PumpScenarios
import Testing

@Suite("Scenario loader errors")
struct ScenarioLoaderTests {
    static let minimal = """
        id = "x"
        title = "t"
        hazards = ["HAZ-004"]
        duration_s = 60
        [expect]
        state = "running"
        """

    @Test("A minimal file loads with the defaults (engine runner, reference program)")
    func minimalLoads() throws {
        let scenario = try ScenarioLoader.parse(Self.minimal, file: "x.toml")
        #expect(scenario.runner == .engine)
        #expect(scenario.program.syringe == "bd-50")
        #expect(scenario.expect.state == .running)
    }

    @Test("Bad files fail with a message naming the problem", arguments: [
        ("title = \"t\"\nhazards = [\"HAZ-004\"]\nduration_s = 1\n[expect]\n", "id is missing"),
        (minimal + "\nmotor_enabeld = false", "expect.motor_enabeld is not known"),
        (minimal.replacingOccurrences(of: "HAZ-004", with: "HAZ-099"), "HAZ-099"),
        (minimal + "\n[[timeline]]\nat_s = 5\nkind = \"meteor-strike\"", "meteor-strike"),
        (minimal + "\n[[timeline]]\nat_s = 5\nkind = \"stall\"", "needs lost_steps"),
        (minimal + "\n[[timeline]]\nat_s = 9\nkind = \"pause\"\n[[timeline]]\nat_s = 5\nkind = \"resume\"", "time order"),
        (minimal.replacingOccurrences(of: "\"running\"", with: "\"flying\""), "flying"),
        (minimal + "\nalarms = [\"ocklusion\"]", "ocklusion"),
        ("id = \"x\"\ntitle = \"t\"\nhazards = [\"HAZ-004\"]\nsensitivity_disable = [\"everything\"]\nduration_s = 1\n[expect]\n", "everything"),
        ("id = ", "syntax error"),
    ])
    func badFile(text: String, fragment: String) {
        #expect {
            _ = try ScenarioLoader.parse(text, file: "bad.toml")
        } throws: { error in
            let message = String(describing: error)
            return message.hasPrefix("bad.toml: ") && message.contains(fragment)
        }
    }

    @Test("The id must equal the file name")
    func idMatchesFileName() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("other.toml")
        try Self.minimal.write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: ScenarioLoadError.self) { try ScenarioLoader.load(from: url) }
    }
}
