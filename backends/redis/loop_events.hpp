#pragma once
// hiredis's event hooks on a libuv loop, for the asynchronous connections.
//
// hiredis ships adapters/libuv.h, but on this path it costs too much and misses failures: it
// restarts the uv_poll for every queued command (each restart is an epoll_ctl DEL, then an ADD on
// the next poll), and it drops poll errors, so a refused connect or a reset connection would wait
// for a timeout. Here the poll interest changes only when it really changes, a poll error is
// handed to hiredis (which then reads the socket's error), and writes are batched: commands
// queued during one loop iteration leave in one write() at its end (write_batch::flush, run by
// the engine's check and prepare handles); only a full socket waits for POLLOUT.

#include <uv.h>

#include <cstddef>
#include <vector>

struct redisAsyncContext;

namespace atomkv::redis {

struct loop_events;

// The connections with commands to write before the loop next waits.
class write_batch {
 public:
  void queue(loop_events& events);
  void forget(loop_events& events);
  // Writes every queued connection's commands (one write() each, more only if the socket is full).
  void flush();

 private:
  std::vector<loop_events*> queued_;
};

// Attaches `context` to `loop`; false if libuv refuses the socket.
bool attach_to_loop(redisAsyncContext* context, uv_loop_t* loop, write_batch& batch);

}  // namespace atomkv::redis
