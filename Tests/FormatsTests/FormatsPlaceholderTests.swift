import Testing
@testable import Formats

@Test func placeholderFormats() { #expect(Bool(true)) }
