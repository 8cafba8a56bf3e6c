import Testing
@testable import HookdashDelivery

/// The allocator settings reach glibc: `mallopt` is found and accepts every parameter (it
/// answers 0 for an unknown parameter or a refused value, and the function then says false).
@Suite struct AllocatorTuningTests {
    @Test func glibcAcceptsEverySetting() {
        #if canImport(Glibc)
        #expect(AllocatorTuning.keepFreedMemoryForReuse())
        #else
        #expect(!AllocatorTuning.keepFreedMemoryForReuse())
        #endif
    }
}
