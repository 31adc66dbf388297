#!/usr/bin/env python3
"""Validates a Camtrap DP 1.0 package written by `lookout export camtrap-dp`, offline.

Usage: validate_camtrap_dp.py PACKAGE_FOLDER

The package's table schemas and profile are published as URLs, which cannot be fetched here, so
this script checks the descriptor against the profile's requirements itself and validates the
three CSV tables with frictionless (pip install frictionless) against table schemas written out
below from the Camtrap DP 1.0 field definitions: types, required fields, enumerations, ranges,
patterns, primary keys and foreign keys. Exit status 0 when valid, 1 with the errors otherwise,
2 when frictionless is missing.
"""
import json
import os
import sys

try:
    import frictionless
except ImportError:  # pragma: no cover
    print("frictionless is not installed (pip install frictionless)", file=sys.stderr)
    sys.exit(2)

DATETIME = "%Y-%m-%dT%H:%M:%S%z"


def field(name, type_="string", required=False, enum=None, minimum=None, maximum=None,
          pattern=None, unique=False, fmt=None):
    f = {"name": name, "type": type_}
    if type_ == "datetime":
        f["format"] = fmt or DATETIME
    c = {}
    if required:
        c["required"] = True
    if unique:
        c["unique"] = True
    if enum is not None:
        c["enum"] = enum
    if minimum is not None:
        c["minimum"] = minimum
    if maximum is not None:
        c["maximum"] = maximum
    if pattern is not None:
        c["pattern"] = pattern
    if c:
        f["constraints"] = c
    return f


DEPLOYMENTS = {
    "fields": [
        field("deploymentID", required=True, unique=True),
        field("locationID"), field("locationName"),
        field("latitude", "number", required=True, minimum=-90, maximum=90),
        field("longitude", "number", required=True, minimum=-180, maximum=180),
        field("coordinateUncertainty", "integer", minimum=1),
        field("deploymentStart", "datetime", required=True),
        field("deploymentEnd", "datetime", required=True),
        field("setupBy"), field("cameraID"), field("cameraModel"),
        field("cameraDelay", "integer", minimum=0),
        field("cameraHeight", "number", minimum=0),
        field("cameraDepth", "number", minimum=0),
        field("cameraTilt", "integer", minimum=-90, maximum=90),
        field("cameraHeading", "integer", minimum=0, maximum=360),
        field("detectionDistance", "number", minimum=0),
        field("timestampIssues", "boolean"), field("baitUse", "boolean"),
        field("featureType", enum=[
            "roadPaved", "roadDirt", "trailHiking", "trailGame", "roadUnderpass", "roadOverpass",
            "roadBridge", "culvert", "burrow", "nestSite", "carcass", "waterSource",
            "fruitingTree"]),
        field("habitat"), field("deploymentGroups"), field("deploymentTags"),
        field("deploymentComments"),
    ],
    "missingValues": [""],
    "primaryKey": ["deploymentID"],
}

MEDIA = {
    "fields": [
        field("mediaID", required=True, unique=True),
        field("deploymentID", required=True),
        field("captureMethod", enum=["activityDetection", "timeLapse"]),
        field("timestamp", "datetime", required=True),
        field("filePath", required=True, pattern=r"^(?=^[^./~])(^((?!\.{2}).)*$).*$"),
        field("filePublic", "boolean", required=True),
        field("fileName"),
        field("fileMediatype", required=True, pattern=r"^(image|video|audio)/.*$"),
        field("exifData"), field("favorite", "boolean"), field("mediaComments"),
    ],
    "missingValues": [""],
    "primaryKey": ["mediaID"],
    "foreignKeys": [{"fields": ["deploymentID"],
                     "reference": {"resource": "deployments", "fields": ["deploymentID"]}}],
}

OBSERVATIONS = {
    "fields": [
        field("observationID", required=True, unique=True),
        field("deploymentID", required=True),
        field("mediaID"), field("eventID"),
        field("eventStart", "datetime", required=True),
        field("eventEnd", "datetime", required=True),
        field("observationLevel", required=True, enum=["media", "event"]),
        field("observationType", required=True, enum=[
            "animal", "human", "vehicle", "blank", "unknown", "unclassified"]),
        field("cameraSetupType", enum=["setup", "calibration"]),
        field("scientificName"),
        field("count", "integer", minimum=1),
        field("lifeStage", enum=["adult", "subadult", "juvenile"]),
        field("sex", enum=["female", "male"]),
        field("behavior"), field("individualID"),
        field("individualPositionRadius", "number", minimum=0),
        field("individualPositionAngle", "number", minimum=-90, maximum=90),
        field("individualSpeed", "number", minimum=0),
        field("bboxX", "number", minimum=0, maximum=1),
        field("bboxY", "number", minimum=0, maximum=1),
        field("bboxWidth", "number", minimum=1e-15, maximum=1),
        field("bboxHeight", "number", minimum=1e-15, maximum=1),
        field("classificationMethod", enum=["human", "machine"]),
        field("classifiedBy"),
        field("classificationTimestamp", "datetime"),
        field("classificationProbability", "number", minimum=0, maximum=1),
        field("observationTags"), field("observationComments"),
    ],
    "missingValues": ["", "NaN", "nan"],
    "primaryKey": ["observationID"],
    "foreignKeys": [
        {"fields": ["deploymentID"],
         "reference": {"resource": "deployments", "fields": ["deploymentID"]}},
        {"fields": ["mediaID"], "reference": {"resource": "media", "fields": ["mediaID"]}},
    ],
}

SCHEMAS = {"deployments": DEPLOYMENTS, "media": MEDIA, "observations": OBSERVATIONS}
BASE = "https://raw.githubusercontent.com/tdwg/camtrap-dp/1.0/"


def descriptor_errors(d):
    """The Camtrap DP 1.0 profile's requirements on datapackage.json."""
    errors = []
    for key in ["profile", "created", "contributors", "project", "spatial", "temporal",
                "taxonomic", "resources"]:
        if key not in d:
            errors.append(f"datapackage.json: missing {key}")
    if d.get("profile") != BASE + "camtrap-dp-profile.json":
        errors.append("datapackage.json: profile is not the Camtrap DP 1.0 profile URL")
    names = [r.get("name") for r in d.get("resources", [])]
    for name in SCHEMAS:
        if name not in names:
            errors.append(f"datapackage.json: no {name} resource")
    for r in d.get("resources", []):
        if r.get("name") in SCHEMAS:
            for key in ["name", "path", "profile", "schema"]:
                if key not in r:
                    errors.append(f"resource {r.get('name')}: missing {key}")
            if r.get("profile") != "tabular-data-resource":
                errors.append(f"resource {r['name']}: profile is not tabular-data-resource")
            if r.get("schema") != BASE + f"{r['name']}-table-schema.json":
                errors.append(f"resource {r['name']}: schema is not the 1.0 table schema URL")
    contributors = d.get("contributors", [])
    if not contributors or not all(c.get("title") for c in contributors):
        errors.append("contributors: at least one, each with a title")
    roles = {"contact", "principalInvestigator", "rightsHolder", "publisher", "contributor"}
    for c in contributors:
        if "role" in c and c["role"] not in roles:
            errors.append(f"contributors: role {c['role']} is not allowed")
    p = d.get("project", {})
    for key in ["title", "samplingDesign", "captureMethod", "individualAnimals",
                "observationLevel"]:
        if key not in p:
            errors.append(f"project: missing {key}")
    if p.get("samplingDesign") not in {"simpleRandom", "systematicRandom", "clusteredRandom",
                                        "experimental", "targeted", "opportunistic"}:
        errors.append("project: samplingDesign is not allowed")
    if not p.get("captureMethod") or not set(p["captureMethod"]) <= {"activityDetection",
                                                                      "timeLapse"}:
        errors.append("project: captureMethod")
    if not isinstance(p.get("individualAnimals"), bool):
        errors.append("project: individualAnimals must be a boolean")
    if not set(p.get("observationLevel", [])) <= {"media", "event"}:
        errors.append("project: observationLevel")
    s = d.get("spatial", {})
    if s.get("type") not in {"Point", "Polygon", "MultiPolygon"} or "coordinates" not in s:
        errors.append("spatial: not GeoJSON")
    t = d.get("temporal", {})
    import datetime as _dt
    for key in ["start", "end"]:
        try:
            _dt.date.fromisoformat(t.get(key, ""))
        except ValueError:
            errors.append(f"temporal.{key}: not a YYYY-MM-DD date")
    if not isinstance(d.get("taxonomic"), list):
        errors.append("taxonomic: not an array")
    if "licenses" in d:
        scopes = [l.get("scope") for l in d["licenses"]]
        if len(scopes) < 2 or not set(scopes) <= {"data", "media"}:
            errors.append("licenses: need a data and a media license")
    return errors


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "datapackage.json"), encoding="utf-8") as f:
        d = json.load(f)
    errors = descriptor_errors(d)
    local = {"name": "camtrap-dp-check", "resources": []}
    for r in d.get("resources", []):
        if r.get("name") in SCHEMAS:
            local["resources"].append({
                "name": r["name"], "path": r["path"], "format": "csv", "encoding": "utf-8",
                "schema": SCHEMAS[r["name"]]})
    package = frictionless.Package(local, basepath=folder)
    report = package.validate()
    if not report.valid:
        for task in report.tasks:
            for e in task.errors:
                errors.append(f"{task.name}: {e.message}")
    rows = {r["name"]: len(frictionless.Resource(os.path.join(folder, r["path"])).read_rows())
            for r in local["resources"]}
    if errors:
        print("\n".join(errors))
        return 1
    print(f"valid Camtrap DP 1.0 package: {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
