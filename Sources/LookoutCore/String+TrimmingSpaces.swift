extension String {
  /// The string without leading and trailing spaces and tabs (a CSV field, a header value, a
  /// date as written in a file).
  public func trimmingSpaces() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
  }
}
