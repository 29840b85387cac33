#pragma once
// One call of the mapping (commands.hpp) bound to what completes it, as an asynchronous
// connection carries it: the connection sends command(), feeds every reply to on_reply in order,
// then calls finish(); or fail() if the replies will never come (the connection was lost).

#include <memory>
#include <utility>

#include "atomkv/result.hpp"
#include "commands.hpp"
#include "request.hpp"

struct redisReply;

namespace atomkv::redis {

class async_call : public reply_sink {
 public:
  virtual ~async_call() = default;
  virtual const request& command() const = 0;
  virtual void finish() = 0;
  virtual void fail(error why) = 0;
};

// `Call` is one of the call objects of commands.hpp; `Done` takes what its finish() returns.
template <class Call, class Done>
class bound_call final : public async_call {
 public:
  bound_call(Call call, Done done) : call_(std::move(call)), done_(std::move(done)) {}

  const request& command() const override { return call_.command(); }
  void on_reply(const redisReply& reply) override { call_.on_reply(reply); }
  void finish() override { done_(call_.finish()); }
  void fail(error why) override { done_(failure(std::move(why))); }

 private:
  Call call_;
  Done done_;
};

template <class Call, class Done>
std::unique_ptr<async_call> bind_call(Call call, Done done) {
  return std::make_unique<bound_call<Call, Done>>(std::move(call), std::move(done));
}

}  // namespace atomkv::redis
