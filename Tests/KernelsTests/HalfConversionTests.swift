import Kernels
import Testing

/// bfloat16 and IEEE half conversions on the values where rounding rules matter.
@Suite struct HalfConversionTests {
    @Test(arguments: [
        (Float(1.0), UInt16(0x3F80)),
        (Float(-2.0), UInt16(0xC000)),
        (Float(bitPattern: 0x3F80_8000), UInt16(0x3F80)),  // tie, even stays
        (Float(bitPattern: 0x3F81_8000), UInt16(0x3F82)),  // tie, odd rounds up
        (Float(bitPattern: 0x3F80_8001), UInt16(0x3F81)),  // above the tie
        (Float.infinity, UInt16(0x7F80)),
        (Float.greatestFiniteMagnitude, UInt16(0x7F80)),   // rounds to infinity, as ggml does
    ])
    func bf16RoundsToNearestEven(value: Float, bits: UInt16) {
        #expect(HalfConversion.bf16Bits(value) == bits)
    }

    @Test func bf16KeepsNaNQuiet() {
        let bits = HalfConversion.bf16Bits(Float(bitPattern: 0x7F80_0001))  // signalling NaN
        #expect(HalfConversion.float(bf16Bits: bits).isNaN)
        #expect(bits & 0x0040 != 0)
    }

    @Test(arguments: [Float(0), 1, -1, 0.5, 65504, 6.1035156e-05, 5.9604645e-08])
    func f16RoundTripsRepresentableValues(value: Float) {
        #expect(HalfConversion.float(f16Bits: HalfConversion.f16Bits(value)) == value)
    }

    @Test func f16OverflowsToInfinity() {
        #expect(HalfConversion.float(f16Bits: HalfConversion.f16Bits(70000)) == .infinity)
    }
}
