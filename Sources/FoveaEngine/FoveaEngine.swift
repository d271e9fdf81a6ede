// FoveaEngine: ONNX model → intermediate representation → optimizer passes →
// per-batch-size plan lowered onto oneDNN primitives.
