/// The library's unit of time: every horizon and interval it takes is in years
/// (`SimulationSettings.horizon`, `LiquidationProbabilities`, `LiquidationSweep.firstPassage`,
/// `ParametricVaR.horizon`), and every rate is annualised. This converts a horizon counted in
/// days, the one conversion the library and `riskreport` use.
///
/// ```swift
/// let tenDays = Horizon.years(days: 10)                  // 10/365 years
/// let tradingWeek = Horizon.years(days: 5, daysPerYear: 252)
/// ```
public enum Horizon {
  /// `days / daysPerYear` years: 365 days a year by default (tokenized assets and crypto trade
  /// every day), 252 for exchange trading days.
  public static func years(days: Double, daysPerYear: Double = 365) -> Double {
    days / daysPerYear
  }
}
