import Testing

@testable import Geo

private func p(_ lon: Double, _ lat: Double) -> GeoPoint { GeoPoint(latitude: lat, longitude: lon) }

/// A 10 x 10 square with a 2 x 2 hole in the middle (4...6).
private let squareWithHole = GeoPolygon(
  exterior: LinearRing([p(0, 0), p(10, 0), p(10, 10), p(0, 10), p(0, 0)]),
  holes: [LinearRing([p(4, 4), p(6, 4), p(6, 6), p(4, 6), p(4, 4)])])

@Test func interiorAndExteriorPoints() {
  #expect(squareWithHole.locate(p(1, 1)) == .inside)
  #expect(squareWithHole.locate(p(9.999, 5)) == .inside)
  #expect(squareWithHole.locate(p(-0.001, 5)) == .outside)
  #expect(squareWithHole.locate(p(11, 11)) == .outside)
  #expect(squareWithHole.locate(p(5, -3)) == .outside)
}

@Test func edgesAndVerticesAreBoundary() {
  for point in [p(0, 0), p(10, 0), p(10, 10), p(0, 10)] {
    #expect(squareWithHole.locate(point) == .boundary, "vertex \(point)")
  }
  for point in [p(5, 0), p(10, 3.3), p(7.25, 10), p(0, 0.5)] {
    #expect(squareWithHole.locate(point) == .boundary, "edge \(point)")
  }
  #expect(squareWithHole.contains(p(5, 0)))
}

@Test func holesExcludeTheirInteriorButNotTheirEdges() {
  #expect(squareWithHole.locate(p(5, 5)) == .outside)
  #expect(squareWithHole.locate(p(4.5, 5.9)) == .outside)
  #expect(squareWithHole.locate(p(4, 5)) == .boundary)
  #expect(squareWithHole.locate(p(6, 6)) == .boundary)
  #expect(squareWithHole.locate(p(3.999, 5)) == .inside)
  #expect(!squareWithHole.contains(p(5, 5)))
}

@Test func rayThroughVerticesCountsOnce() {
  // A diamond: a horizontal ray from (0, 0) leaves through the vertex (2, 0) and would cross
  // two edges there without the half-open rule.
  let diamond = LinearRing([p(0, -2), p(2, 0), p(0, 2), p(-2, 0)])
  #expect(diamond.locate(p(0, 0)) == .inside)
  #expect(diamond.locate(p(-3, 0)) == .outside)
  #expect(diamond.locate(p(2, 0)) == .boundary)
  #expect(diamond.locate(p(1, 1)) == .boundary)
  #expect(diamond.locate(p(1.01, 1.01)) == .outside)
  // A concave "M" whose horizontal edges line up with the test point.
  let m = LinearRing([p(0, 0), p(4, 0), p(4, 4), p(3, 4), p(2, 2), p(1, 4), p(0, 4)])
  #expect(m.locate(p(2, 1)) == .inside)
  #expect(m.locate(p(2, 3)) == .outside)
  #expect(m.locate(p(0.5, 3.9)) == .inside)
  #expect(m.locate(p(-1, 4)) == .outside)
  #expect(m.locate(p(3.5, 4)) == .boundary)
}

@Test func realWorldCoordinates() {
  // A small reserve near Arusha, given in full GPS precision; the point is a few metres inside.
  let reserve = LinearRing([
    p(36.6801234, -3.3704321), p(36.6902345, -3.3704321), p(36.6902345, -3.3603210),
    p(36.6801234, -3.3603210),
  ])
  #expect(reserve.locate(p(36.6801300, -3.3650000)) == .inside)
  #expect(reserve.locate(p(36.6801100, -3.3650000)) == .outside)
  #expect(reserve.locate(p(36.6801234, -3.3650000)) == .boundary)
}

@Test func degenerateRingsContainNothing() {
  let line = LinearRing([p(0, 0), p(1, 1)])
  #expect(line.locate(p(0.5, 0.5)) == .boundary)
  #expect(line.locate(p(0.5, 0.4)) == .outside)
}
