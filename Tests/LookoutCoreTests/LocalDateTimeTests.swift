import Testing

@testable import LookoutCore

/// Adding seconds to a clock reading carries into days, months and years as the calendar does.
@Suite struct LocalDateTimeTests {
  @Test func addingSecondsCarriesAcrossDaysMonthsAndYears() throws {
    func plus(_ text: String, _ seconds: Int64) throws -> String {
      try #require(LocalDateTime(text)).adding(seconds: seconds).iso8601
    }
    #expect(try plus("2024-09-14T06:15:00Z", 2) == "2024-09-14T06:15:02Z")
    #expect(try plus("2024-02-28T23:59:30+02:00", 60) == "2024-02-29T00:00:30+02:00")
    #expect(try plus("2023-02-28T23:59:30", 60) == "2023-03-01T00:00:30")
    #expect(try plus("2023-12-31T23:59:59-05:00", 1) == "2024-01-01T00:00:00-05:00")
    #expect(try plus("2000-03-01T00:00:00", -1) == "2000-02-29T23:59:59")
    #expect(try plus("1970-01-01T00:00:00Z", -86_401) == "1969-12-30T23:59:59Z")
    #expect(try plus("2100-02-28T12:00:00", 86_400) == "2100-03-01T12:00:00")
  }

  @Test func civilDatesRoundTripOverFourHundredYears() {
    // Every day from 1900 to 2300 (four centuries' leap rules) comes back as itself.
    let first = LocalDateTime.daysFromCivil(year: 1900, month: 1, day: 1)
    let last = LocalDateTime.daysFromCivil(year: 2300, month: 12, day: 31)
    var previous: (year: Int, month: Int, day: Int)?
    for days in first...last {
      let date = LocalDateTime.civil(fromDays: days)
      #expect(LocalDateTime.daysFromCivil(year: date.year, month: date.month, day: date.day) == days)
      if let previous, date.day != 1 {
        #expect(date.day == previous.day + 1 && date.month == previous.month)
      }
      previous = date
    }
  }
}
