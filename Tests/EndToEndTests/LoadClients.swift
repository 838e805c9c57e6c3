// The load test's clients: one thread and one connection each (real concurrency, unlike concurrentPerform,
// which runs only as many iterations at once as there are cores). Each alternates a status poll with an
// invalid request from a fixed list, and every 25th round sends an oversized line, which the server answers
// with line-too-long and closes (the client then reconnects).
import Foundation
import PumpProtocol
#if canImport(Glibc)
import Glibc
#endif

enum LoadClients {
    static let status = Data(#"{"v":1,"id":"poll","command":"status"}"#.utf8 + [0x0A])

    /// Requests that must each be refused (ok:false) without changing anything.
    static let invalid: [String] = [
        "{not json",
        #"{"v":1,"id":"u","command":"infuse-everything"}"#,
        #"{"v":2,"id":"v","command":"status"}"#,
        #"{"v":1,"id":"k","command":"status","extra":true}"#,
        #"{"v":1,"id":"d","command":"estop","command":"status"}"#,
        #"{"v":1,"id":"w","command":"start","params":{"drug":"ketamine","profile":"mood","weight_kg":7000,"dose_mg_per_kg":0.5,"duration_min":40,"concentration_mg_per_ml":1,"syringe":"bd-50","confirmed":true}}"#,
        #"{"v":1,"id":"s","command":"start","params":{"drug":"ketamine","profile":"mood","weight_kg":70,"dose_mg_per_kg":0.5,"duration_min":40,"concentration_mg_per_ml":1,"syringe":"bd-50","confirmed":true}}"#,
        #"{"v":1,"id":"c","command":"start","params":{"drug":"ketamine","profile":"mood","weight_kg":70,"dose_mg_per_kg":0.5,"duration_min":40,"concentration_mg_per_ml":50,"syringe":"bd-50","confirmed":false}}"#,
        #"{"v":1,"id":"t","command":"titrate","params":{"dose_mg_per_kg":9,"dry_run":false,"confirmed":true}}"#,
        #"{"v":1,"id":"t2","command":"titrate","params":{"dose_mg_per_kg":0.6,"duration_min":60,"dry_run":false,"confirmed":true}}"#,
        #"{"v":1,"id":"r","command":"resume"}"#,
        #"{"v":1,"id":"ri","command":"resume-interrupted","params":{"confirmed":true}}"#,
        #"{"v":1,"id":"a","command":"ack","params":{"code":"meteor"}}"#,
        #"{"v":1,"id":"f","command":"sim-inject","params":{"fault":"meteor"}}"#,
        #"{"v":1,"id":"l","command":"log","params":{"limit":0}}"#,
        "\u{1}\u{2}binary\u{7f}",
    ]
    static let oversized = Data(repeating: UInt8(ascii: "x"), count: 70_000) + [0x0A]

    /// Runs `count` clients for `seconds`; returns what they saw.
    static func run(count: Int, socket: String, seconds: Double, intervalMS: Int) -> Traffic {
        guard count > 0 else { return Traffic() }
        let deadline = Date().addingTimeInterval(seconds)
        let results = TrafficBox()
        let done = DispatchGroup()
        for index in 0..<count {
            done.enter()
            let thread = Thread {
                results.merge(client(index: index, socket: socket, deadline: deadline, intervalMS: intervalMS))
                done.leave()
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
        done.wait()
        return results.value
    }

    private static func client(index: Int, socket: String, deadline: Date, intervalMS: Int) -> Traffic {
        var traffic = Traffic()
        func problem(_ text: String) {
            traffic.unexpected += 1
            if traffic.firstProblem == nil { traffic.firstProblem = text }
        }
        var connection = try? RawClient(path: socket)
        var round = index
        while Date() < deadline {
            guard let client = connection else {
                traffic.connectionFailures += 1
                connection = try? RawClient(path: socket)
                usleep(10_000)
                continue
            }
            round += 1
            if round % 25 == 0 {
                // An oversized line: one line-too-long answer, then the server closes the connection.
                _ = try? client.send(oversized)
                if client.readLine()?.contains("line-too-long") == true { traffic.oversizedClosed += 1 } else { problem("oversized line not refused") }
                connection = try? RawClient(path: socket)
                continue
            }
            guard (try? client.send(status)) != nil, let answer = client.readLine() else {
                traffic.connectionFailures += 1
                connection = try? RawClient(path: socket)
                continue
            }
            if answer.contains(#""ok":true"#) { traffic.statusAnswered += 1 } else { problem("status: \(answer.prefix(200))") }
            let request = invalid[round % invalid.count]
            guard (try? client.send(Data(request.utf8) + [0x0A])) != nil, let reply = client.readLine() else {
                traffic.connectionFailures += 1
                connection = try? RawClient(path: socket)
                continue
            }
            if reply.contains(#""ok":false"#) { traffic.invalidRefused += 1 } else { problem("\(request.prefix(80)) → \(reply.prefix(200))") }
            if intervalMS > 0 { usleep(useconds_t(intervalMS * 1000)) }
        }
        return traffic
    }
}

private final class TrafficBox: @unchecked Sendable {
    private let lock = NSLock()
    private var total = Traffic()
    func merge(_ other: Traffic) {
        lock.withLock {
            total.statusAnswered += other.statusAnswered
            total.invalidRefused += other.invalidRefused
            total.oversizedClosed += other.oversizedClosed
            total.unexpected += other.unexpected
            total.connectionFailures += other.connectionFailures
            if total.firstProblem == nil { total.firstProblem = other.firstProblem }
        }
    }
    var value: Traffic { lock.withLock { total } }
}
