// A `PumpScheduler` on one dedicated step thread: SCHED_FIFO when permitted, absolute-deadline sleeps.
//
// The thread keeps a small deadline-ordered list of one-shot tasks (the step emitter has at most one pending)
// and runs each on itself, in deadline order, never before its deadline:
//   - far from the next deadline it waits on a condition variable bound to CLOCK_MONOTONIC (so a new, earlier
//     task or a shutdown wakes it at once) until `coarseLead` before the deadline;
//   - the last stretch is `clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline)`, the most precise sleep
//     Linux offers; a new task scheduled during that stretch waits for it (at most `coarseLead`);
//   - optionally (`spinLead` > 0) the sleep ends `spinLead` early and the thread spins on CLOCK_MONOTONIC to
//     the deadline, trading that much CPU per wake-up for the kernel's wake-up latency (measured separately:
//     pump-bench --spin-microseconds).
// The thread is created with a small explicit stack, sets its timer slack to 1 ns and pre-faults its stack
// before it runs anything (`RealtimeThreadSetup`).
// Deadlines are absolute CLOCK_MONOTONIC readings from the shared `MonotonicTimeBase`, so a late wake-up never
// shifts later steps (lateness does not accumulate). The thread asks for SCHED_FIFO itself before it runs
// anything; when the kernel refuses (no CAP_SYS_NICE, RLIMIT_RTPRIO too low, RestrictRealtime=) `start` fails
// with the reason and the caller falls back to the Dispatch timer. The lock is a priority-inheritance mutex so
// a normal-priority caller holding it cannot delay the step thread for long. No wall clock (HAZ-012).
import Foundation
import PumpCore
#if canImport(Glibc)
import Glibc
#endif

/// Why the step thread could not be started with the requested policy.
public struct StepThreadRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// One human sentence naming the call and the error.
    public var message: String
    /// Creates a refusal.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A serial scheduler running on one dedicated (real-time when permitted) thread.
public final class RealtimeStepScheduler: PumpScheduler, @unchecked Sendable {
    /// The scheduling policy the thread asks for.
    public enum ThreadPolicy: Sendable, Equatable {
        /// SCHED_FIFO at this priority (1–99); `start` fails if the kernel refuses.
        case fifo(priority: Int32)
        /// Whatever the creating thread has (SCHED_OTHER normally): the same sleeps without real-time priority.
        case inherited
    }

    /// Sets the calling thread's policy to SCHED_FIFO at a priority; returns 0 or an errno value.
    public typealias FIFOSetter = @Sendable (_ priority: Int32) -> Int32

    /// The real setter: `pthread_setschedparam(pthread_self(), SCHED_FIFO, priority)`.
    public static let setCurrentThreadFIFO: FIFOSetter = { priority in
        var parameters = sched_param()
        parameters.sched_priority = priority
        return pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
    }

    private final class Task: ScheduledTask, @unchecked Sendable {
        let deadline: Int64
        let sequence: UInt64
        let action: () -> Void
        /// A `syncOnControl` body whose caller is waiting: run by `shutdown` if the thread never got to it.
        let isSync: Bool
        weak var owner: RealtimeStepScheduler?
        init(deadline: Int64, sequence: UInt64, action: @escaping () -> Void, owner: RealtimeStepScheduler,
             isSync: Bool = false) {
            self.deadline = deadline
            self.sequence = sequence
            self.action = action
            self.isSync = isSync
            self.owner = owner
        }
        func cancel() { owner?.remove(self) }
    }

    /// The control time line this scheduler shares.
    public let timeBase: MonotonicTimeBase
    /// The policy the thread runs with (granted: `start` fails otherwise).
    public let policy: ThreadPolicy
    /// How long before a deadline the thread switches from the interruptible wait to `clock_nanosleep`.
    public let coarseLead: MonotonicDuration
    /// How long before a deadline the sleep ends and the thread spins to it (zero: no spin).
    public let spinLead: MonotonicDuration

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var tasks: [Task] = []
    private var nextSequence: UInt64 = 0
    private var stopping = false
    private var thread: pthread_t?
    /// The scheduler's own thread, recorded by that thread before it runs anything (for `syncOnControl`).
    private var ownThread: pthread_t?
    /// Set (under the mutex, with a broadcast) when the thread's loop has returned for good.
    private var loopExited = false
    /// Serialises `syncOnControl` bodies that run on their callers after `shutdown`, so the confinement the thread
    /// gave them (one body at a time) still holds.
    private let lateBodies = NSLock()

    private init(timeBase: MonotonicTimeBase, policy: ThreadPolicy, coarseLead: MonotonicDuration, spinLead: MonotonicDuration) {
        self.timeBase = timeBase
        self.policy = policy
        self.coarseLead = coarseLead
        self.spinLead = max(.zero, min(spinLead, coarseLead))
        mutex = .allocate(capacity: 1)
        var mutexAttributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&mutexAttributes)
        pthread_mutexattr_setprotocol(&mutexAttributes, Int32(PTHREAD_PRIO_INHERIT))  // checked: C constant
        pthread_mutex_init(mutex, &mutexAttributes)
        pthread_mutexattr_destroy(&mutexAttributes)
        condition = .allocate(capacity: 1)
        var conditionAttributes = pthread_condattr_t()
        pthread_condattr_init(&conditionAttributes)
        pthread_condattr_setclock(&conditionAttributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &conditionAttributes)
        pthread_condattr_destroy(&conditionAttributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Starts the step thread with `policy`. Fails, leaving no thread behind, when the policy is refused.
    public static func start(
        label: String = "pump-step", timeBase: MonotonicTimeBase, policy: ThreadPolicy,
        coarseLead: MonotonicDuration = .milliseconds(1), spinLead: MonotonicDuration = .zero,
        setFIFO: @escaping FIFOSetter = setCurrentThreadFIFO
    ) -> Result<RealtimeStepScheduler, StepThreadRefusal> {
        guard timeBase.speed == 1 else {
            return .failure(StepThreadRefusal("The step thread runs on the real clock only (speed \(timeBase.speed), not 1)."))
        }
        if case .fifo(let priority) = policy, !(1...99).contains(priority) {
            return .failure(StepThreadRefusal("SCHED_FIFO priority must be 1–99, not \(priority)."))
        }
        let scheduler = RealtimeStepScheduler(timeBase: timeBase, policy: policy, coarseLead: coarseLead, spinLead: spinLead)
        let started = DispatchSemaphore(value: 0)
        let outcome = StartOutcome()
        let context = ThreadContext {
            Thread.current.name = String(label.prefix(15))
            if case .fifo(let priority) = policy {
                let error = setFIFO(priority)
                if error != 0 {
                    outcome.refusal = StepThreadRefusal(
                        "SCHED_FIFO priority \(priority) not permitted: \(String(cString: strerror(error))) (errno \(error)).")
                }
            }
            let refused = outcome.refusal != nil
            RealtimeThreadSetup.tightenTimerSlack()
            RealtimeThreadSetup.prefaultStack()
            scheduler.locked { scheduler.ownThread = pthread_self() }
            started.signal()
            if !refused { scheduler.runLoop() }
        }
        var thread = pthread_t()
        let retained = Unmanaged.passRetained(context).toOpaque()
        var attributes = RealtimeThreadSetup.attributes()
        defer { pthread_attr_destroy(&attributes) }
        let created = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            Unmanaged<ThreadContext>.fromOpaque(raw).takeRetainedValue().body()
            return nil
        }, retained)
        guard created == 0 else {
            Unmanaged<ThreadContext>.fromOpaque(retained).release()
            return .failure(StepThreadRefusal("pthread_create failed: \(String(cString: strerror(created)))."))
        }
        started.wait()
        if let refusal = outcome.refusal {
            pthread_join(thread, nil)
            return .failure(refusal)
        }
        scheduler.thread = thread
        return .success(scheduler)
    }

    /// Stops the thread after the task it is running (if any) and waits for it. Pending scheduled tasks never
    /// run; pending `syncOnControl` bodies run on the caller afterwards, so no caller waits forever.
    /// Idempotent; must not be called from the step thread itself.
    public func shutdown() {
        let waiting = locked { () -> [Task] in
            stopping = true
            let waiting = tasks.filter(\.isSync)
            tasks.removeAll()
            pthread_cond_signal(condition)
            return waiting
        }
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        for task in waiting { runLate(task.action) }
    }

    public func now() -> MonotonicInstant { timeBase.now() }

    @discardableResult
    public func schedule(at deadline: MonotonicInstant, _ action: @escaping () -> Void) -> ScheduledTask {
        let real = timeBase.monotonicDeadline(for: deadline)
        return locked { enqueueLocked(deadline: real, isSync: false, action).task }
    }

    /// Creates a task and, unless the scheduler is stopping, inserts it in deadline order and wakes the thread
    /// when it became the first. The caller holds the lock.
    private func enqueueLocked(deadline: Int64, isSync: Bool, _ action: @escaping () -> Void) -> (task: Task, queued: Bool) {
        let task = Task(deadline: deadline, sequence: nextSequence, action: action, owner: self, isSync: isSync)
        nextSequence &+= 1
        guard !stopping else { return (task, false) }
        let index = tasks.firstIndex { ($0.deadline, $0.sequence) > (deadline, task.sequence) } ?? tasks.endIndex
        tasks.insert(task, at: index)
        if index == 0 { pthread_cond_signal(condition) }
        return (task, true)
    }

    public func perform(_ action: @escaping () -> Void) { schedule(at: now(), action) }

    /// Runs `body` on the scheduler's thread and returns its result; runs it at once when called on that
    /// thread (so a task may re-enter without deadlocking). After `shutdown` the body runs on the caller, one
    /// at a time, since no task will ever run again.
    public func syncOnControl<T>(_ body: () -> T) -> T {
        let onOwnThread = locked { ownThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
        if onOwnThread { return body() }
        return withoutActuallyEscaping(body) { escapable in
            let outcome = SyncOutcome<T>(escapable)
            let accepted = locked {
                enqueueLocked(deadline: MonotonicTimeBase.monotonicNanoseconds(), isSync: true, outcome.run).queued
            }
            guard accepted else { return runLate(escapable) }
            return outcome.wait(orElse: escapable)
        }
    }

    /// Runs a `syncOnControl` body after shutdown: once the thread's loop has exited, one body at a time.
    private func runLate<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        while !loopExited, ownThread != nil { pthread_cond_wait(condition, mutex) }
        pthread_mutex_unlock(mutex)
        lateBodies.lock()
        defer { lateBodies.unlock() }
        return body()
    }

    /// Tasks waiting to run (cancelled ones are removed at once).
    public var pendingCount: Int { locked { tasks.count } }

    private func remove(_ task: Task) {
        locked { tasks.removeAll { $0 === task } }
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// The thread's loop: wait (interruptibly) until close to the earliest deadline, `clock_nanosleep` the
    /// rest, run the task outside the lock.
    private func runLoop() {
        pthread_mutex_lock(mutex)
        while !stopping {
            guard let first = tasks.first else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            let now = MonotonicTimeBase.monotonicNanoseconds()
            if first.deadline - now > coarseLead.nanoseconds {
                var until = MonotonicTimeBase.makeTimespec(nanoseconds: first.deadline - coarseLead.nanoseconds)
                pthread_cond_timedwait(condition, mutex, &until)
                continue
            }
            if first.deadline > now {
                pthread_mutex_unlock(mutex)
                let spin = spinLead.nanoseconds
                var until = MonotonicTimeBase.makeTimespec(nanoseconds: first.deadline - spin)
                while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nil) == EINTR {}
                if spin > 0 {
                    // Bounded by `spinLead` (≤ `coarseLead`) of CPU per wake-up.
                    while MonotonicTimeBase.monotonicNanoseconds() < first.deadline {}
                }
                pthread_mutex_lock(mutex)
                continue
            }
            tasks.removeFirst()
            pthread_mutex_unlock(mutex)
            first.action()
            pthread_mutex_lock(mutex)
        }
        loopExited = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }
}

/// A `syncOnControl` body and its result, handed between the waiting caller and the scheduler's thread. The body is
/// released before the caller is woken: it is a non-escaping closure and must be gone when `sync` returns,
/// even though the task that ran it may live a little longer on the thread.
private final class SyncOutcome<T>: @unchecked Sendable {
    private var body: (() -> T)?
    private var value: T?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping () -> T) { self.body = body }

    /// Runs the body once (on the scheduler's thread, or on the caller after shutdown) and wakes the caller.
    func run() {
        if let body {
            value = body()
            self.body = nil
        }
        done.signal()
    }

    /// Waits for `run`; `fallback` only if the body never ran, which the handshake rules out.
    func wait(orElse fallback: () -> T) -> T {
        done.wait()
        return value ?? fallback()
    }
}

/// The start-up handshake between the creating thread and the step thread.
private final class StartOutcome: @unchecked Sendable {
    var refusal: StepThreadRefusal?
}

/// The step thread's body, passed through pthread_create's context pointer.
private final class ThreadContext {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}
