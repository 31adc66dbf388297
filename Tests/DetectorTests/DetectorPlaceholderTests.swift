import Testing
@testable import Detector

@Test func placeholderDetector() { #expect(Bool(true)) }
