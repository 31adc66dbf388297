/// Output formats (placeholder).
public enum FormatsModule {}
