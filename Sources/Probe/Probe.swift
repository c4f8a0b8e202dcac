/// LowBit's probe layer: data sets in MUSE's layout, prompts, metrics, recovery attacks and
/// reports. Everything here runs models through `LowBit` and never reaches below it.
public enum Probe {}
