import LookoutCore
import Testing

/// The one list of classes: network index from 0, MegaDetector category from 1, one name each.
@Suite struct DetectionClassTests {
  @Test func indexCategoryAndNameNameTheSameClass() {
    #expect(DetectionClass.allCases.map(\.index) == [0, 1, 2])
    #expect(DetectionClass.allCases.map(\.megaDetectorCategory) == [1, 2, 3])
    #expect(DetectionClass.allCases.map(\.name) == ["animal", "person", "vehicle"])
    for c in DetectionClass.allCases {
      #expect(DetectionClass(index: c.index) == c)
      #expect(DetectionClass(megaDetectorCategory: c.megaDetectorCategory) == c)
      #expect(DetectionClass(name: c.name) == c)
    }
    #expect(DetectionClass(index: 3) == nil && DetectionClass(index: -1) == nil)
    #expect(DetectionClass(megaDetectorCategory: 0) == nil)
    #expect(DetectionClass(megaDetectorCategory: 4) == nil)
    #expect(DetectionClass(name: "Person") == nil)
  }

  @Test func categoryNamesFallBackToTheId() {
    #expect(DetectionClass.name(forCategory: 2) == "person")
    #expect(DetectionClass.name(forCategory: 7) == "category_7")
  }

  @Test func onlyPeopleAndVehiclesRaiseAlerts() {
    #expect(DetectionClass.allCases.filter(\.raisesAlerts) == [.person, .vehicle])
  }
}

/// `--threshold class=value`, parsed in one place for every command.
@Suite struct ThresholdAssignmentTests {
  @Test func acceptsAClassInAnyCaseAndAValueInZeroToOne() {
    #expect(ThresholdAssignment(parsing: "person=0.4") == ThresholdAssignment(.person, 0.4))
    #expect(ThresholdAssignment(parsing: "Vehicle=1") == ThresholdAssignment(.vehicle, 1))
    #expect(ThresholdAssignment(parsing: "ANIMAL=0") == ThresholdAssignment(.animal, 0))
  }

  @Test func refusesEverythingElse() {
    for text in [
      "person", "person=", "=0.4", "lion=0.4", "person=1.5", "person=-0.1", "person=abc",
      "person=0.4=0.5", "",
    ] {
      #expect(ThresholdAssignment(parsing: text) == nil, "\(text)")
    }
  }

  @Test func appliesAsTheNearestFloat() {
    var thresholds = AlertThresholds(animal: 0.2, person: 0.4, vehicle: 0.5)
    let applied = thresholds.apply(override: "person=0.42")
    let refused = !thresholds.apply(override: "bird=0.1")
    #expect(applied && refused)
    #expect(thresholds == AlertThresholds(animal: 0.2, person: 0.42, vehicle: 0.5))
    #expect(thresholds.threshold(for: .person) == Float(0.42))
  }
}

/// The folder layout, and a deployment's names over it.
@Suite struct ImageOriginTests {
  @Test func siteAndCameraFromTheFolders() {
    #expect(ImageOrigin(relativePath: "a.jpg") == ImageOrigin(site: nil, camera: nil))
    #expect(ImageOrigin(relativePath: "cam/a.jpg") == ImageOrigin(site: nil, camera: "cam"))
    #expect(
      ImageOrigin(relativePath: "site/cam/day1/a.jpg") == ImageOrigin(site: "site", camera: "cam"))
  }

  @Test func aDeploymentsNamesWinWhereItHasThem() {
    let folders = ImageOrigin(relativePath: "site/cam/a.jpg")
    #expect(
      folders.placed(deploymentSite: "park", deploymentCamera: nil)
        == ImageOrigin(site: "park", camera: "cam"))
    #expect(folders.placed(deploymentSite: nil, deploymentCamera: nil) == folders)
  }
}
