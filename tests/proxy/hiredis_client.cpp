#include "proxy/hiredis_client.hpp"

#include <sys/time.h>

namespace atomkv::proxy_tests {

hiredis_client::hiredis_client(const server& srv, int timeout_ms) {
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ctx_.reset(redisConnectWithTimeout(srv.host().c_str(), srv.port(), tv));
  if (ok()) {
    redisSetTimeout(ctx_.get(), tv);
  }
}

namespace {

void to_argv(const std::vector<std::string>& args, std::vector<const char*>& argv,
             std::vector<size_t>& lens) {
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
}

}  // namespace

reply_ptr hiredis_client::cmd(const std::vector<std::string>& args) {
  if (!ok()) {
    return nullptr;
  }
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  to_argv(args, argv, lens);
  return reply_ptr(static_cast<redisReply*>(
      redisCommandArgv(ctx_.get(), static_cast<int>(argv.size()), argv.data(), lens.data())));
}

void hiredis_client::append(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  to_argv(args, argv, lens);
  redisAppendCommandArgv(ctx_.get(), static_cast<int>(argv.size()), argv.data(), lens.data());
}

reply_ptr hiredis_client::next_reply() {
  void* r = nullptr;
  if (!ok() || redisGetReply(ctx_.get(), &r) != REDIS_OK) {
    return nullptr;
  }
  return reply_ptr(static_cast<redisReply*>(r));
}

std::string str(const reply_ptr& r) {
  if (!r) {
    return "(no reply)";
  }
  switch (r->type) {
    case REDIS_REPLY_NIL:
      return "(nil)";
    case REDIS_REPLY_INTEGER:
      return "(integer) " + std::to_string(r->integer);
    case REDIS_REPLY_ERROR:
      return "(error) " + std::string(r->str, r->len);
    case REDIS_REPLY_ARRAY:
      return "(array of " + std::to_string(r->elements) + ")";
    default:
      return std::string(r->str, r->len);
  }
}

long long integer(const reply_ptr& r) {
  return r && r->type == REDIS_REPLY_INTEGER ? r->integer : -999999;
}

bool is_error(const reply_ptr& r, const std::string& text) {
  return r && r->type == REDIS_REPLY_ERROR && std::string(r->str, r->len) == text;
}

}  // namespace atomkv::proxy_tests
