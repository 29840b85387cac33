#pragma once
// Where a Redis store's asynchronous forms run: set by store::attach_loop, cleared by
// detach_loop, shared by the store and every bucket it opened. Used on the loop's thread only.

#include <memory>

#include "async_engine.hpp"

namespace atomkv::redis {

struct loop_binding {
  std::shared_ptr<async_engine> engine;  // null while no loop is attached
};

}  // namespace atomkv::redis
