// pumpd's life cycle (swift-service-lifecycle): the pump service and the socket server run in one
// ServiceGroup with graceful shutdown on SIGTERM/SIGINT. Services shut down in reverse order, and the pump is
// listed last so it stops FIRST: the motor is disabled before the socket closes and the process exits.
import Foundation
import Logging
import PumpServer
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// Runs pumpd until a shutdown signal.
public enum DaemonRunner {
    /// Of the socket's 128 connections, how many only control-group peers may take (issue 11 item 2): observers
    /// share the other 96, so a nurse's stop, pause and estop always find a slot.
    public static let reservedControlConnections = 32
    /// The most connections one uid outside the control group may hold: three observer accounts can share the
    /// 96 observer slots, and one misbehaving dashboard cannot take all of them.
    public static let connectionsPerObserverUID = 32

    /// Builds everything from `configuration` and runs until SIGTERM/SIGINT.
    public static func run(configuration: DaemonConfiguration, logger: Logger) async throws {
        if configuration.realtime { Realtime.lockMemory(logger: logger) }
        let service = try PumpService(
            configuration: configuration, logger: logger,
            wallClock: ClockSanity.wallClock(environment: ProcessInfo.processInfo.environment, simulator: configuration.backend == .sim))
        let server = LineServer(
            configuration: LineServerConfiguration(
                socketPath: configuration.socketPath, socketMode: 0o660,
                socketGroup: configuration.socketGroup ?? configuration.readOnlyGroup,
                reservedControlConnections: Self.reservedControlConnections,
                maxConnectionsPerObserverUID: Self.connectionsPerObserverUID),
            replies: { request in await service.handleLines(line: request.line, peer: request.peer) },
            logger: logger,
            isControlPeer: { [access = service.access] peer in access.canControl(peer) })
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [
                .init(service: SocketService(server: server)),
                .init(service: PumpLifecycleService(service: service, notifier: SystemdNotifier(), logger: logger)),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

/// The socket server as a service.
struct SocketService: Service {
    let server: LineServer

    func run() async throws {
        try await server.start()
        try? await gracefulShutdown()
        await server.stop()
    }
}

/// Keeps systemd informed (READY, STATUS, WATCHDOG) and stops the motor on shutdown.
struct PumpLifecycleService: Service {
    let service: PumpService
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        notifier.notify("READY=1\nSTATUS=\(service.statusLine())")
        logger.info("pumpd ready", metadata: ["socket": "\(service.configuration.socketPath)"])
        let interval = SystemdNotifier.watchdogInterval().map { $0 / 2 } ?? .seconds(1)
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                // The watchdog is fed only while the control queue answers: a hung loop gets the process
                // restarted by systemd, and a restarted pumpd always comes up stopped (interrupted).
                if service.controlLoopResponds() {
                    notifier.notify("WATCHDOG=1\nSTATUS=\(service.statusLine())")
                } else {
                    logger.critical("control loop did not answer; not feeding the systemd watchdog")
                }
                try? await Task.sleep(for: interval)
            }
        } onGracefulShutdown: {
            // HAZ-003: ENABLE off before anything else shuts down.
            service.shutdown()
        }
        service.shutdown()
        notifier.notify("STOPPING=1")
        logger.info("pumpd stopped; motor disabled")
    }
}

/// Real-time settings for the step path.
enum Realtime {
    /// MCL_ONFAULT from <sys/mman.h> (Linux ≥ 4.4).
    static let lockOnFault: Int32 = 4

    /// Locks the process's memory so page faults cannot delay a step (needs LimitMEMLOCK or CAP_IPC_LOCK).
    /// `MCL_ONFAULT` locks each page when it is first touched instead of faulting in (and pinning) every
    /// reserved page at once: thread stacks, the allocator's arenas and the mapped-but-unused parts of the
    /// binaries stay unlocked and unresident until used (issue 13 item 2: 168 MB RSS / 821 MB VmLck with plain
    /// MCL_CURRENT|MCL_FUTURE). The real-time threads pre-fault their own stacks (`RealtimeThreadSetup`), so
    /// the step path still takes no page fault on its stack after start-up. Kernels without MCL_ONFAULT get
    /// the plain lock.
    static func lockMemory(logger: Logger) {
        let plain = Int32(MCL_CURRENT | MCL_FUTURE)  // checked: C constants
        if mlockall(plain | lockOnFault) == 0 {
            logger.info("memory locked (mlockall, MCL_ONFAULT)")
        } else if errno == EINVAL, mlockall(plain) == 0 {
            logger.info("memory locked (mlockall; MCL_ONFAULT not supported by this kernel)")
        } else {
            logger.notice("mlockall not permitted (\(String(cString: strerror(errno)))); running without it")
        }
    }
}
