/// LowBit's lab for making probe subjects: fact corpora, tokenizer training, gradients,
/// optimizers and unlearning objectives.
public enum Training {}
