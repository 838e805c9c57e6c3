// The report's time chart as inline SVG (no script, no external resource): three panels on one time axis
// (minutes since the session opened, pump time):
//   1. delivery: rate in mL/h (step line, left axis), cumulative mg (line, right axis), the target as a dashed
//      line, paused and alarm intervals shaded;
//   2. estimated plasma concentration, ng/mL (population-model estimate), when the record has one;
//   3. vital signs: heart rate and blood pressure (bpm / mmHg, left axis), SpO₂ (%, right axis).
// Syringe changes are solid green vertical lines labelled S2, S3, … (the syringe table's numbers).
// Alarms are numbered vertical markers through all panels, coloured by priority; the numbers match the
// report's alarm table.
import Foundation

/// Renders the chart of one session report.
struct ReportChart {
    let report: SessionReportDTO

    static let width = 1000.0
    static let left = 70.0
    static let right = 930.0
    static let top = 54.0
    static let deliveryHeight = 210.0
    static let plasmaHeight = 110.0
    static let vitalsHeight = 140.0
    static let gap = 30.0

    /// Colours, shared with the HTML legend and tables.
    enum Colour {
        static let rate = "#1f5fa8"
        static let rateFill = "#dce8f6"
        static let dose = "#1b1b1b"
        static let target = "#777777"
        static let plasma = "#6a3d9a"
        static let heartRate = "#c0392b"
        static let pressure = "#1b1b1b"
        static let spo2 = "#0e8a7d"
        static let grid = "#e3e3e3"
        static let paused = "#fff3c4"
        static let alarmShade = "#fbdede"
        static let syringeChange = "#1b6e3c"
        static func alarm(_ priority: AlarmPriorityDTO) -> String {
            switch priority {
            case .high: "#c62828"
            case .medium: "#e08a00"
            case .low: "#0097a7"
            }
        }
    }

    /// The end of the time axis in minutes: the programmed duration or the last record, whichever is later.
    var minutes: Double {
        let last = [report.timeline.last?.tS, report.alarms.last?.tS, report.vitals.last?.tS].compactMap { $0 }.max() ?? 0
        return max(1, report.program.durationMin, last / 60)
    }

    var time: ChartScale {
        let step = ChartScale.timeStep(minutes: minutes)
        return ChartScale(lower: 0, upper: (minutes / step).rounded(.up) * step, step: step, start: Self.left, end: Self.right)
    }

    var height: Double { Self.top + Self.deliveryHeight + Self.plasmaHeight + Self.vitalsHeight + 2 * Self.gap + 50 }

    func svg() -> String {
        var out = SVGWriter()
        out.open(width: Self.width, height: height)
        var y = Self.top
        delivery(&out, top: y)
        y += Self.deliveryHeight + Self.gap
        plasma(&out, top: y)
        y += Self.plasmaHeight + Self.gap
        vitals(&out, top: y)
        y += Self.vitalsHeight
        timeAxis(&out, bottom: y)
        alarmMarkers(&out, bottom: y)
        syringeMarkers(&out, bottom: y)
        out.close()
        return out.text
    }

    // MARK: Panels

    private func delivery(_ out: inout SVGWriter, top: Double) {
        let bottom = top + Self.deliveryHeight
        let points = report.timeline
        let maxRate = max(points.map(\.rateMlPerH).max() ?? 0, report.program.rateMlPerH) * 1.15
        let rate = ChartScale(maximum: max(maxRate, 1), start: bottom, end: top)
        let maxDose = max(points.map(\.deliveredMg).max() ?? 0, report.session.targetMg, report.program.totalMg)
        let dose = ChartScale(maximum: max(maxDose, 1), start: bottom, end: top)
        shadeStates(&out, top: top, bottom: bottom)
        out.grid(rate, left: Self.left, right: Self.right)
        out.frame(x: Self.left, y: top, width: Self.right - Self.left, height: Self.deliveryHeight)
        out.axisLabels(rate, x: Self.left - 6, anchor: "end", colour: Colour.rate)
        out.axisLabels(dose, x: Self.right + 6, anchor: "start", colour: Colour.dose)
        out.text("mL/h", x: Self.left - 6, y: top - 8, anchor: "end", colour: Colour.rate, size: 12, weight: "bold")
        out.text("mg", x: Self.right + 6, y: top - 8, anchor: "start", colour: Colour.dose, size: 12, weight: "bold")
        // Rate: a step line, each point's mean rate held since the previous point.
        if points.count > 1 {
            var path: [(Double, Double)] = [(time.position(points[0].tS / 60), rate.position(0))]
            for (index, point) in points.enumerated().dropFirst() {
                let x0 = time.position(points[index - 1].tS / 60)
                let x1 = time.position(point.tS / 60)
                path.append((x0, rate.position(point.rateMlPerH)))
                path.append((x1, rate.position(point.rateMlPerH)))
            }
            path.append((path.last?.0 ?? Self.left, rate.position(0)))
            out.polygon(path, fill: Colour.rateFill)
            out.polyline(Array(path.dropFirst().dropLast()), stroke: Colour.rate, width: 2)
        }
        let target = report.session.targetMg
        out.dashedLine(x1: Self.left, y1: dose.position(target), x2: Self.right, y2: dose.position(target), colour: Colour.target)
        out.text("target \(QuantityFormat.mg(target))", x: Self.right - 4, y: dose.position(target) - 5, anchor: "end",
                 colour: Colour.target, size: 12)
        out.polyline(points.map { (time.position($0.tS / 60), dose.position($0.deliveredMg)) }, stroke: Colour.dose, width: 2.4)
        out.legend([("Rate, mL/h", Colour.rate, "line"), ("Cumulative dose, mg", Colour.dose, "line"),
                    ("Paused", Colour.paused, "box"), ("Alarm state", Colour.alarmShade, "box")],
                   x: Self.left + 60, y: top - 8)
    }

    private func plasma(_ out: inout SVGWriter, top: Double) {
        let bottom = top + Self.plasmaHeight
        let points = report.timeline.compactMap { point in point.plasmaNgPerMl.map { (point.tS, $0) } }
        let scale = ChartScale(maximum: max(points.map(\.1).max() ?? 0, 10), start: bottom, end: top, ticks: 3)
        out.grid(scale, left: Self.left, right: Self.right)
        out.frame(x: Self.left, y: top, width: Self.right - Self.left, height: Self.plasmaHeight)
        out.axisLabels(scale, x: Self.left - 6, anchor: "end", colour: Colour.plasma)
        out.text("ng/mL", x: Self.left - 6, y: top - 8, anchor: "end", colour: Colour.plasma, size: 12, weight: "bold")
        let model = report.plasmaModel.map { " (\($0))" } ?? ""
        if points.isEmpty {
            out.text("No plasma estimate in this record.", x: (Self.left + Self.right) / 2, y: top + Self.plasmaHeight / 2 + 5,
                     anchor: "middle", colour: Colour.target, size: 13)
        } else {
            out.polyline(points.map { (time.position($0.0 / 60), scale.position($0.1)) }, stroke: Colour.plasma, width: 2.2)
        }
        out.legend([("Estimated plasma concentration, ng/mL — population-model estimate\(model), not a measurement",
                     Colour.plasma, "line")], x: Self.left + 60, y: top - 8)
    }

    private func vitals(_ out: inout SVGWriter, top: Double) {
        let bottom = top + Self.vitalsHeight
        let scale = ChartScale(lower: 0, upper: 200, step: 50, start: bottom, end: top)
        let spo2 = ChartScale(lower: 80, upper: 100, step: 5, start: bottom, end: top)
        out.grid(scale, left: Self.left, right: Self.right)
        out.frame(x: Self.left, y: top, width: Self.right - Self.left, height: Self.vitalsHeight)
        out.axisLabels(scale, x: Self.left - 6, anchor: "end", colour: Colour.pressure)
        out.axisLabels(spo2, x: Self.right + 6, anchor: "start", colour: Colour.spo2)
        out.text("SpO₂ %", x: Self.right + 6, y: top - 8, anchor: "start", colour: Colour.spo2, size: 12, weight: "bold")
        let vitals = report.vitals
        if vitals.isEmpty {
            out.text("No vital signs in this record.", x: (Self.left + Self.right) / 2, y: top + Self.vitalsHeight / 2 + 5,
                     anchor: "middle", colour: Colour.target, size: 13)
        }
        let x = { (point: VitalsPointDTO) in time.position(point.tS / 60) }
        let heart = vitals.map { (x($0), scale.position($0.hrBpm)) }
        out.polyline(heart, stroke: Colour.heartRate, width: 1.6)
        for (px, py) in heart { out.circle(x: px, y: py, r: 2.6, fill: Colour.heartRate) }
        for point in vitals {
            out.line(x1: x(point), y1: scale.position(point.sbpMmHg), x2: x(point), y2: scale.position(point.dbpMmHg),
                     colour: Colour.pressure, width: 1)
            out.marker(x: x(point), y: scale.position(point.sbpMmHg), down: true, colour: Colour.pressure)
            out.marker(x: x(point), y: scale.position(point.dbpMmHg), down: false, colour: Colour.pressure)
        }
        let saturation = vitals.map { (x($0), spo2.position($0.spo2Percent)) }
        out.polyline(saturation, stroke: Colour.spo2, width: 1.6)
        out.legend([("Heart rate, /min", Colour.heartRate, "dot"), ("Blood pressure, mmHg (▼ systolic, ▲ diastolic)", Colour.pressure, "line"),
                    ("SpO₂, %", Colour.spo2, "line")], x: Self.left + 60, y: top - 8)
    }

    // MARK: Axis and markers

    private func timeAxis(_ out: inout SVGWriter, bottom: Double) {
        for tick in time.ticks {
            let x = time.position(tick)
            out.line(x1: x, y1: bottom, x2: x, y2: bottom + 5, colour: Colour.dose, width: 1)
            out.text(HTMLText.number(tick), x: x, y: bottom + 19, anchor: "middle", colour: Colour.dose, size: 12)
        }
        out.text("Minutes since the session opened (pump time)", x: (Self.left + Self.right) / 2, y: bottom + 38,
                 anchor: "middle", colour: Colour.dose, size: 12)
    }

    private func alarmMarkers(_ out: inout SVGWriter, bottom: Double) {
        for (index, alarm) in report.alarms.enumerated() {
            let x = time.position(alarm.tS / 60)
            let colour = Colour.alarm(alarm.priority)
            out.line(x1: x, y1: Self.top - 31, x2: x, y2: bottom, colour: colour, width: 1.4, dash: "5 3")
            out.circle(x: x, y: Self.top - 40, r: 9, fill: colour)
            out.text(String(index + 1), x: x, y: Self.top - 36, anchor: "middle", colour: "#ffffff", size: 11, weight: "bold")
        }
    }

    /// Syringe changes: a solid vertical line through every panel, labelled with the new syringe's number ("S2").
    private func syringeMarkers(_ out: inout SVGWriter, bottom: Double) {
        for change in (report.syringes ?? []) where change.index > 1 {
            let x = time.position(change.tS / 60)
            out.line(x1: x, y1: Self.top - 14, x2: x, y2: bottom, colour: Colour.syringeChange, width: 1.6)
            out.text("S\(change.index)", x: x, y: Self.top - 18, anchor: "middle", colour: Colour.syringeChange, size: 11, weight: "bold")
        }
    }

    /// Shades intervals in which the pump was paused (yellow) or in an alarm state (red).
    private func shadeStates(_ out: inout SVGWriter, top: Double, bottom: Double) {
        let points = report.timeline
        for index in points.indices.dropFirst() {
            let state = points[index - 1].state
            guard state == "paused" || state == "alarm" else { continue }
            let x0 = time.position(points[index - 1].tS / 60), x1 = time.position(points[index].tS / 60)
            out.rect(x: x0, y: top, width: max(x1 - x0, 1), height: bottom - top, fill: state == "paused" ? Colour.paused : Colour.alarmShade)
        }
    }
}
