/// A horizon: the library's unit of time is the year (`SimulationSettings.horizon`,
/// `LiquidationProbabilities`, `LiquidationSweep.firstPassage` and every annualised rate), and a
/// `Horizon` is the one conversion from days. It keeps the form it was given in, so a horizon of
/// `d` days at `n` days a year is `d / n` years and exactly `d` days again in the same calendar:
/// ```swift
/// let tenDays = Horizon.days(10)                          // 10 days of 365
/// let settings = SimulationSettings(paths: 100_000, steps: 10, horizon: tenDays.years, seed: 7)
/// let var10 = ParametricVaR(confidence: 0.99, horizon: tenDays)  // √10 on daily returns
/// ```
public struct Horizon: Sendable, Hashable, Codable {
  /// The horizon in years.
  public let years: Double
  /// The days and days per year it was given in (`days(_:daysPerYear:)`), or `nil`.
  private let givenDays: Double?
  private let givenDaysPerYear: Double?

  /// `days` days of a year of `daysPerYear` days (365 by default: tokenized assets and crypto
  /// trade every day; 252 for exchange trading days): `days / daysPerYear` years.
  public static func days(_ days: Double, daysPerYear: Double = 365) -> Horizon {
    Horizon(years: days / daysPerYear, givenDays: days, givenDaysPerYear: daysPerYear)
  }

  /// `years` years.
  public static func years(_ years: Double) -> Horizon {
    Horizon(years: years, givenDays: nil, givenDaysPerYear: nil)
  }

  /// The days given, or `years × 365` for a horizon given in years.
  var daysInOwnCalendar: Double { givenDays ?? years * 365 }

  /// The horizon in days of a year of `daysPerYear` days: exactly the days given when it was
  /// given in that calendar, `years × daysPerYear` otherwise.
  public func days(daysPerYear: Double) -> Double {
    if let givenDays, givenDaysPerYear == daysPerYear { return givenDays }
    return years * daysPerYear
  }
}
