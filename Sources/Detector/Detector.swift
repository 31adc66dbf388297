/// Detector engine (placeholder).
public enum DetectorModule {}
