// docs/safety.md is checked against the sources: every registered hazard has one row whose name, cause and
// mitigation equal the registry's text; every test it names exists (a `struct`/`extension` of that name with
// that `func` in one file under Tests/); every scenario it names exists; every scenario file is listed in the
// row of each hazard it names.
import Foundation
import PumpCore
import PumpScenarios
import Testing

@Suite("docs/safety.md matches the registry, the tests and the scenarios")
struct SafetyDocTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Row {
        var id, name, cause, mitigation: String
        var tests: [String]
        var scenarios: [String]
    }

    static func rows() throws -> [Row] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/safety.md"), encoding: .utf8)
        return text.split(separator: "\n").filter { $0.hasPrefix("| HAZ-") }.map { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            func names(_ cell: String) -> [String] {
                cell.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }.filter { !$0.isEmpty }
            }
            let at = { (index: Int) in index < cells.count ? cells[index] : "" }
            return Row(id: at(0), name: at(1), cause: at(2), mitigation: at(3), tests: names(at(4)), scenarios: names(at(5)))
        }
    }

    static func testSources() throws -> [String] {
        let files = FileManager.default.enumerator(at: root.appendingPathComponent("Tests"), includingPropertiesForKeys: nil)
        var sources: [String] = []
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            sources.append(try String(contentsOf: url, encoding: .utf8))
        }
        return sources
    }

    @Test("Every registered hazard has exactly one row with the registry's name, cause and mitigation")
    func hazardsMatchRegistry() throws {
        let rows = try Self.rows()
        for hazard in HazardRegistry.all {
            let matching = rows.filter { $0.id == hazard.id }
            #expect(matching.count == 1, "\(hazard.id) has \(matching.count) rows in docs/safety.md")
            guard let row = matching.first else { continue }
            #expect(row.name == hazard.title, "\(hazard.id) name differs from the registry")
            #expect(row.cause == hazard.cause, "\(hazard.id) cause differs from the registry")
            #expect(row.mitigation == hazard.mitigation, "\(hazard.id) mitigation differs from the registry")
            #expect(!row.tests.isEmpty, "\(hazard.id) names no verifying test")
            #expect(!row.scenarios.isEmpty, "\(hazard.id) names no scenario")
        }
        for row in rows { #expect(HazardRegistry.hazard(row.id) != nil, "docs/safety.md names unknown \(row.id)") }
    }

    @Test("Every test named in docs/safety.md exists")
    func namedTestsExist() throws {
        let sources = try Self.testSources()
        for row in try Self.rows() {
            for name in row.tests {
                let parts = name.split(separator: ".").map(String.init)
                #expect(parts.count == 2, "\(row.id): test \(name) is not written Suite.function")
                guard parts.count == 2 else { continue }
                let found = sources.contains { source in
                    (source.contains("struct \(parts[0]) ") || source.contains("extension \(parts[0]) "))
                        && source.contains("func \(parts[1])(")
                }
                #expect(found, "\(row.id): docs/safety.md names test \(name), which does not exist")
            }
        }
    }

    @Test("Every scenario named exists, and every scenario file is listed under each of its hazards")
    func scenariosListed() throws {
        let rows = try Self.rows()
        let scenarios = try ScenarioLoader.loadAll()
        let ids = Set(scenarios.map(\.id))
        for row in rows {
            for id in row.scenarios { #expect(ids.contains(id), "\(row.id): docs/safety.md names unknown scenario \(id)") }
        }
        for scenario in scenarios {
            for hazard in scenario.hazards {
                let listed = rows.first { $0.id == hazard }?.scenarios.contains(scenario.id) ?? false
                #expect(listed, "scenario \(scenario.id) is not listed in the \(hazard) row of docs/safety.md")
            }
        }
    }
}
