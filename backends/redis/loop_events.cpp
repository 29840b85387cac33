#include "loop_events.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace atomkv::redis {

struct loop_events {
  redisAsyncContext* context = nullptr;  // null once hiredis has let go of it
  uv_poll_t poll{};
  write_batch* batch = nullptr;
  int polled = 0;             // the events uv_poll is started with
  bool reading = false;       // hiredis wants reads
  bool socket_full = false;   // hiredis has bytes that wait for POLLOUT
  bool writing_now = false;   // inside redisAsyncHandleWrite
  std::size_t queued_at = 0;  // index in batch->queued_ + 1; 0 when not queued
};

namespace {

bool connected(const loop_events& e) {
  return e.context != nullptr && (e.context->c.flags & REDIS_CONNECTED) != 0;
}

void update_poll(loop_events& e);

void on_poll(uv_poll_t* handle, int status, int events) {
  auto* e = static_cast<loop_events*>(handle->data);
  if (status < 0) {
    // libuv stopped the poll; hiredis finds the socket's error by reading or by checking the
    // connect, and disconnects.
    e->polled = 0;
    events = UV_READABLE | UV_WRITABLE;
    if (!connected(*e)) {
      events = UV_WRITABLE;
    }
  }
  if (e->context != nullptr && (events & UV_READABLE)) {
    redisAsyncHandleRead(e->context);
  }
  if (e->context != nullptr && (events & UV_WRITABLE)) {
    e->writing_now = true;
    redisAsyncHandleWrite(e->context);
    e->writing_now = false;
  }
  if (e->context != nullptr && status < 0) {
    update_poll(*e);
  }
}

void update_poll(loop_events& e) {
  int wanted = (e.reading ? UV_READABLE : 0) | (e.socket_full ? UV_WRITABLE : 0);
  if (wanted == e.polled) {
    return;
  }
  e.polled = wanted;
  if (wanted != 0) {
    uv_poll_start(&e.poll, wanted, &on_poll);
  } else {
    uv_poll_stop(&e.poll);
  }
}

void add_read(void* data) {
  auto* e = static_cast<loop_events*>(data);
  e->reading = true;
  update_poll(*e);
}

void del_read(void* data) {
  auto* e = static_cast<loop_events*>(data);
  e->reading = false;
  update_poll(*e);
}

void add_write(void* data) {
  auto* e = static_cast<loop_events*>(data);
  if (!connected(*e) || e->writing_now) {
    // A connect completes on POLLOUT; a write that could not finish waits for room.
    e->socket_full = true;
    update_poll(*e);
    return;
  }
  if (!e->socket_full) {
    e->batch->queue(*e);
  }
}

void del_write(void* data) {
  auto* e = static_cast<loop_events*>(data);
  e->socket_full = false;
  update_poll(*e);
}

void cleanup(void* data) {
  auto* e = static_cast<loop_events*>(data);
  e->context = nullptr;
  e->batch->forget(*e);
  uv_close(reinterpret_cast<uv_handle_t*>(&e->poll),
           [](uv_handle_t* handle) { delete static_cast<loop_events*>(handle->data); });
}

}  // namespace

void write_batch::queue(loop_events& events) {
  if (events.queued_at == 0) {
    queued_.push_back(&events);
    events.queued_at = queued_.size();
  }
}

void write_batch::forget(loop_events& events) {
  if (events.queued_at != 0) {
    queued_[events.queued_at - 1] = nullptr;
    events.queued_at = 0;
  }
}

void write_batch::flush() {
  // By index: a failing write runs callbacks that may queue other connections.
  for (std::size_t i = 0; i < queued_.size(); ++i) {
    loop_events* e = queued_[i];
    if (e == nullptr) {
      continue;
    }
    e->queued_at = 0;
    if (e->context != nullptr) {
      e->writing_now = true;
      redisAsyncHandleWrite(e->context);
      e->writing_now = false;
    }
  }
  queued_.clear();
}

bool attach_to_loop(redisAsyncContext* context, uv_loop_t* loop, write_batch& batch) {
  if (context->ev.data != nullptr) {
    return false;
  }
  auto* e = new loop_events;
  if (uv_poll_init(loop, &e->poll, context->c.fd) != 0) {
    delete e;
    return false;
  }
  e->context = context;
  e->batch = &batch;
  e->poll.data = e;
  context->ev.data = e;
  context->ev.addRead = &add_read;
  context->ev.delRead = &del_read;
  context->ev.addWrite = &add_write;
  context->ev.delWrite = &del_write;
  context->ev.cleanup = &cleanup;
  return true;
}

}  // namespace atomkv::redis
