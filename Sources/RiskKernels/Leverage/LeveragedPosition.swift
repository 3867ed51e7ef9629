/// Which way a leveraged position is exposed.
public enum PositionSide: String, Sendable, Equatable, Codable, CaseIterable {
  /// Loses when the price falls; liquidated at a price below entry.
  case long
  /// Loses when the price rises; liquidated at a price above entry.
  case short
}

/// An isolated-margin linear position (a perpetual future without fees or funding) with leverage
/// `L`, maintenance-margin rate `m` and entry price `P₀`.
///
/// ```
/// long:  P_liq = P₀ (1 − 1/L) / (1 − m)
/// short: P_liq = P₀ (1 + 1/L) / (1 + m)
/// ```
/// The position is liquidated when its margin, `1/L` of the entry notional plus the profit and
/// loss, falls to `m` times the position's value at the current price. Venues differ in fees,
/// funding and tiers, so the maintenance-margin rate is a parameter. A long with `L ≤ 1` cannot
/// be liquidated (`P_liq ≤ 0`). This is the standard isolated-margin liquidation price of a linear perpetual, without the fees and funding that venues add.
public struct LeveragedPosition<Scalar: BLASScalar>: Sendable, Equatable {
  /// Long or short.
  public let side: PositionSide
  /// `L > 0`; any finite value is accepted (venues offer up to 125× and more).
  public let leverage: Scalar
  /// `0 ≤ m < 1` (0.005 = 0.5%).
  public let maintenanceMargin: Scalar
  /// `P₀ > 0`.
  public let entryPrice: Scalar

  /// A position and its liquidation price.
  ///
  /// - Throws: `.parameterOutOfRange` for a leverage that is not positive and finite, or whose
  ///   `1/L` or liquidation price is not finite (a leverage of 1e-320 gave −∞), a
  ///   maintenance margin outside `[0, 1)`, or an entry price that is not positive and finite.
  public init(
    side: PositionSide, leverage: Scalar, maintenanceMargin: Scalar = 0, entryPrice: Scalar = 1
  ) throws(RiskKernelsError) {
    guard leverage > 0, leverage.isFinite, (1 / leverage).isFinite else {
      throw .parameterOutOfRange(
        name: .leverage, value: Double(leverage), allowed: "> 0 with 1/L finite")
    }
    guard maintenanceMargin >= 0, maintenanceMargin < 1 else {
      throw .parameterOutOfRange(
        name: .maintenanceMargin, value: Double(maintenanceMargin), allowed: "0 ≤ m < 1")
    }
    guard entryPrice > 0, entryPrice.isFinite else {
      throw .parameterOutOfRange(
        name: "entryPrice", value: Double(entryPrice), allowed: "> 0, finite")
    }
    self.side = side
    self.leverage = leverage
    self.maintenanceMargin = maintenanceMargin
    self.entryPrice = entryPrice
    guard liquidationPrice.isFinite else {
      throw .parameterOutOfRange(
        name: "entryPrice", value: Double(entryPrice),
        allowed: "small enough that the liquidation price is finite")
    }
  }

  /// The price at which the position is liquidated; ≤ 0 (never) for a long with `L ≤ 1`.
  public var liquidationPrice: Scalar {
    switch side {
    case .long: return entryPrice * (1 - 1 / leverage) / (1 - maintenanceMargin)
    case .short: return entryPrice * (1 + 1 / leverage) / (1 + maintenanceMargin)
    }
  }
}
