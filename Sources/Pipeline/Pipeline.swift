import Detector
import Formats
import ImageIO
/// Pipeline (placeholder).
public enum PipelineModule {}
