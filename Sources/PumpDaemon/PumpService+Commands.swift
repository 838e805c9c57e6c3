// Command handling: decode → authorise (SO_PEERCRED) → execute → journal → answer. Every refusal is one
// sentence; a refused or malformed command never changes pump state (HAZ-009).
import Foundation
import PumpControl
import PumpCore
import PumpJournal
import PumpProtocol
import PumpServer
import PumpSimulator

extension PumpService {
    /// Answers one request line from `peer` with one response line (no trailing newline); an answer too long
    /// for one line is a `line-too-long` error here, whatever the request's `max_parts`.
    public func handle(line: String, peer: PeerCredentials) async -> String {
        let (response, _) = await respond(to: Data(line.utf8), peer: peer)
        return Self.text(LineCodec.encode(response))
    }

    /// Answers one request line from `peer` with the lines the socket sends back (no trailing newlines): one,
    /// or the part lines of a long answer when the request allowed `max_parts` (see `AnswerParts`).
    public func handleLines(line: String, peer: PeerCredentials) async -> [String] {
        let (response, maxParts) = await respond(to: Data(line.utf8), peer: peer)
        return LineCodec.encodeLines(response, maxParts: maxParts).map(Self.text)
    }

    private func respond(to data: Data, peer: PeerCredentials) async -> (Response, maxParts: Int?) {
        switch receive(data, peer: peer) {
        case .failure(let error):
            return (.failure(id: LineCodec.correlationID(in: data), error), nil)
        case .success(let request):
            let response = await withCheckedContinuation { continuation in
                commandQueue.async {
                    continuation.resume(returning: self.execute(request, peer: peer))
                }
            }
            return (response, request.maxParts)
        }
    }

    private static func text(_ line: Data) -> String {
        var encoded = line
        if encoded.last == UInt8(ascii: "\n") { encoded.removeLast() }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Decodes a request line on the caller's thread. An authorised `estop` drops ENABLE right here (HAZ-011),
    /// before the request queues behind another command (a start's journal fsync, a long log query); `execute`
    /// repeats it (idempotent) and journals it. The alarm names the uid, not the user name, so no passwd lookup
    /// comes before ENABLE off; the journal names the actor.
    func receive(_ data: Data, peer: PeerCredentials) -> Result<Request, ProtocolError> {
        let decoded = LineCodec.decodeRequest(data)
        if case .success(let request) = decoded, case .estop = request.command, access.canControl(peer) {
            engine.supervisor.emergencyStop(now: scheduler.now(), source: "the estop command of uid \(peer.uid)")
        }
        return decoded
    }

    /// Executes a decoded request (on the command queue).
    func execute(_ request: Request, peer: PeerCredentials) -> Response {
        let actor = JournalActor(uid: peer.uid, gid: peer.gid, pid: peer.pid, name: peer.userName ?? "uid \(peer.uid)")
        let readOnly: Bool = switch request.command {
        case .status, .log, .validate, .sessions, .reportData: true
        default: false
        }
        let isVitals: Bool = if case .vitals = request.command { true } else { false }
        let allowed = isVitals ? access.canSendVitals(peer) : readOnly ? access.canRead(peer) : access.canControl(peer)
        guard allowed else {
            let message = access.isMonitor(peer)
                ? "User \(actor.name) is a patient-monitor bridge (\(configuration.monitorGroup ?? "monitor group")) and may send only vitals, not \(request.command.name.rawValue)."
                : readOnly
                ? "User \(actor.name) may not read the pump's status (not in \(configuration.readOnlyGroup ?? "any allowed group"))."
                : "User \(actor.name) may not control the pump (not in \(configuration.controlGroup ?? "the nurse group"))."
            writeEvent(.commandRefused, actor: actor, "Refused \(request.command.name.rawValue): \(message)")
            return .failure(id: request.id, ProtocolError(code: .permissionDenied, message: message))
        }
        let result: Result<ResultPayload, ProtocolError>
        switch request.command {
        case .status: result = .success(.status(statusReport()))
        case .validate(let parameters): result = validate(parameters, actor: actor).map(ResultPayload.program)
        case .start(let parameters): result = start(parameters, actor: actor)
        case .pause: result = engineCommand(actor, .pause, "Paused") { (engine) throws(EngineRefusal) in try engine.pause() }
        case .resume: result = engineCommand(actor, .resume, "Resumed") { (engine) throws(EngineRefusal) in try engine.resume() }
        case .stop where doubleChecks.pending != nil: result = cancelDoubleCheck(actor: actor)
        case .stop: result = engineCommand(actor, .stop, "Stopped") { (engine) throws(EngineRefusal) in try engine.stop() }
        case .estop:
            // HAZ-011: ENABLE off first, straight through the (thread-safe) supervisor from this thread, before
            // hopping onto the control queue and long before the journal's fsync.
            let source = "the estop command of uid \(peer.uid)"
            engine.supervisor.emergencyStop(now: scheduler.now(), source: source)
            scheduler.syncOnControl { engine.emergencyStop(source: source) }
            writeEvent(.estop, actor: actor, "Emergency stop command.")
            result = .success(.status(statusReport()))
        case .ack(let code): result = acknowledge(code, actor: actor)
        case .silence(let code): result = silence(code, actor: actor)
        case .verify(let confirmed): result = verify(confirmed: confirmed, actor: actor)
        case .titrate(let parameters): result = titrate(parameters, actor: actor)
        case .resumeInterrupted(let confirmed, let reason): result = resumeInterrupted(confirmed, reason, actor: actor)
        case .log(let since, let limit): result = log(since: since, limit: limit, parts: request.maxParts ?? 1)
        case .simInject(let fault): result = inject(fault, actor: actor)
        case .sessions(let patientId, let limit): result = sessions(patientId: patientId, limit: limit)
        case .reportData(let sessionId): result = reportData(sessionId: sessionId, parts: request.maxParts ?? 1)
        case .vitals(let parameters): result = vitals(parameters, actor: actor)
        case .syringeChange(let parameters): result = syringeChange(parameters, actor: actor)
        }
        switch result {
        case .success(let payload): return .success(id: request.id, payload)
        case .failure(let error):
            if !readOnly { writeEvent(.commandRefused, actor: actor, "Refused \(request.command.name.rawValue): \(error.message)") }
            return .failure(id: request.id, error)
        }
    }

    // MARK: - Status

    /// The status report a `status` command would answer, without going through the protocol (observers such
    /// as the fuzz target compare it before and after each command).
    public func currentStatus() -> StatusReport { statusReport() }

    func statusReport() -> StatusReport {
        let (status, now, latest, thresholds) = scheduler.syncOnControl {
            let status = engine.status(), now = scheduler.now()
            plasma.record(status.deliveredDose, at: now)
            return (status, now, engine.vitalsWatch.latest, engine.vitalsWatch.thresholds)
        }
        let session = activeSession
        let wallNow = wallClock()
        var report = WireMapping.status(status, sessionID: session.id.map { String($0.rawValue) }, backend: configuration.backend,
                                  uncertainty: session.uncertainty, monotonicNow: now, wallNow: wallNow,
                                  speed: scheduler.speed, plasma: plasma.estimate(at: now),
                                  vitals: vitalsReport(latest: latest, thresholds: thresholds, monotonicNow: now, wallNow: wallNow),
                                  alarmAnchor: wallAnchor,
                                  simBuzzerAudible: simulatorBay?.current.buzzerAudible)
        if configuration.backend == .gpiod { report.missingSensors = configuration.gpioSensors.missing.map(\.sensor) }
        return withDoubleCheck(withLibraries(report), monotonicNow: now, wallNow: wallNow)
    }

    // MARK: - Program

    /// Validates a program, adding the daemon's own rules: the repeat-session window (HAZ-010) and the
    /// pre-start vital-sign check (HAZ-015). Their soft findings take the program's override reason like the
    /// planner's own soft limits. Returns the plan or a refusal.
    func plan(for parameters: StartParameters) -> Result<(DosePlan, [Finding]), ProtocolError> {
        plannedProgram(for: parameters).flatMap { plan, findings in
            let stepsPerSecond = plan.geometry.stepRate(for: plan.nominalRate).value
            if simulator != nil, let problem = SimulatorSpeed.refusal(stepsPerSecond: stepsPerSecond, speed: scheduler.speed) {
                return .failure(ProtocolError(code: .refused, message: problem))
            }
            return .success((plan, findings))
        }
    }

    private func plannedProgram(for parameters: StartParameters) -> Result<(DosePlan, [Finding]), ProtocolError> {
        if let patient = parameters.patientId, let problem = IdentifierKey.formatViolation(patient, field: "patient id") {
            return .failure(ProtocolError(code: .refused, message: problem))
        }
        let request = WireMapping.programRequest(parameters)
        let result = planner.validate(request)
        var findings = result.findings
        var extra: [Finding] = []
        if let patient = parameters.patientId, let journal, configuration.repeatSessionWindowHours > 0 {
            do {
                if let last = try journal.lastSessionEnd(patientID: patient), let problem = clockSanity.problem {
                    // Fails closed: with an untrusted clock every earlier session counts as recent.
                    extra.append(Finding(kind: .softLimit, limit: "session.repeat-window", message:
                        "Patient \(patient) has an earlier session and \(problem) An override reason is required."))
                } else if let opened = try journal.openSessionStart(patientID: patient) {
                    let hours = max(0, wallClock().timeIntervalSince(opened) / 3600)  // wall-clock: the 12 h repeat-dose rule spans reboots: calendar time is what it means
                    extra.append(Finding(kind: .softLimit, limit: "session.repeat-window", message: String(
                        format: "Patient %@ has a session that is still open (started %.1f h ago); an override reason is required.",
                        patient, hours)))
                } else if let last = try journal.lastSessionEnd(patientID: patient) {
                    let hours = wallClock().timeIntervalSince(last) / 3600  // wall-clock: the 12 h repeat-dose rule spans reboots: calendar time is what it means
                    if hours < configuration.repeatSessionWindowHours {
                        extra.append(Finding(kind: .softLimit, limit: "session.repeat-window", message: String(
                            format: "Patient %@'s last session ended %.1f h ago, within the %.0f h repeat window; an override reason is required.",
                            patient, hours, configuration.repeatSessionWindowHours)))
                    }
                }
            } catch {
                return .failure(ProtocolError(code: .refused, message: "The journal could not be read (\(error)); starting is blocked."))
            }
        }
        extra += preStartVitalsFindings(drug: parameters.drug)
        let extraSoft = extra.filter { $0.kind == .softLimit }
        findings += extra.filter { $0.kind != .softLimit }
        if !extraSoft.isEmpty {
            let reason = parameters.overrideReason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if reason.isEmpty {
                findings = extraSoft + findings
                if result.verdict == .accepted {
                    return .failure(Self.refusal(.needsOverride, findings, fallback: "An override reason is required."))
                }
            } else if var plan = result.plan {
                for finding in extraSoft {
                    plan.overrides.append(OverrideRecord(limit: finding.limit, message: finding.message, reason: reason, revision: plan.revision))
                }
                return .success((plan, extraSoft + findings))
            }
        }
        switch result.verdict {
        case .accepted:
            guard let plan = result.plan else { return .failure(ProtocolError(code: .internal, message: "The planner accepted a program without a plan.")) }
            return .success((plan, findings))
        case .needsOverride, .rejected:
            return .failure(Self.refusal(result.verdict, findings, fallback: "The program was not accepted."))
        }
    }

    func validate(_ parameters: StartParameters, actor: JournalActor) -> Result<ProgramSummary, ProtocolError> {
        // HAZ-001, HAZ-007: a program is only shown against libraries that pass (signature, both channels, disk).
        if let refusal = libraryRefusal(actor: actor, at: "program") { return .failure(refusal) }
        return plan(for: parameters).map { plan, findings in
            WireMapping.summary(plan, findings: findings, remaining: plan.duration, wallNow: wallClock(), speed: scheduler.speed)
        }
    }

    func start(_ parameters: StartParameters, actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        guard parameters.confirmed else {
            return .failure(ProtocolError(code: .badRequest, message: "start needs confirmed: true after the program was shown."))
        }
        guard let journal else {
            return .failure(ProtocolError(code: .refused, message: "The journal is unavailable; starting is blocked (HAZ-014)."))
        }
        // A start the engine would refuse is refused here, before the journal opens a session: no session row,
        // no status change and nothing the repeat-dose window could count (issue 11 item 4). A latched alarm
        // (e-stop included: a pressed button latches even while idle) is what `arm` would refuse on; a refusal
        // that can only be seen later still takes the abandoned path below.
        let (state, notReady) = scheduler.syncOnControl { (engine.state, engine.supervisor.armingRefusal()) }
        guard !state.hasOpenSession else {
            return .failure(ProtocolError(code: .invalidState, message: "An infusion is already \(state.phrase); stop it before starting another."))
        }
        if let waiting = doubleChecks.pending {
            return .failure(ProtocolError(code: .invalidState, message: "An infusion started by \(waiting.starter.name) is awaiting its independent double check; verify or stop it before starting another."))
        }
        if let notReady {
            return .failure(ProtocolError(code: .refused, message: "\(notReady.message) No session was opened."))
        }
        // HAZ-001, HAZ-007: no session opens under a library that does not pass (the motor is never enabled).
        if let refusal = libraryRefusal(actor: actor, at: "start") {
            writeEvent(.validation, actor: actor, "Program refused: \(refusal.message)")
            return .failure(refusal)
        }
        let planned: (DosePlan, [Finding])
        switch plan(for: parameters) {
        case .success(let value): planned = value
        case .failure(let error):
            writeEvent(.validation, actor: actor, "Program refused: \(error.message)")
            return .failure(error)
        }
        let (dosePlan, findings) = planned
        guard let profile = planner.drugs.drug(named: dosePlan.drug)?.profile(id: dosePlan.profileID) else {
            return .failure(ProtocolError(code: .internal, message: "The drug profile vanished from the library."))
        }
        // The second channel: caps from the raw request and the supervisor's own libraries, and the plan checked
        // against them, before any session opens.
        let request = WireMapping.programRequest(parameters)
        let caps: SupervisorCaps
        switch supervisorCaps(for: request) {
        case .success(let derived): caps = derived
        case .failure(let refusal): return .failure(ProtocolError(code: .refused, message: refusal.message))
        }
        if let refusal = caps.refusal(geometry: dosePlan.geometry, concentration: dosePlan.concentration, targetSteps: dosePlan.targetSteps) {
            writeEvent(.validation, actor: actor, "Program refused by the supervisor: \(refusal.message)")
            return .failure(ProtocolError(code: .refused, message: refusal.message))
        }
        if configuration.doubleCheck == .required || profile.doubleCheckRequired {
            let reason = parameters.overrideReason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if profile.doubleCheckOverrideAllowed, !reason.isEmpty {
                return openSession(PendingStart(parameters: parameters, plan: dosePlan, findings: findings, profile: profile, caps: caps),
                                   actor: actor, singlePersonReason: reason)
            }
            return awaitDoubleCheck(PendingStart(parameters: parameters, plan: dosePlan, findings: findings, profile: profile,
                                                 caps: caps), actor: actor)
        }
        return openSession(PendingStart(parameters: parameters, plan: dosePlan, findings: findings, profile: profile, caps: caps),
                           actor: actor)
    }

    /// Opens the journal session of a validated program and starts the engine on it.
    func openSession(_ start: PendingStart, actor: JournalActor, verifiedBy: JournalActor? = nil,
                     singlePersonReason: String? = nil) -> Result<ResultPayload, ProtocolError> {
        guard let journal else {
            return .failure(ProtocolError(code: .refused, message: "The journal is unavailable; starting is blocked (HAZ-014)."))
        }
        // A double check may have taken minutes: the files are checked again right before the session opens.
        if verifiedBy != nil, let refusal = libraryRefusal(actor: verifiedBy ?? actor, at: "the double check") {
            return .failure(refusal)
        }
        let (parameters, dosePlan, findings, profile, caps) = (start.parameters, start.plan, start.findings, start.profile, start.caps)
        let request = WireMapping.programRequest(parameters)
        var record = ProgramRecord(request: request, plan: dosePlan)
        record.libraries = libraries.set
        let now = scheduler.now()
        let sessionID: SessionID
        do {
            sessionID = try journal.beginSession(SessionStart(
                patientID: parameters.patientId, drug: dosePlan.drug, profile: dosePlan.profileID, program: record.encoded(),
                targetDose: dosePlan.totalDose, targetVolume: dosePlan.volume, targetSteps: dosePlan.targetSteps,
                wall: wallClock(), monotonic: now, actor: actor,
                libraries: "\(libraries.phrase); library_signature \(libraries.policy.rawValue)",
                openDetails: Self.encoded(libraries.set)))
            try journal.append(JournalEvent(kind: .program, session: sessionID, actor: actor, monotonic: now, wall: wallClock(),
                summary: "Program: \(dosePlan.drug) \(dosePlan.profileID) \(dosePlan.dosePerKg.formatted()) × \(dosePlan.dosingWeight.formatted()) = \(dosePlan.totalDose.formatted(maxFractionDigits: 2)) = \(dosePlan.volume.formatted(maxFractionDigits: 2)) at \(dosePlan.nominalRate.formatted(maxFractionDigits: 2)) over \(dosePlan.duration.formatted()), \(dosePlan.syringe.id).",
                details: record.encoded()))
            for finding in findings {
                try journal.append(JournalEvent(kind: .validation, session: sessionID, actor: actor, monotonic: now, wall: wallClock(),
                                                summary: "[\(finding.kind)] \(finding.message)"))
            }
            if let singlePersonReason {
                try journal.append(JournalEvent(kind: .doubleCheck, session: sessionID, actor: actor, monotonic: now, wall: wallClock(),
                    summary: "Single-person start without the independent double check, by \(actor.name) (uid \(actor.uid.map(String.init) ?? "?")): \(singlePersonReason)",
                    details: JournalRecorder.json(["stage": "overridden", "started_by": actor.name, "reason": singlePersonReason])))
            }
            if let verifiedBy {
                try journal.append(JournalEvent(kind: .doubleCheck, session: sessionID, actor: verifiedBy, monotonic: now, wall: wallClock(),
                    summary: "Independent double check by \(verifiedBy.name) (uid \(verifiedBy.uid.map(String.init) ?? "?")) of the program started by \(actor.name) (uid \(actor.uid.map(String.init) ?? "?")).",
                    details: JournalRecorder.json(["stage": "verified", "verified_by": verifiedBy.name, "verified_by_uid": verifiedBy.uid ?? 0,
                                                   "started_by": actor.name, "started_by_uid": actor.uid ?? 0])))
            }
            for override in dosePlan.overrides {
                try journal.append(JournalEvent(kind: .override, session: sessionID, actor: actor, monotonic: now, wall: wallClock(),
                                                summary: "Override of \(override.limit): \(override.reason)",
                                                details: JournalRecorder.json(["limit": override.limit, "reason": override.reason, "message": override.message])))
            }
        } catch {
            journalFailed(error)
            return .failure(ProtocolError(code: .refused, message: "The journal could not record the program (\(error)); starting is blocked."))
        }
        var session = InfusionSession(id: String(sessionID.rawValue), plan: dosePlan, profile: profile,
                                      pumpMaxRate: engine.configuration.supervisor.pumpMaxRate)
        session.limits = caps.limits
        session.vitalThresholds = vitalThresholds(forDrug: dosePlan.drug)
        plasma.begin(model: plasmaModel(forDrug: dosePlan.drug), bodyWeight: dosePlan.patient.weight, at: scheduler.now())
        if let simulator {
            let fill = configuration.simFillML.map(Milliliters.init) ?? dosePlan.firstSyringeFill
            simulator.load(dosePlan.geometry, fill: fill)
        }
        activeSession = ActiveSession(id: sessionID, plan: dosePlan, record: record, uncertainty: .zero, resumable: true)
        for finding in findings where finding.limit.hasPrefix("vitals.") {
            let override = dosePlan.overrides.first { $0.limit == finding.limit }
            let decision = override != nil ? "pre-start-overridden" : finding.kind == .warning ? "pre-start-no-vitals" : "pre-start-finding"
            writeEvent(.vitalsDecision, actor: actor, "Pre-start vital-sign check: \(finding.message)\(override.map { " Overridden: \($0.reason)" } ?? "")",
                       details: VitalsDecisionRecord(decision: decision, limits: [finding.limit], message: finding.message,
                                                     overrideReason: override?.reason).encoded)
        }
        let refusal = runEngine { (engine) throws(EngineRefusal) in try engine.start(session) }
        if let refusal {
            do {
                try journal.closeSession(sessionID, outcome: .abandoned, delivered: .zero, reason: refusal.message,
                                         actor: actor, monotonic: scheduler.now(), wall: wallClock())
            } catch {
                journalFailed(error)
            }
            activeSession = ActiveSession()
            return .failure(ProtocolError(code: .refused, message: refusal.message))
        }
        return .success(.status(statusReport()))
    }

    // MARK: - Running-infusion commands

    func engineCommand(_ actor: JournalActor, _ kind: JournalEventKind, _ verb: String,
                       _ action: (InfusionEngine) throws(EngineRefusal) -> Void) -> Result<ResultPayload, ProtocolError> {
        let refusal = runEngine(action)
        if let refusal { return .failure(ProtocolError(code: .invalidState, message: refusal.message)) }
        writeEvent(kind, actor: actor, "\(verb) by \(actor.name).")
        return .success(.status(statusReport()))
    }

    func acknowledge(_ code: String?, actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        var alarmCode: AlarmCode?
        if let code {
            guard let known = AlarmCode(rawValue: code) else {
                return .failure(ProtocolError(code: .badRequest, message: "Unknown alarm code \(code); known codes: \(AlarmCode.allCases.map(\.rawValue).joined(separator: ", "))."))
            }
            alarmCode = known
        }
        var cleared: [AlarmCode] = []
        let refusal = runEngine { (engine) throws(EngineRefusal) in cleared = try engine.acknowledge(alarmCode) }
        let outcome: Result<[AlarmCode], EngineRefusal> = refusal.map { .failure($0) } ?? .success(cleared)
        switch outcome {
        case .failure(let refusal): return .failure(ProtocolError(code: .invalidState, message: refusal.message))
        case .success(let codes):
            writeEvent(.acknowledge, actor: actor, "\(actor.name) acknowledged \(codes.map(\.rawValue).joined(separator: ", ")).")
            return .success(.status(statusReport()))
        }
    }

    func titrate(_ parameters: TitrateParameters, actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        guard let current = activeSession.plan, let record = activeSession.record else {
            return .failure(ProtocolError(code: .invalidState, message: "No running or paused infusion to titrate."))
        }
        let change: TitrationChange
        if let dose = parameters.doseMgPerKg { change = .dosePerKg(MilligramsPerKilogram(dose)) }
        else if let minutes = parameters.durationMin { change = .duration(Minutes(minutes)) }
        else if let rate = parameters.rateMgPerKgPerH { change = .doseRate(MilligramsPerKilogramPerHour(rate)) }
        else { return .failure(ProtocolError(code: .badRequest, message: "titrate needs one of dose_mg_per_kg, duration_min or rate_mg_per_kg_per_h.")) }
        let status = scheduler.syncOnControl { engine.status() }
        guard [.running, .paused].contains(status.state) else {
            return .failure(ProtocolError(code: .invalidState, message: "Titration needs a running or paused infusion; the pump is \(status.state.phrase)."))
        }
        let result = planner.titrate(current, change, deliveredVolume: status.deliveredVolume,
                                     elapsedInfusing: status.elapsed.minutes, overrideReason: parameters.overrideReason)
        guard result.verdict == .accepted, let newPlan = result.plan else {
            return .failure(Self.refusal(result.verdict, result.findings, fallback: "The titration was not accepted."))
        }
        if parameters.dryRun {
            return .success(.program(WireMapping.summary(newPlan, findings: result.findings, remaining: newPlan.remainingDuration, wallNow: wallClock(), speed: scheduler.speed)))
        }
        // The new revision is journaled whole BEFORE the engine applies it (a crash in between recovers the new
        // revision, whose target the supervisor's count can never have passed); a refusal journals the revision
        // still in force, so the newest titration event is always what is programmed.
        let updated = ProgramRecord(request: record.request, plan: newPlan)
        guard writeEventDurably(.titration, actor: actor,
                "Titrated by \(actor.name) to \(newPlan.dosePerKg.formatted()) (\(newPlan.totalDose.formatted(maxFractionDigits: 2))) over \(newPlan.duration.formatted()), \(newPlan.nominalRate.formatted(maxFractionDigits: 2)) for the rest.",
                details: updated.encoded()) else {
            return .failure(ProtocolError(code: .refused, message: "The journal could not record the titration; nothing was changed."))
        }
        let refusal = runEngine { (engine) throws(EngineRefusal) in try engine.titrate(to: newPlan) }
        if let refusal {
            writeEvent(.titration, actor: actor, "Titration not applied (\(refusal.message)); revision \(current.revision) stays in force.",
                       details: ProgramRecord(request: record.request, plan: current).encoded())
            return .failure(ProtocolError(code: .refused, message: refusal.message))
        }
        var session = activeSession
        session.plan = newPlan
        session.record = updated
        activeSession = session
        for override in newPlan.overrides where override.revision == newPlan.revision {
            writeEvent(.override, actor: actor, "Override of \(override.limit) at titration: \(override.reason)",
                       details: JournalRecorder.json(["limit": override.limit, "reason": override.reason, "message": override.message]))
        }
        return .success(.status(statusReport()))
    }

    func resumeInterrupted(_ confirmed: Bool, _ reason: String?, actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        guard confirmed else {
            return .failure(ProtocolError(code: .badRequest, message: "resume-interrupted needs confirmed: true."))
        }
        let session = activeSession
        guard scheduler.syncOnControl({ engine.state }) == .interrupted else {
            return .failure(ProtocolError(code: .invalidState, message: "Nothing is interrupted."))
        }
        guard session.resumable, let record = session.record else {
            return .failure(ProtocolError(code: .refused, message: "The interrupted program no longer passes validation against the current library; it can only be stopped."))
        }
        if let refusal = libraryRefusal(actor: actor, at: "resume-interrupted") { return .failure(refusal) }
        // HAZ-010: re-validate the original program against today's library before finishing it.
        let revalidated = planner.validate(record.request)
        guard revalidated.verdict == .accepted else {
            return .failure(Self.refusal(.rejected, revalidated.findings,
                                         fallback: "The interrupted program no longer validates; it can only be stopped."))
        }
        let refusal = runEngine { (engine) throws(EngineRefusal) in try engine.resumeInterrupted() }
        if let refusal { return .failure(ProtocolError(code: .invalidState, message: refusal.message)) }
        writeEvent(.resumeInterrupted, actor: actor, "Interrupted infusion resumed by \(actor.name) after re-validation\(reason.map { ": \($0)" } ?? ".")")
        return .success(.status(statusReport()))
    }

    /// The most entries one `log` answer holds: 500 fit one line; a client that reassembles parts may ask for
    /// up to 20,000 (about 4 MB).
    static func maxLogEntries(parts: Int) -> Int { parts > 1 ? 20_000 : 500 }

    func log(since: Date?, limit: Int?, parts: Int) -> Result<ResultPayload, ProtocolError> {
        guard let journal else { return .failure(ProtocolError(code: .refused, message: "The journal is unavailable.")) }
        do {
            let entries = try journal.events(since: since, limit: min(max(limit ?? 50, 1), Self.maxLogEntries(parts: parts)))
            return .success(.log(entries.reversed().map {
                LogEntryDTO(seq: Int($0.sequence), at: $0.event.wall,  // checked: Int64 → Int, same width on the 64-bit targets
                            event: $0.event.kind.rawValue,
                            message: "\($0.event.actor.name): \($0.event.summary)",
                            sessionId: $0.event.session.map { String($0.rawValue) })
            }))
        } catch {
            return .failure(ProtocolError(code: .internal, message: "The journal could not be read: \(error)."))
        }
    }

    func inject(_ fault: SimFault, actor: JournalActor) -> Result<ResultPayload, ProtocolError> {
        guard let simulator else {
            return .failure(ProtocolError(code: .refused, message: "sim inject works only with the simulator backend; this pump runs on real hardware."))
        }
        let simulated: SimulatedFault? = switch fault {
        case .occlusion: .occlusion
        case .occlusionRelease: .occlusionRelease
        case .stall: .stallStart
        case .disengage: .disengage
        case .estopButton: .emergencyStopPress
        case .estopRelease: .emergencyStopRelease
        case .gpioWriteFailure: .gpioWriteFailure(.step)
        case .syringeRemoved: .syringeRemoved
        case .stallEnd: .stallEnd
        case .reengage: .reengage
        case .gpioRecover: .clearGPIOFailures
        case .syringeInserted: .syringeInserted
        case .hypertensiveSurge, .hypertensiveSurgeRelease: nil
        }
        guard let simulated else {
            // Patient faults act on the simulated monitor's patient model, not on the pump plant.
            guard let monitor = simulatedMonitor else {
                return .failure(ProtocolError(code: .refused, message: "\(fault.rawValue) needs the simulated patient monitor; start pumpd with --sim-vitals."))
            }
            monitor.setSurge(fault == .hypertensiveSurge)
            writeEvent(.config, actor: actor, "Simulator fault injected by \(actor.name): \(fault.rawValue).")
            return .success(.status(statusReport()))
        }
        writeEvent(.config, actor: actor, "Simulator fault injected by \(actor.name): \(fault.rawValue).")
        scheduler.syncOnControl { simulator.current.inject(simulated) }
        return .success(.status(statusReport()))
    }

    /// A refusal naming the first limiting finding (hard or soft limit before warnings), with all findings.
    static func refusal(_ verdict: PumpCore.Verdict, _ findings: [Finding], fallback: String) -> ProtocolError {
        let first = findings.first { $0.kind != .warning } ?? findings.first
        return ProtocolError(code: verdict == .needsOverride ? .needsOverride : .refused,
                             message: first?.message ?? fallback, findings: findings.map(WireMapping.finding))
    }

    /// Runs an engine command on the control queue; returns its refusal, if any.
    func runEngine(_ body: (InfusionEngine) throws(EngineRefusal) -> Void) -> EngineRefusal? {
        scheduler.syncOnControl { () -> EngineRefusal? in
            do throws(EngineRefusal) {
                try body(engine)
                return nil
            } catch {
                return error
            }
        }
    }

    // MARK: - Journal helper

    func writeEvent(_ kind: JournalEventKind, actor: JournalActor, _ summary: String, details: Data = Data("{}".utf8)) {
        _ = writeEventDurably(kind, actor: actor, summary, details: details)
    }

    /// Writes an event (synchronously, durably) and answers whether it is on disk.
    func writeEventDurably(_ kind: JournalEventKind, actor: JournalActor, _ summary: String, details: Data = Data("{}".utf8)) -> Bool {
        guard let journal else { return false }
        do {
            try journal.append(JournalEvent(kind: kind, session: activeSession.id, actor: actor, monotonic: scheduler.now(),
                                            wall: wallClock(), summary: summary, details: details))
            return true
        } catch {
            journalFailed(error)
            return false
        }
    }
}

extension PumpService {
    /// The supervisor's caps for `request`, from its own library load (never the planner's plan).
    func supervisorCaps(for request: ProgramRequest) -> Result<SupervisorCaps, SupervisorRefusal> {
        SupervisorCaps.derive(
            drug: request.drug, profile: request.profile, patient: request.patient, concentration: request.concentration,
            syringeID: request.syringeID, drugs: supervisorLibraries.drugs, syringes: supervisorLibraries.syringes,
            mechanics: supervisorLibraries.mechanics, pumpMaxRate: engine.configuration.supervisor.pumpMaxRate)
    }
}
