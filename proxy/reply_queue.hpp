#pragma once
// Replies leave in request order. A reply whose result arrives later (a network backend) holds
// back the replies after it; this queue keeps them until the front one is ready.

#include <cstdint>
#include <deque>
#include <string>

namespace atomkv::proxy {

class reply_queue {
 public:
  using ticket = std::uint64_t;

  bool empty() const { return slots_.empty(); }

  // A place for a reply that is not ready yet; `tag` is the caller's (the command's index).
  ticket reserve(std::uint32_t tag = 0) {
    slots_.push_back({false, {}, tag});
    return front_ticket_ + slots_.size() - 1;
  }
  std::uint32_t tag_of(ticket t) const { return slots_[t - front_ticket_].tag; }
  // A place for a reply that is ready now but must wait behind pending ones.
  std::string& append_ready() {
    slots_.push_back({true, {}});
    return slots_.back().bytes;
  }
  // Whether `t` is the oldest pending reply: its bytes can go straight to the output.
  bool is_front(ticket t) const { return t == front_ticket_; }
  std::string& bytes_of(ticket t) { return slots_[t - front_ticket_].bytes; }
  void mark_ready(ticket t) { slots_[t - front_ticket_].ready = true; }

  // Moves every ready reply at the front into `out`.
  void drain_ready(std::string& out) {
    while (!slots_.empty() && slots_.front().ready) {
      out.append(slots_.front().bytes);
      slots_.pop_front();
      ++front_ticket_;
    }
  }
  // The front slot was written straight to the output: drop it.
  void pop_front() {
    slots_.pop_front();
    ++front_ticket_;
  }

 private:
  struct slot {
    bool ready = false;
    std::string bytes;
    std::uint32_t tag = 0;
  };
  std::deque<slot> slots_;
  ticket front_ticket_ = 0;
};

}  // namespace atomkv::proxy
