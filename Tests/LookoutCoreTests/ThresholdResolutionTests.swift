import LookoutCore
import Testing

/// The config file's thresholds over the model's defaults: classes, then the image's site.
@Suite struct ThresholdResolutionTests {
  static let defaults = AlertThresholds(animal: 0.2, person: 0.4, vehicle: 0.5)
  static let settings = ClassThresholds(
    classes: ["person": 0.6, "animal": 0.3],
    sites: ["river-camp": ["person": 0.35], "gate": ["vehicle": 0.9]])

  @Test func defaultsThenClassesThenTheSite() {
    #expect(
      Self.settings.resolved(defaults: Self.defaults, site: nil)
        == AlertThresholds(animal: 0.3, person: 0.6, vehicle: 0.5))
    #expect(
      Self.settings.resolved(defaults: Self.defaults, site: "elsewhere")
        == AlertThresholds(animal: 0.3, person: 0.6, vehicle: 0.5))
    #expect(
      Self.settings.resolved(defaults: Self.defaults, site: "river-camp")
        == AlertThresholds(animal: 0.3, person: 0.35, vehicle: 0.5))
    #expect(
      Self.settings.resolved(defaults: Self.defaults, site: "gate")
        == AlertThresholds(animal: 0.3, person: 0.6, vehicle: 0.9))
    #expect(ClassThresholds().resolved(defaults: Self.defaults, site: "gate") == Self.defaults)
  }

  /// Values are applied as the nearest Float, as `--threshold person=0.42` is.
  @Test func valuesAreTheFloatsATextOverrideGives() {
    var fromText = Self.defaults
    #expect(fromText.apply(override: "person=0.42") && fromText.apply(override: "vehicle=0.1"))
    let resolved = ClassThresholds(classes: ["person": 0.42, "vehicle": 0.1])
      .resolved(defaults: Self.defaults, site: nil)
    #expect(resolved == fromText)
  }

  @Test func entriesThatCannotApplyAreSkippedAndNamed() {
    let bad = ClassThresholds(
      classes: ["lion": 0.5, "Person": 0.7, "vehicle": 1.5],
      sites: ["b": ["person": -0.1], "a": ["tiger": 0.2]])
    #expect(
      bad.resolved(defaults: Self.defaults, site: "b")
        == AlertThresholds(animal: 0.2, person: 0.7, vehicle: 0.5))
    #expect(bad.firstInvalidEntry == "lion=0.5")
    #expect(ClassThresholds(sites: bad.sites).firstInvalidEntry == "tiger=0.2 (site a)")
    #expect(Self.settings.firstInvalidEntry == nil)
    #expect(ClassThresholds.applies("Vehicle", 1) && !ClassThresholds.applies("bird", 0.5))
  }
}

/// The researcher commands' precedence: `--threshold`, the config, the run's own, the fallback.
@Suite struct ResearchThresholdPrecedenceTests {
  @Test func theFirstSourceThatNamesAClassWins() {
    let config = ClassThresholds(classes: ["person": 0.3], sites: ["gate": ["vehicle": 0.9]])
    let t = ClassThresholds.resolve(
      overrides: ["animal": 0.1], config: config, recorded: ["animal": 0.7, "person": 0.8])
    #expect(t.threshold(.animal) == 0.1)
    #expect(t.threshold(.person) == 0.3)
    #expect(t.threshold(.vehicle) == ClassThresholds.fallback)
    #expect(t.threshold(.vehicle, site: "gate") == 0.9)
    #expect(t.sites == config.sites)
  }
}
