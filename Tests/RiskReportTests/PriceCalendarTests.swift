import Foundation
import Testing

@testable import RiskReportCore

@Suite struct PriceCalendarTests {
  /// Three assets over `days` consecutive dates from Monday 2024-01-01, weekends kept or skipped.
  func prices(days: Int, weekends: Bool) throws -> String {
    var rows = ["date,A,B,C"]
    let day = ISO8601DateFormatter()
    day.formatOptions = [.withFullDate]
    var (a, b, c) = (100.0, 50.0, 20.0)
    var t = 0
    while rows.count <= days {
      let date = Date(timeIntervalSince1970: 1_704_067_200 + 86_400 * Double(t))
      t += 1
      let weekday = Calendar(identifier: .gregorian).component(.weekday, from: date)
      if !weekends, weekday == 1 || weekday == 7 { continue }
      rows.append("\(day.string(from: date)),\(a),\(b),\(c)")
      a *= 1 + 0.01 * sin(Double(t) * 1.3)
      b *= 1 + 0.02 * cos(Double(t) * 0.7)
      c *= 1 + 0.015 * sin(Double(t) * 2.1)
    }
    return try temporaryFile(
      rows.joined(separator: "\n") + "\n", name: weekends ? "every-day.csv" : "weekdays.csv")
  }

  @Test("Weekdays (Sakamoto) against Foundation's Gregorian calendar, 1900–2100")
  func weekdays() {
    let gregorian = Calendar(identifier: .gregorian)
    let day = ISO8601DateFormatter()
    day.formatOptions = [.withFullDate]
    for t in stride(from: -2_208_988_800.0, to: 4_102_444_800, by: 86_400 * 37) {
      let date = Date(timeIntervalSince1970: t)
      let expected = gregorian.component(.weekday, from: date) - 1
      #expect(PriceCalendar.weekday(of: Substring(day.string(from: date))) == expected)
    }
  }

  @Test("The dates decide: weekends mean 365 calendar days, none 252 trading days; the flag wins")
  func fromDates() throws {
    let every = try prices(days: 60, weekends: true)
    let weekdays = try prices(days: 60, weekends: false)
    let labels = { (path: String) in try PriceFile(path: path).labels }
    let c = try PriceCalendar.resolve(flag: nil, labels: labels(every), path: every)
    #expect(c.periodsPerYear == 365 && c.kind == .calendar)
    #expect(c.reason.contains("2024-01-06 is a Saturday"))
    let t = try PriceCalendar.resolve(flag: nil, labels: labels(weekdays), path: weekdays)
    #expect(t.periodsPerYear == 252 && t.kind == .trading)
    #expect(t.reason == "trading days: none of the 60 dates is a Saturday or a Sunday")
    let given = try PriceCalendar.resolve(flag: 260, labels: labels(every), path: every)
    #expect(given.periodsPerYear == 260 && given.kind == .trading)
    #expect(given.reason == "--periods-per-year 260")
    #expect(PriceCalendar.withoutPrices(flag: nil).periodsPerYear == 365)
  }

  @Test("An index or intraday rows need the flag: one line naming the file")
  func undecidable() throws {
    let values = ["10,20", "11,19", "12,21", "11.5,20", "12.2,22", "11.9,20.5"]
    let index = try temporaryFile(
      "t,A,B\n" + values.enumerated().map { "\($0 + 1),\($1)\n" }.joined(), name: "index.csv")
    let intraday = try temporaryFile(
      "time,A,B\n"
        + values.enumerated().map { "2024-01-0\(2 + $0 / 2)T1\($0 % 2):00,\($1)\n" }.joined(),
      name: "intraday.csv")
    for (path, words) in [(index, "index, not dates"), (intraday, "intraday")] {
      let (status, stdout, stderr) = try runRiskReport([
        "simulate", "--prices", path, "--paths", "200",
      ])
      #expect(status != 0 && stdout.isEmpty)
      #expect(stderr.hasPrefix("riskreport: \(path): "), "\(stderr)")
      #expect(stderr.contains(words) && stderr.contains("--periods-per-year"), "\(stderr)")
      #expect(stderr.split(separator: "\n").count == 1)
      let (ok, _, err) = try runRiskReport([
        "simulate", "--prices", path, "--paths", "200", "--periods-per-year", "8760",
      ])
      #expect(ok == 0, "\(err)")
    }
  }

  @Test("Every command annualises with the file's calendar and says which it used")
  func commands() throws {
    let weekdays = try prices(days: 80, weekends: false)
    let every = try prices(days: 80, weekends: true)
    struct Simulation: Decodable {
      let periodsPerYear: Double
      let calendar: String
      let calendarReason: String
    }
    for (path, periods, kind) in [(weekdays, 252.0, "trading"), (every, 365.0, "calendar")] {
      let (status, stdout, stderr) = try runRiskReport([
        "simulate", "--prices", path, "--paths", "200", "--format", "json",
      ])
      #expect(status == 0, "\(stderr)")
      let s = try JSONDecoder().decode(Simulation.self, from: Data(stdout.utf8))
      #expect(s.periodsPerYear == periods && s.calendar == kind)
      let (_, table, _) = try runRiskReport(["covariance", "--prices", path])
      #expect(table.contains("annual ×√\(Int(periods))"), "\(table)")
      #expect(table.contains("annualised with \(kind) days"), "\(table)")
    }
    // The bundled example is exchange data.
    let (_, bundled, _) = try runRiskReport(["simulate", "--paths", "200"])
    #expect(bundled.contains("(252 per year)") && bundled.contains("calendar: trading days"))
    // A covariance table of an indexed file has no annual column but still prints.
    let index = try temporaryFile("t,A,B\n1,10,20\n2,11,19\n3,12,21\n4,11,20\n", name: "i.csv")
    let (status, table, _) = try runRiskReport(["covariance", "--prices", index])
    #expect(status == 0 && table.contains("no annual column"))
  }
}
