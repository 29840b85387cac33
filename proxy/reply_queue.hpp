#pragma once
// Replies leave in request order. A reply whose result arrives later (a network backend) holds
// back the replies after it; this queue keeps them until the front one is ready.
//
// Each slot is one reply still to come, followed by the replies that were ready at once after
// it: those share one string, so a long run of them costs no slot each. The bytes held are
// counted as they are added (held()), for the client's output buffer limit.

#include <cassert>
#include <cstdint>
#include <deque>
#include <string>

namespace atomkv::proxy {

class reply_queue {
 public:
  using ticket = std::uint64_t;

  bool empty() const { return slots_.empty(); }

  // Bytes waiting here: the replies already written into the queue. Those written into the
  // last slot's trailing string since the last call of reserve() or pop_front() are counted
  // from its size, so that a writer may append to it freely.
  std::size_t held() const { return slots_.empty() ? 0 : sealed_ + slots_.back().after.size(); }

  // A place for a reply that is not ready yet; `tag` is the caller's (the command's index).
  ticket reserve(std::uint32_t tag = 0) {
    if (!slots_.empty()) {
      sealed_ += slots_.back().after.size();
    }
    slots_.emplace_back().tag = tag;
    return front_ticket_ + slots_.size() - 1;
  }
  std::uint32_t tag_of(ticket t) const { return slots_[t - front_ticket_].tag; }
  // Where a reply that is ready now but must wait behind pending ones is written.
  std::string& append_ready() { return slots_.back().after; }
  // Whether `t` is the oldest pending reply: its bytes can go straight to the output.
  bool is_front(ticket t) const { return t == front_ticket_; }
  // Where the reply of `t` is written, when it is not the front one; then mark_ready(t).
  std::string& bytes_of(ticket t) { return slots_[t - front_ticket_].bytes; }
  void mark_ready(ticket t) {
    auto& s = slots_[t - front_ticket_];
    s.ready = true;
    sealed_ += s.bytes.size();
  }

  // The front reply was written straight to `out`: moves the replies queued behind it there,
  // then every ready reply after them.
  void pop_front(std::string& out) {
    take_front(out);
    while (!slots_.empty() && slots_.front().ready) {
      out.append(slots_.front().bytes);
      sealed_ -= slots_.front().bytes.size();
      take_front(out);
    }
  }

 private:
  struct slot {
    bool ready = false;
    std::string bytes;  // the reply itself, once ready
    std::string after;  // replies ready at once that come after it
    std::uint32_t tag = 0;
  };

  void take_front(std::string& out) {
    slot& front = slots_.front();
    out.append(front.after);
    if (slots_.size() > 1) {
      sealed_ -= front.after.size();  // the last slot's trailing string is not in sealed_
    }
    slots_.pop_front();
    ++front_ticket_;
    assert(!slots_.empty() || sealed_ == 0);
  }

  std::deque<slot> slots_;
  // The bytes of every slot's reply, and of every trailing string but the last slot's.
  std::size_t sealed_ = 0;
  ticket front_ticket_ = 0;
};

}  // namespace atomkv::proxy
