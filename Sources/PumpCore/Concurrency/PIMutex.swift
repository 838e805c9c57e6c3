// A pthread mutex with priority inheritance: the step thread may run SCHED_FIFO while the control queue, the
// input and alarm threads do not, so a plain lock could let a low-priority holder delay a step or an e-stop
// (priority inversion). Critical sections under it are short and never block on I/O other than a GPIO ioctl.
// (Foundation re-exports the platform's pthread API, so the kernel stays Foundation-only.)
import Foundation

/// A mutex with the priority-inheritance protocol (non-recursive unless asked).
public final class PIMutex: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// Creates an unlocked mutex; `recursive` lets the holding thread lock it again.
    public init(recursive: Bool = false) {
        mutex = .allocate(capacity: 1)
        var attr = pthread_mutexattr_t()
        pthread_mutexattr_init(&attr)
        pthread_mutexattr_setprotocol(&attr, Int32(PTHREAD_PRIO_INHERIT))  // checked: C constant
        if recursive { pthread_mutexattr_settype(&attr, Int32(PTHREAD_MUTEX_RECURSIVE)) }  // checked: C constant
        pthread_mutex_init(mutex, &attr)
        pthread_mutexattr_destroy(&attr)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Locks (blocks until available).
    public func lock() { pthread_mutex_lock(mutex) }

    /// Unlocks; only the holder may call it.
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` holding the mutex.
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
