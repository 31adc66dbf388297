/// Decoding, EXIF and orientation (placeholder).
public enum ImageIOModule {}
