/// The float weight types f32, f16 and bf16 as ``WeightFormat``s: one generic format over
/// the element access of ``FloatRow``. Their dot products read f32 activations unrounded.
///
/// ```
/// f16:  w = Float(Float16(bitPattern: u16))           (IEEE half, round to nearest even)
/// bf16: w = Float(bitPattern: UInt32(u16) << 16)      (top half of an IEEE single, RNE)
/// ```
enum FloatWeights<R: FloatRow>: WeightFormat {
    typealias Activations = F32Activations

    static var type: GGMLType { R.type }

    static func quantizeRowRef(_ x: UnsafePointer<Float>, into y: UnsafeMutableRawPointer, count: Int) {
        for i in 0..<count { R.store1(x[i], y, i) }
    }

    static func dequantizeRowRef(_ x: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] = R.load1(x, i) }
    }

    static func dotRef(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        var sum: Float = 0
        for c in 0..<count { sum = sum.addingProduct(R.load1(w, c), x[c]) }
        return sum
    }

    static func dequantizeRow(_ x: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>, count n: Int) {
        var c = 0
        while c + 8 <= n { store8(R.load8(x, c), y + c); c += 8 }
        while c < n { y[c] = R.load1(x, c); c += 1 }
    }

    static func dot(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
        DotProducts.dotFloat(R.self, w, x, count: count)
    }

    static func floatRow(_ w: UnsafeRawPointer) -> UnsafePointer<Float>? {
        R.type == .f32 ? w.assumingMemoryBound(to: Float.self) : nil
    }
}
