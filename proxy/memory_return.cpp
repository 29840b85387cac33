#include "memory_return.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace atomkv::proxy {

std::size_t return_free_memory(std::size_t worth) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  // fordblks: the bytes of free blocks in every arena, not yet given back.
  const std::size_t free_bytes = mallinfo2().fordblks;
  if (free_bytes > worth) {
    malloc_trim(0);
  }
  return free_bytes;
#else
  (void)worth;
  return 0;
#endif
}

}  // namespace atomkv::proxy
