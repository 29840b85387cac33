#pragma once
// A call of the mapping (commands.hpp) on an asynchronous connection, with its replies watched
// for Redis Cluster's refusals (redirect_sink): `done` gets what they decide — or the error that
// ended the connection — and the call itself, to finish when the replies are its answer.

#include <memory>
#include <utility>

#include "async_call.hpp"
#include "cluster_routing.hpp"

namespace atomkv::redis {

// `Done` is void(result<retry_decision>, Call&).
template <class Call, class Done>
class checked_call final : public async_call {
 public:
  checked_call(Call call, Done done)
      : call_(std::move(call)), sink_(call_, 0), done_(std::move(done)) {}
  checked_call(const checked_call&) = delete;
  checked_call& operator=(const checked_call&) = delete;

  const request& command() const override { return call_.command(); }
  void on_reply(const redisReply& reply) override { sink_.on_reply(reply); }
  void finish() override { done_(result<retry_decision>(sink_.decide()), call_); }
  void fail(error why) override { done_(result<retry_decision>(failure(std::move(why))), call_); }

 private:
  Call call_;
  redirect_sink sink_;
  Done done_;
};

template <class Call, class Done>
std::unique_ptr<async_call> check_call(Call call, Done done) {
  return std::make_unique<checked_call<Call, Done>>(std::move(call), std::move(done));
}

}  // namespace atomkv::redis
