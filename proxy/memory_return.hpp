#pragma once
// Gives memory that clients released back to the operating system. glibc's malloc keeps freed
// blocks for reuse (those of 128 KB and more too, once it has raised its mmap threshold), so
// after a burst of large requests the proxy's resident size would stay at the burst's peak
// although nothing holds it; Redis's jemalloc purges such pages over time, and this does the
// same about once a second, only when much is free.

#include <cstddef>

namespace atomkv::proxy {

// Returns free heap memory to the system when more than `worth` bytes of it are free; the
// bytes it found free (0 where the allocator cannot say).
std::size_t return_free_memory(std::size_t worth);

}  // namespace atomkv::proxy
