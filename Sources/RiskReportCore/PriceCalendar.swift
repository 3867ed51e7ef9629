import ArgumentParser

/// How many of a price file's observation periods make a year: what annualises its daily
/// estimates and turns horizons in days (periods) into years.
///
/// `--periods-per-year` when given; otherwise what the dates say: a series with a Saturday or a
/// Sunday among its dates is calendar-day data (365 a year: markets that never close, such as
/// crypto), one without is trading-day data (252 a year: exchange days). A file indexed by
/// integers, or with more than one row on a date (intraday bars), says nothing about its
/// calendar and needs the flag. Without a price file (a model file, `liquidation`) the periods
/// are calendar days unless the flag says otherwise.
struct PriceCalendar: Codable, Equatable {
  enum Kind: String, Codable {
    /// 252 periods a year, or a flag value below 365.
    case trading
    /// 365 (or more) periods a year.
    case calendar
  }

  let periodsPerYear: Double
  let kind: Kind
  /// Why: the flag, or what the dates showed.
  let reason: String

  static let tradingDays = 252.0
  static let calendarDays = 365.0

  /// Seconds of wall-clock time in a year (365 days): what oracle and block intervals, which
  /// pass in wall-clock time whatever the price file's calendar, convert to years with.
  static let secondsPerYear = 365 * 86_400.0

  /// The flag's value as the calendar.
  static func given(_ periods: Double) -> PriceCalendar {
    PriceCalendar(
      periodsPerYear: periods, kind: periods >= calendarDays ? .calendar : .trading,
      reason: "--periods-per-year \(ReportSection.days(periods))")
  }

  /// The calendar of a price file's first-column labels (`ObservationLabels`-checked).
  ///
  /// - Throws: `InputError` naming the file when the labels cannot tell and no flag was given.
  static func resolve(flag: Double?, labels: [String], path: String) throws(InputError)
    -> PriceCalendar
  {
    if let flag { return given(flag) }
    guard let first = labels.first, ObservationLabels.isDate(first) else {
      throw InputError(
        location: .file(path),
        message:
          "its first column is an index, not dates, so it does not say how many periods make a year: give --periods-per-year (252 for exchange days, 365 for every day)"
      )
    }
    var previousDay: Substring?
    var weekend: String?
    for label in labels {
      let day = label.prefix(10)
      if day == previousDay {
        throw InputError(
          location: .file(path),
          message:
            "it has more than one row on \(day) (intraday data), so its periods are not days: give --periods-per-year"
        )
      }
      previousDay = day
      if weekend == nil, let weekday = weekday(of: day), weekday == 0 || weekday == 6 {
        weekend = String(day)
      }
    }
    if let weekend {
      return PriceCalendar(
        periodsPerYear: calendarDays, kind: .calendar,
        reason:
          "calendar days: the dates include weekends (\(weekend) is a \(weekendName(weekend)))"
      )
    }
    return PriceCalendar(
      periodsPerYear: tradingDays, kind: .trading,
      reason: "trading days: none of the \(labels.count) dates is a Saturday or a Sunday")
  }

  /// Without a price file: calendar days unless the flag says otherwise.
  static func withoutPrices(flag: Double?) -> PriceCalendar {
    if let flag { return given(flag) }
    return PriceCalendar(
      periodsPerYear: calendarDays, kind: .calendar,
      reason: "calendar days: no price file to read a calendar from (--periods-per-year sets it)")
  }

  /// 0 = Sunday … 6 = Saturday for `YYYY-MM-DD` (Sakamoto's method, Gregorian calendar).
  static func weekday(of date: Substring) -> Int? {
    let parts = date.split(separator: "-")
    guard parts.count == 3, var y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
      (1...12).contains(m)
    else { return nil }
    let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
    if m < 3 { y -= 1 }
    return (y + y / 4 - y / 100 + y / 400 + offsets[m - 1] + d) % 7
  }

  private static func weekendName(_ date: String) -> String {
    weekday(of: Substring(date)) == 0 ? "Sunday" : "Saturday"
  }
}

/// `--periods-per-year`, shared by every command that annualises or converts days.
struct CalendarOption: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Observation periods per year (default: 252 if the dates have no weekends, 365 if they do).",
      discussion:
        "Annualises daily estimates and converts --horizon-days, which counts the price file's periods. Needed for a file indexed by integers or with intraday rows."
    ))
  var periodsPerYear: Double?

  /// Periods per year: at least one, at most a year of minutes.
  static let range: ClosedRange<Double> = 1...525_600

  func validate() throws {
    if let periodsPerYear, !Self.range.contains(periodsPerYear) {
      throw ValidationError(
        "--periods-per-year: \(periodsPerYear) must be in [1, 525600] (a year of minutes)")
    }
  }
}
