// Population pharmacokinetic models of ketamine for the plasma-concentration ESTIMATE shown to clinicians.
// The estimate is a population-model prediction from the delivered dose; it is never measured and never used
// for control or safety decisions.
//
// Math. A mammillary model has a central compartment (volume V1, elimination k10) and one or two peripheral
// compartments p (transfer k1p out of the centre, kp1 back). Amounts A obey dA/dt = K·A + e1·R(t), where R is
// the infusion rate into the centre. The central concentration after a unit (1 mg) bolus is a sum of
// exponentials, h(t) = Σᵢ Cᵢ·exp(−λᵢ t), where λᵢ > 0 are the roots of the characteristic polynomial of −K
//   2 compartments: λ² − (k10 + k12 + k21)·λ + k10·k21 = 0                           (closed form)
//   3 compartments: λ³ − a2·λ² + a1·λ − a0 = 0, a2 = k10 + k12 + k13 + k21 + k31,
//                   a1 = k10·k31 + k21·k31 + k21·k13 + k10·k21 + k31·k12, a0 = k10·k21·k31
//                   (three real roots: trigonometric form of the depressed cubic)
// and the coefficients are Cᵢ = Πₚ (kp1 − λᵢ) / (V1 · Π_{j≠i} (λⱼ − λᵢ)). The system is linear, so
// the concentration is a superposition of one "mode" xᵢ per exponential, C(t) = Σᵢ xᵢ(t), each obeying
// dxᵢ/dt = −λᵢ xᵢ + Cᵢ R(t). For a piecewise-constant rate this is solved EXACTLY per segment of length Δ:
//   xᵢ(t + Δ) = xᵢ(t)·exp(−λᵢΔ) + (Cᵢ R / λᵢ)·(1 − exp(−λᵢΔ))
// (no Euler or Runge-Kutta step, so there is no step-size error; `expm1` keeps short segments accurate).
// Units: V1 in L (= L/kg × total body weight), k in 1/min, R in mg/min, so C is mg/L = µg/mL; × 1000 → ng/mL.
// Because V1 (and every volume) scales with body weight, C depends only on the dose per kg.
//
// Parameters: clinical-reference.md §3 (opentiva `Clements250` and `ketamine.Domino`, cross-checked against
// fus_anes `TCI_Ketamine`). Expected values for 0.5 mg/kg over 40 min: C(40 min) = 177.3 ng/mL (Clements &
// Nimmo) and 240.3 ng/mL (Domino), independent of weight.
import Foundation

/// One peripheral compartment of a mammillary model.
public struct PeripheralCompartment: Sendable, Hashable {
    /// Transfer rate constant from the central compartment into this one (k12 or k13).
    public var fromCentral: PerMinute
    /// Transfer rate constant from this compartment back to the central one (k21 or k31).
    public var toCentral: PerMinute

    /// Creates a peripheral compartment.
    public init(fromCentral: PerMinute, toCentral: PerMinute) {
        self.fromCentral = fromCentral
        self.toCentral = toCentral
    }
}

/// A population pharmacokinetic model (2- or 3-compartment mammillary) with its citation.
public struct PlasmaConcentrationModel: Sendable, Hashable, Identifiable {
    /// Stable identifier used in configuration, the drug library and on the wire, e.g. "clements-nimmo-1981".
    public var id: String
    /// Human name, e.g. "Clements & Nimmo 1981".
    public var name: String
    /// Literature reference of the parameters.
    public var citation: String
    /// Central volume per kg of total body weight.
    public var centralVolume: LitersPerKilogram
    /// Elimination rate constant from the central compartment (k10).
    public var elimination: PerMinute
    /// The peripheral compartments (one or two).
    public var peripherals: [PeripheralCompartment]

    /// Creates a model. `peripherals` must have one or two entries.
    public init(id: String, name: String, citation: String, centralVolume: LitersPerKilogram, elimination: PerMinute,
                peripherals: [PeripheralCompartment]) {
        self.id = id
        self.name = name
        self.citation = citation
        self.centralVolume = centralVolume
        self.elimination = elimination
        self.peripherals = peripherals
    }

    /// Clements & Nimmo 1981 ("Clements250", 2-compartment): the default (its C at the end of 0.5 mg/kg over
    /// 40 min, 177 ng/mL, is closest to the 185 ng/mL measured by Zarate 2006).
    public static let clementsNimmo1981 = PlasmaConcentrationModel(
        id: "clements-nimmo-1981", name: "Clements & Nimmo 1981",
        citation: "Clements JA, Nimmo WS. Pharmacokinetics and analgesic effect of ketamine in man. Br J Anaesth 1981;53:27-30 (PMID 7459184); parameters as opentiva Clements250.",
        centralVolume: LitersPerKilogram(1.7522), elimination: PerMinute(0.0109),
        peripherals: [PeripheralCompartment(fromCentral: PerMinute(0.0186), toCentral: PerMinute(0.0137))])

    /// Domino et al. 1982 (3-compartment): the alternative (C at the end of 0.5 mg/kg over 40 min: 240 ng/mL).
    public static let domino1982 = PlasmaConcentrationModel(
        id: "domino-1982", name: "Domino 1982",
        citation: "Domino EF, Zsigmond EK, Domino LE, et al. Plasma levels of ketamine and two of its metabolites in surgical patients using a gas chromatographic mass fragmentographic assay. Anesth Analg 1982;61:87-92 (PMID 7198883); parameters as opentiva ketamine.Domino.",
        centralVolume: LitersPerKilogram(0.063), elimination: PerMinute(0.4381),
        peripherals: [PeripheralCompartment(fromCentral: PerMinute(0.5921), toCentral: PerMinute(0.2470)),
                      PeripheralCompartment(fromCentral: PerMinute(0.5900), toCentral: PerMinute(0.0146))])

    /// The model used when neither the configuration nor the drug library names one.
    public static let standard = clementsNimmo1981

    /// Every built-in model.
    public static let all: [PlasmaConcentrationModel] = [clementsNimmo1981, domino1982]

    /// The built-in model with `id`, if any.
    public static func named(_ id: String) -> PlasmaConcentrationModel? { all.first { $0.id == id } }

    /// The label every display of the estimate carries.
    public static let estimateLabel = "population-model estimate, not a measurement"

    /// The unit-bolus response of this model for a patient of `bodyWeight`: exponents and coefficients.
    /// Returns nil when the parameters are not a valid 2- or 3-compartment model or the weight is not positive.
    public func disposition(bodyWeight: Kilograms) -> Disposition? {
        guard bodyWeight.value > 0, bodyWeight.isFinite, centralVolume.value > 0, elimination.value > 0,
              (1...2).contains(peripherals.count),
              peripherals.allSatisfy({ $0.fromCentral.value > 0 && $0.toCentral.value > 0 }) else { return nil }
        let k10 = elimination.value
        let roots: [Double]
        if peripherals.count == 1 {
            let k12 = peripherals[0].fromCentral.value, k21 = peripherals[0].toCentral.value
            let b = k10 + k12 + k21, c = k10 * k21
            let root = (b * b - 4 * c).squareRoot()
            roots = [(b + root) / 2, (b - root) / 2]
        } else {
            let k12 = peripherals[0].fromCentral.value, k21 = peripherals[0].toCentral.value
            let k13 = peripherals[1].fromCentral.value, k31 = peripherals[1].toCentral.value
            let a2 = k10 + k12 + k13 + k21 + k31
            let a1 = k10 * k31 + k21 * k31 + k21 * k13 + k10 * k21 + k31 * k12
            let a0 = k10 * k21 * k31
            roots = Self.cubicRoots(a2: a2, a1: a1, a0: a0)
        }
        let volume = centralVolume.value * bodyWeight.value
        var coefficients: [Double] = []
        for (i, lambda) in roots.enumerated() {
            var numerator = 1.0, denominator = volume
            for p in peripherals { numerator *= p.toCentral.value - lambda }
            for (j, other) in roots.enumerated() where j != i { denominator *= other - lambda }
            coefficients.append(numerator / denominator)
        }
        guard roots.allSatisfy({ $0.isFinite && $0 > 0 }), coefficients.allSatisfy(\.isFinite) else { return nil }
        return Disposition(exponents: roots.map(PerMinute.init), coefficientsPerLiter: coefficients)
    }

    /// The three real positive roots of λ³ − a2·λ² + a1·λ − a0 (trigonometric method; a mammillary model's
    /// roots are always real and distinct).
    static func cubicRoots(a2: Double, a1: Double, a0: Double) -> [Double] {
        // λ = y + a2/3 gives y³ + p·y + q = 0.
        let p = a1 - a2 * a2 / 3
        let q = -2 * a2 * a2 * a2 / 27 + a1 * a2 / 3 - a0
        let m = 2 * (-p / 3).squareRoot()
        let argument = Swift.max(-1, Swift.min(1, 3 * q / (p * m)))
        let theta = acos(argument) / 3
        return (0..<3).map { k in a2 / 3 + m * cos(theta - 2 * Double.pi * Double(k) / 3) }
    }
}

/// The unit-bolus response of a model for one patient: C(t) = Σᵢ cᵢ · exp(−λᵢ t) per mg given.
public struct Disposition: Sendable, Hashable {
    /// The exponents λᵢ.
    public var exponents: [PerMinute]
    /// The coefficients cᵢ, in 1/L (mg/L of central concentration per mg given).
    public var coefficientsPerLiter: [Double]
}
