#if canImport(Glibc)
import Glibc
#endif

/// glibc's allocator, left at its defaults, hands freed memory back to the kernel and takes it
/// again a moment later: with the engine's steady churn of request, response and SQLite page
/// buffers, page faults, `memmove` into fresh pages and TLB shootdowns after `munmap` took about
/// a tenth of the engine's CPU (`perf record` of `hookdash-bench delivery`). Keeping a little
/// memory at hand removes most of that. Called once, first thing in `main`.
public enum AllocatorTuning {
    /// Returns false where the settings do not apply (no glibc).
    @discardableResult
    public static func keepFreedMemoryForReuse() -> Bool {
        #if canImport(Glibc)
        // Swift's Glibc module leaves out <malloc.h>; the parameter numbers are glibc's ABI.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        let trimThreshold: Int32 = -1, topPad: Int32 = -2, mmapThreshold: Int32 = -3
        // Free memory above the heap's top is returned only beyond 64 MiB…
        let trim = mallopt(trimThreshold, 64 << 20)
        // …the heap grows 16 MiB at a time (address space; pages count only once touched)…
        let pad = mallopt(topPad, 16 << 20)
        // …and blocks up to 4 MiB come from the heap, not from an mmap unmapped on free.
        let mmap = mallopt(mmapThreshold, 4 << 20)
        return trim == 1 && pad == 1 && mmap == 1
        #else
        return false
        #endif
    }
}
