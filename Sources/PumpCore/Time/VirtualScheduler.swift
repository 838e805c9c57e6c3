// A deterministic virtual-time scheduler for tests and the accuracy tools.
//
// Invariants: time only moves forward; callbacks run in (deadline, insertion order) order; a callback
// scheduled for a past instant runs at the current instant. Nothing sleeps: `run(until:)` jumps the clock
// from one event to the next, so a 40-minute infusion with ~160,000 step events takes milliseconds.
// It is a hand-written binary heap because swift-collections' Heap would be the kernel's only dependency
// and this one is 40 lines with a stable tie-break.
import Foundation

/// A single-threaded, deterministic scheduler whose clock moves only when told to.
public final class VirtualScheduler: PumpScheduler, @unchecked Sendable {
    private final class Task: ScheduledTask {
        let deadline: MonotonicInstant
        let sequence: UInt64
        var action: (() -> Void)?
        init(deadline: MonotonicInstant, sequence: UInt64, action: @escaping () -> Void) {
            self.deadline = deadline
            self.sequence = sequence
            self.action = action
        }
        func cancel() { action = nil }
        func precedes(_ other: Task) -> Bool {
            deadline == other.deadline ? sequence < other.sequence : deadline < other.deadline
        }
    }

    private var current: MonotonicInstant
    private var heap: [Task] = []
    private var nextSequence: UInt64 = 0
    /// Extra lateness added to every callback deadline (test hook for timer starvation), keyed by a predicate.
    public var latenessInjector: ((MonotonicInstant) -> MonotonicDuration)?

    /// Creates a scheduler whose clock starts at `start`.
    public init(start: MonotonicInstant = .origin) { current = start }

    public func now() -> MonotonicInstant { current }

    @discardableResult
    public func schedule(at deadline: MonotonicInstant, _ action: @escaping () -> Void) -> ScheduledTask {
        var due = max(deadline, current)
        if let injector = latenessInjector { due = due + injector(due) }
        let task = Task(deadline: due, sequence: nextSequence, action: action)
        nextSequence += 1
        push(task)
        return task
    }

    public func perform(_ action: @escaping () -> Void) { schedule(at: current, action) }

    /// Number of callbacks still pending (cancelled ones included until they are reached).
    public var pendingCount: Int { heap.count }

    /// Runs every callback due up to and including `end`, then leaves the clock at `end`.
    public func run(until end: MonotonicInstant) {
        while let first = heap.first, first.deadline <= end {
            let task = pop()
            current = max(current, task.deadline)
            if let action = task.action {
                task.action = nil
                action()
            }
        }
        current = max(current, end)
    }

    /// Runs for `duration` of virtual time.
    public func run(for duration: MonotonicDuration) { run(until: current + duration) }

    /// Runs until `condition` holds (checked after each callback) or `limit` is reached; returns whether it held.
    @discardableResult
    public func run(until limit: MonotonicInstant, while condition: () -> Bool) -> Bool {
        while condition() {
            guard let first = heap.first, first.deadline <= limit else {
                current = max(current, limit)
                return !condition()
            }
            let task = pop()
            current = max(current, task.deadline)
            if let action = task.action {
                task.action = nil
                action()
            }
        }
        return true
    }

    private func push(_ task: Task) {
        heap.append(task)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func pop() -> Task {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var best = parent
                if left < heap.count, heap[left].precedes(heap[best]) { best = left }
                if right < heap.count, heap[right].precedes(heap[best]) { best = right }
                if best == parent { break }
                heap.swapAt(parent, best)
                parent = best
            }
        }
        return top
    }
}
