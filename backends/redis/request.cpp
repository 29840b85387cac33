#include "request.hpp"

#include <charconv>

namespace atomkv::redis {

void request::header(char type, std::size_t count) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, count);
  (void)ec;
  wire_.push_back(type);
  wire_.append(digits, end);
  wire_.append("\r\n", 2);
}

void request::start(std::size_t argc) {
  header('*', argc);
  pending_args_ = argc;
  close_command_if_done();
}

void request::close_command_if_done() {
  if (pending_args_ == 0) {
    ends_.push_back(wire_.size());
  }
}

void request::arg(std::string_view text) {
  header('$', text.size());
  wire_.append(text);
  wire_.append("\r\n", 2);
  --pending_args_;
  close_command_if_done();
}

void request::arg(long long number) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, number);
  (void)ec;
  arg(std::string_view(digits, end - digits));
}

void request::key(std::string_view prefix, std::string_view name) {
  header('$', prefix.size() + name.size());
  wire_.append(prefix);
  wire_.append(name);
  wire_.append("\r\n", 2);
  --pending_args_;
  close_command_if_done();
}

void request::add(std::initializer_list<std::string_view> args) {
  start(args.size());
  for (auto a : args) {
    arg(a);
  }
}

void request::append(const request& other) {
  const std::size_t base = wire_.size();
  wire_.append(other.wire_);
  for (std::size_t end : other.ends_) {
    ends_.push_back(base + end);
  }
}

std::string_view request::command(std::size_t index) const {
  std::size_t begin = index == 0 ? 0 : ends_[index - 1];
  return std::string_view(wire_).substr(begin, ends_[index] - begin);
}

}  // namespace atomkv::redis
